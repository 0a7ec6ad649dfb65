import { randomUUID } from 'node:crypto';
import { AwsError } from '../../endpoint/errors';
import { isRecord } from '../../json';

/** An event a function put on a bus, as the local endpoint keeps it. */
export interface StoredEvent {
  /** The event id answered to the caller. */
  readonly id: string;
  /** ISO 8601 to the second, as EventBridge writes `time`. */
  readonly time: string;
  readonly source: string;
  readonly detailType: string;
  /** The parsed `Detail`. */
  readonly detail: Readonly<Record<string, unknown>>;
  /** The bus's name (not its ARN). */
  readonly eventBusName: string;
  readonly resources: readonly string[];
  /** The {@link FunctionSpec.id} of the function that put it. */
  readonly functionId: string;
}

/** One answer entry of `PutEvents`. */
export type PutEventsResultEntry =
  { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** What a `PutEvents` request resolves to, before the IAM check. */
export interface PutEventsPlan {
  /** The ARNs of the buses the entries go to (the IAM resources). */
  readonly busArns: readonly string[];
  /**
   * Stores the accepted entries (calling `store` for each) and builds the answer. With
   * `failEntries` (an injected fault) every valid entry fails with `InternalFailure` instead.
   */
  commit(
    functionId: string,
    store: (event: StoredEvent) => void,
    options?: { readonly failEntries?: boolean },
  ): {
    FailedEntryCount: number;
    Entries: PutEventsResultEntry[];
  };
}

/** EventBridge's limit on the size of one `PutEvents` request's entries. */
const MAX_ENTRIES_BYTES = 256 * 1024;

function busOf(name: unknown, region: string, accountId: string): { arn: string; name: string } {
  if (typeof name === 'string' && name.startsWith('arn:')) {
    return { arn: name, name: name.slice(name.lastIndexOf('/') + 1) };
  }
  const busName = typeof name === 'string' && name.length > 0 ? name : 'default';
  return { arn: `arn:aws:events:${region}:${accountId}:event-bus/${busName}`, name: busName };
}

/** EventBridge writes `time` without milliseconds. */
function eventTime(time: unknown): string {
  const date =
    typeof time === 'number' ? new Date(time * 1000) : typeof time === 'string' ? new Date(time) : new Date();
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const bytes = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value) : 0);

function invalid(field: string): PutEventsResultEntry {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
  };
}

/**
 * Validates an EventBridge `PutEvents` request as EventBridge does: 1 to 10 entries and at most
 * 256 KB of them, else a `ValidationException`; per entry, a missing `Source`, `DetailType` or
 * `Detail` fails that entry (`InvalidArgument`) and a `Detail` that is not a JSON object fails it
 * with `MalformedDetail`, while the others are accepted. `EventBusName` may be a name or an ARN;
 * absent, the `default` bus.
 *
 * @example
 * ```ts
 * const plan = planPutEvents(request, 'eu-west-1', '123456789012');
 * // after the IAM check of events:PutEvents on plan.busArns:
 * const answer = plan.commit(caller.id, (event) => events.push(event));
 * ```
 */
export function planPutEvents(
  request: Record<string, unknown>,
  region: string,
  accountId: string,
): PutEventsPlan {
  const entries = request.Entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
    const constraint =
      Array.isArray(entries) && entries.length > 10
        ? 'Member must have length less than or equal to 10'
        : 'Member must have length greater than or equal to 1';
    throw new AwsError(
      400,
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: ${constraint}`,
    );
  }
  const typed = entries.map((entry): Record<string, unknown> => (isRecord(entry) ? entry : {}));
  const size = typed.reduce(
    (total, entry) =>
      total +
      (entry.Time === undefined ? 0 : 14) +
      bytes(entry.Source) +
      bytes(entry.DetailType) +
      bytes(entry.Detail) +
      (Array.isArray(entry.Resources)
        ? entry.Resources.reduce((sum: number, resource) => sum + bytes(resource), 0)
        : 0),
    0,
  );
  if (size > MAX_ENTRIES_BYTES) {
    throw new AwsError(
      400,
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
  const buses = typed.map((entry) => busOf(entry.EventBusName, region, accountId));
  return {
    busArns: [...new Set(buses.map((bus) => bus.arn))],
    commit(functionId, store, options = {}) {
      const answers = typed.map((entry, index): PutEventsResultEntry => {
        if (typeof entry.Source !== 'string' || entry.Source.length === 0) return invalid('Source');
        if (typeof entry.DetailType !== 'string' || entry.DetailType.length === 0)
          return invalid('DetailType');
        if (typeof entry.Detail !== 'string' || entry.Detail.length === 0) return invalid('Detail');
        let detail: unknown;
        try {
          detail = JSON.parse(entry.Detail);
        } catch {
          detail = undefined;
        }
        if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        if (options.failEntries) {
          return {
            ErrorCode: 'InternalFailure',
            ErrorMessage: 'Internal failure (injected by the local cloud).',
          };
        }
        const id = randomUUID();
        store({
          id,
          time: eventTime(entry.Time),
          source: entry.Source,
          detailType: entry.DetailType,
          detail,
          eventBusName: buses[index]?.name ?? 'default',
          resources: Array.isArray(entry.Resources)
            ? entry.Resources.filter((r) => typeof r === 'string')
            : [],
          functionId,
        });
        return { EventId: id };
      });
      return { FailedEntryCount: answers.filter((answer) => 'ErrorCode' in answer).length, Entries: answers };
    },
  };
}

/** An event as EventBridge delivers it to a rule's targets (and as rules match it). */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * The envelope EventBridge wraps a put event in: what an event pattern is matched against and
 * what a Lambda target receives (an SQS target receives it as its message body).
 *
 * @example
 * ```ts
 * toEventEnvelope(stored, 'eu-west-1', '000000000000');
 * // { version: '0', id, 'detail-type': 'OrderPlaced', source: 'slice.orders', account, time, region, resources: [], detail }
 * ```
 */
export function toEventEnvelope(event: StoredEvent, region: string, accountId: string): EventEnvelope {
  return {
    version: '0',
    id: event.id,
    'detail-type': event.detailType,
    source: event.source,
    account: accountId,
    time: event.time,
    region,
    resources: event.resources,
    detail: event.detail,
  };
}

/** Which stored events a test or `/_local/events` asks for; an absent field matches every event. */
export interface EventFilter {
  readonly source?: string;
  readonly detailType?: string;
}

/**
 * The stored events that match a filter, oldest first.
 *
 * @example
 * ```ts
 * filterEvents(endpoint.events, { source: 'slice.orders', detailType: 'OrderPlaced' });
 * ```
 */
export function filterEvents(events: readonly StoredEvent[], filter: EventFilter = {}): StoredEvent[] {
  return events.filter(
    (event) =>
      (!filter.source || event.source === filter.source) &&
      (!filter.detailType || event.detailType === filter.detailType),
  );
}
