import type { IncomingMessage } from 'node:http';
import type { TokenOptions } from '@slice/testing';
import type { MovableClock } from '../clock';
import type { LocalModel } from '../model';
import { operatorCredentials } from '../endpoint/identities';
import { type StoredEvent, filterEvents } from '../services/events/events';
import type { FailedStreamBatch } from '../services/lambda/stream-event-sources';
import type { TableStream } from '../services/dynamodb/streams';
import type { LocalQueue } from '../services/sqs/sqs';
import type { CapturedNotification } from '../services/sns/sns';
import type { ScheduleListing } from '../services/scheduler/scheduler';
import { readBody } from '../http';
import { isRecord } from '../json';
import { findFunction, labelOf, serviceOf, type LogFilter, type LogStream } from '../logs';
import type { InvokeResult } from '../model';
import { functionsOf } from './functions';

/** What the admin routes read and act on. */
export interface AdminContext {
  /** The local domain, `http://localhost:<port>`. */
  readonly url: string;
  readonly stage: string;
  /** The model served now. */
  model(): LocalModel;
  /** The local AWS endpoint's URL, for `GET /_local/credentials`. */
  readonly endpointUrl: string;
  readonly events: () => readonly StoredEvent[];
  readonly queues: () => readonly LocalQueue[];
  readonly streams: () => readonly TableStream[];
  readonly failedStreamBatches: () => readonly FailedStreamBatch[];
  readonly issuer: {
    jwks(): Promise<unknown>;
    token(user: { sub: string; groups: string[]; email?: string }, options?: TokenOptions): Promise<string>;
  };
  /** Redeploys an assembly; a `RedeployError` is the client's mistake (422). */
  redeploy(assemblyDir: string): Promise<unknown>;
  readonly isRedeployError: (error: unknown) => boolean;
  /** The functions' log stream (`GET /_local/logs`). */
  readonly logs: LogStream;
  /** Invokes a function with an event (`POST /_local/invoke`). */
  invoke(functionId: string, event: unknown): Promise<InvokeResult>;
  /** The open WebSocket connections (`GET /_local/connections`). @default none */
  readonly connections?: () => readonly unknown[];
  /** The clock every part waits on, which `POST /_local/clock` moves. */
  readonly clock: MovableClock;
  /** The Step Functions executions with their history, of one state machine (name or ARN) if given. @default none */
  readonly executions?: (filter: { stateMachine?: string }) => readonly unknown[];
  /** The email, SMS and HTTP/S messages SNS captured instead of sending, oldest first. @default none */
  readonly notifications?: () => readonly CapturedNotification[];
  /** Every schedule and scheduled rule with its next run on the clock. @default none */
  readonly schedules?: () => readonly ScheduleListing[];
}

/** An admin route's answer: a status and a JSON body. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** One admin route: its method and how it answers. */
export interface AdminRoute {
  readonly method: 'GET' | 'POST';
  answer(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer>;
}

/** The admin bodies are small: a token request, an assembly path. */
const MAX_ADMIN_BODY_BYTES = 64 * 1024;

const ok = (body: unknown): AdminAnswer => ({ status: 200, body });
const clientError = (status: number, message: string): AdminAnswer => ({ status, body: { message } });

/** The JSON object of a request body, or the answer refusing it. */
async function jsonBody(
  req: IncomingMessage,
  example: string,
): Promise<Record<string, unknown> | AdminAnswer> {
  const body = await readBody(req, MAX_ADMIN_BODY_BYTES);
  if (body === undefined) return clientError(413, `The body must be at most ${MAX_ADMIN_BODY_BYTES} bytes.`);
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (isRecord(parsed)) return parsed;
  } catch {
    // answered below
  }
  return clientError(400, `The body must be JSON: ${example}`);
}

const isAnswer = (value: Record<string, unknown> | AdminAnswer): value is AdminAnswer =>
  typeof value.status === 'number' && 'body' in value;

async function token(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  const user = await jsonBody(req, '{"sub":"alice","groups":["customer"]}');
  if (isAnswer(user)) return user;
  if (typeof user.sub !== 'string' || !user.sub) return clientError(400, 'sub is required');
  const groups = Array.isArray(user.groups) ? user.groups.map(String) : ['customer'];
  const email = typeof user.email === 'string' ? { email: user.email } : {};
  return ok({ token: await context.issuer.token({ sub: user.sub, groups, ...email }) });
}

async function redeploy(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  // JSON only: a form post (which a page may send without a preflight) is refused.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return clientError(415, 'Send {"assembly":"dist/apps/<service>/cdk.out"} as application/json.');
  const body = await jsonBody(req, '{"assembly":"dist/apps/menu/cdk.out"}');
  if (isAnswer(body)) return body;
  if (typeof body.assembly !== 'string' || !body.assembly)
    return clientError(400, 'assembly is required: the folder of the synthesized cloud assembly');
  try {
    return ok(await context.redeploy(body.assembly));
  } catch (error) {
    if (context.isRedeployError(error))
      return clientError(422, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** Lambda's limit on a synchronous invocation's request payload. */
const MAX_INVOKE_BYTES = 6 * 1024 * 1024;

function logs(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  const query = new URL(req.url ?? '/', context.url).searchParams;
  const number = (name: string) => {
    const raw = query.get(name);
    return raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
  };
  const filter: Record<string, string | number> = {};
  for (const name of ['target', 'correlationId', 'requestId'] as const) {
    const raw = query.get(name);
    if (raw) filter[name] = raw;
  }
  const target = query.get('target');
  if (target) {
    const functions = context.model().functions;
    const services = new Set(functions.map(serviceOf));
    const found = findFunction(functions, target);
    if (!services.has(target.toLowerCase()) && 'error' in found)
      return Promise.resolve(
        clientError(
          404,
          `${found.error.replace(/^No function/, 'No function or service')} Services: ${[...services].sort().join(', ')}.`,
        ),
      );
  }
  for (const name of ['after', 'limit'] as const) {
    const parsed = number(name);
    if (parsed !== undefined) filter[name] = parsed;
  }
  return Promise.resolve(ok({ entries: context.logs.query(filter as LogFilter), last: context.logs.last }));
}

/** Runs one function with the posted event; answers its result and the lines of that request. */
async function invoke(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return clientError(415, 'Send {"function":"get-order","event":{...}} as application/json.');
  const body = await readBody(req, MAX_INVOKE_BYTES);
  if (body === undefined) return clientError(413, `The body must be at most ${MAX_INVOKE_BYTES} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return clientError(400, 'The body must be JSON: {"function":"get-order","event":{...}}');
  }
  if (!isRecord(parsed) || typeof parsed.function !== 'string' || !('event' in parsed))
    return clientError(400, 'function (a name) and event (any JSON) are required');
  const found = findFunction(context.model().functions, parsed.function);
  if ('error' in found) return clientError(404, found.error);
  const result = await context.invoke(found.fn.id, parsed.event);
  if (result.requestId !== undefined) await context.logs.settled(result.requestId);
  const lines = result.requestId === undefined ? [] : context.logs.query({ requestId: result.requestId });
  return ok({ function: labelOf(found.fn), functionId: found.fn.id, result, logs: lines });
}

function events(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  const query = new URL(req.url ?? '/', context.url).searchParams;
  const filter = { source: query.get('source') ?? '', detailType: query.get('detailType') ?? '' };
  return Promise.resolve(ok({ events: filterEvents(context.events(), filter) }));
}

function queues(context: AdminContext): Promise<AdminAnswer> {
  return Promise.resolve(
    ok({
      queues: context.queues().map((queue) => ({
        name: queue.name,
        arn: queue.arn,
        url: queue.url,
        ...queue.counts(),
        ...(queue.deadLetterTargetArn === undefined
          ? {}
          : { deadLetterTargetArn: queue.deadLetterTargetArn, maxReceiveCount: queue.maxReceiveCount }),
        messages: queue.messages(),
      })),
    }),
  );
}

function tables(context: AdminContext): Promise<AdminAnswer> {
  return Promise.resolve(
    ok({
      tables: context.model().tables.map((table) => ({
        stack: table.stackName,
        logicalId: table.logicalId,
        tableName: table.tableName,
        arn: table.arn,
      })),
    }),
  );
}

function streams(context: AdminContext): Promise<AdminAnswer> {
  return Promise.resolve(
    ok({
      streams: context.streams().map((stream) => ({
        tableName: stream.tableName,
        streamArn: stream.streamArn,
        viewType: stream.viewType,
        records: stream.entries.map((entry) => entry.record),
      })),
      failed: context.failedStreamBatches(),
    }),
  );
}

function executions(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  const stateMachine = new URL(req.url ?? '/', context.url).searchParams.get('stateMachine');
  const filter = stateMachine ? { stateMachine } : {};
  return Promise.resolve(ok({ executions: context.executions?.(filter) ?? [] }));
}

const clockNow = (context: AdminContext) => {
  const now = context.clock.now();
  return { now: new Date(now).toISOString(), offsetMs: Math.max(0, Math.round(now - Date.now())) };
};

/** `PT10M`, `P1DT2H`, `PT0.5S`: an ISO 8601 duration of days, hours, minutes and seconds, in ms. */
export function parseDuration(text: string): number | undefined {
  const match =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text,
    );
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return Math.round(((((days ?? 0) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60 + (seconds ?? 0)) * 1000);
}

const CLOCK_EXAMPLE = '{"advanceBy":"PT10M"} (or milliseconds), or {"advanceTo":"2026-12-02T08:00:00Z"}';

/** How far a `POST /_local/clock` body moves the clock: a target time, or the answer refusing it. */
function clockTarget(context: AdminContext, body: Record<string, unknown>): number | AdminAnswer {
  const { advanceBy, advanceTo } = body;
  if ((advanceBy === undefined) === (advanceTo === undefined))
    return clientError(400, `Give exactly one of advanceBy and advanceTo: ${CLOCK_EXAMPLE}`);
  if (advanceTo !== undefined) {
    const target = typeof advanceTo === 'string' ? Date.parse(advanceTo) : Number.NaN;
    if (Number.isNaN(target)) return clientError(400, `advanceTo must be an ISO 8601 time: ${CLOCK_EXAMPLE}`);
    if (target < context.clock.now()) return clientError(409, 'The local clock only moves forward.');
    return target;
  }
  const ms = typeof advanceBy === 'string' ? parseDuration(advanceBy) : advanceBy;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
    return clientError(400, `advanceBy must be a duration such as PT10M, or milliseconds: ${CLOCK_EXAMPLE}`);
  return context.clock.now() + ms;
}

/** Moves the clock forward and answers once every timer that fell due has run. */
async function moveClock(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  const body = await jsonBody(req, CLOCK_EXAMPLE);
  if (isAnswer(body)) return body;
  const target = clockTarget(context, body);
  if (typeof target !== 'number') return target;
  await context.clock.advanceTo(target);
  return ok(clockNow(context));
}

/**
 * `GET /_local/notifications?protocol=&endpoint=&topicArn=`: what SNS captured for email, SMS and
 * HTTP/S subscriptions, oldest first, filtered by the subscription's protocol, endpoint and topic.
 */
function notifications(context: AdminContext, req: IncomingMessage): Promise<AdminAnswer> {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const wanted = (value: string, name: string) => {
    const filter = query.get(name);
    return filter === null || filter === '' || filter === value;
  };
  const captured = (context.notifications?.() ?? []).filter(
    (notification) =>
      wanted(notification.protocol, 'protocol') &&
      wanted(notification.endpoint, 'endpoint') &&
      wanted(
        notification.subscriptionArn.slice(0, notification.subscriptionArn.lastIndexOf(':')),
        'topicArn',
      ),
  );
  return Promise.resolve(ok({ notifications: captured }));
}

/**
 * The admin routes by path. `GET /_local/credentials` gives the developer's own identity for
 * tools (`npm run migrate`): allowed everything, logged as `operator`.
 */
export const adminRoutes: ReadonlyMap<string, AdminRoute | readonly AdminRoute[]> = new Map<
  string,
  AdminRoute | readonly AdminRoute[]
>([
  [
    '/_local/health',
    {
      method: 'GET',
      answer: (context) => {
        const model = context.model();
        return Promise.resolve(
          ok({ status: 'ok', functions: model.functions.length, apis: model.restApis.length }),
        );
      },
    },
  ],
  [
    '/_local/issuer/.well-known/jwks.json',
    { method: 'GET', answer: async (context) => ok(await context.issuer.jwks()) },
  ],
  ['/_local/token', { method: 'POST', answer: token }],
  ['/_local/redeploy', { method: 'POST', answer: redeploy }],
  ['/_local/events', { method: 'GET', answer: events }],
  ['/_local/logs', { method: 'GET', answer: logs }],
  [
    '/_local/functions',
    { method: 'GET', answer: (context) => Promise.resolve(ok(functionsOf(context.model()))) },
  ],
  ['/_local/invoke', { method: 'POST', answer: invoke }],
  ['/_local/queues', { method: 'GET', answer: queues }],
  ['/_local/tables', { method: 'GET', answer: tables }],
  ['/_local/streams', { method: 'GET', answer: streams }],
  ['/_local/executions', { method: 'GET', answer: executions }],
  ['/_local/notifications', { method: 'GET', answer: notifications }],
  [
    '/_local/schedules',
    {
      method: 'GET',
      answer: (context) =>
        Promise.resolve(
          ok({ now: new Date(context.clock.now()).toISOString(), schedules: context.schedules?.() ?? [] }),
        ),
    },
  ],
  [
    '/_local/clock',
    [
      { method: 'GET', answer: (context) => Promise.resolve(ok(clockNow(context))) },
      { method: 'POST', answer: moveClock },
    ],
  ],
  [
    '/_local/connections',
    {
      method: 'GET',
      answer: (context) => Promise.resolve(ok({ connections: context.connections?.() ?? [] })),
    },
  ],
  [
    '/_local/credentials',
    {
      method: 'GET',
      answer: (context) =>
        Promise.resolve(
          ok({
            endpoint: context.endpointUrl,
            region: context.model().region,
            stage: context.stage,
            ...operatorCredentials,
          }),
        ),
    },
  ],
]);
