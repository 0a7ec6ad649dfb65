import { AwsError } from '../../endpoint/errors';
import { awsJsonProtocol } from '../../endpoint/json-protocol';
import type { FunctionSpec } from '../../model';
import { type AwsService, type ServiceCall, type ServiceRequest, jsonAnswer } from '../service';
import { type StoredEvent, planPutEvents } from './events';
import type { EventJournal } from '../../persistence/state';

/** How {@link createEventsService} keeps and hands on events. */
export interface EventsServiceOptions {
  readonly region: string;
  readonly accountId: string;
  /**
   * The names of the event buses that exist (the templates' and `default`). EventBridge accepts
   * an event for a bus that does not exist and drops it; so does the local one, and logs it.
   * @default every bus exists
   */
  readonly eventBuses?: readonly string[];
  /** How many events {@link EventsService.events} keeps, the oldest dropped first. @default 10000 */
  readonly maxStoredEvents?: number;
  /** Called for each event put, after it is stored (the rules match it). @default none */
  readonly onEvent?: (event: StoredEvent) => void;
  readonly log: (text: string) => void;
  /** Where the event log is kept across a restart (`--data-dir`). @default in memory only */
  readonly journal?: EventJournal;
}

/** The local EventBridge API: `PutEvents`, the events kept. */
export interface EventsService extends AwsService {
  /** The events put on any bus, oldest first. */
  readonly events: StoredEvent[];
}

interface EventsState {
  readonly options: EventsServiceOptions;
  readonly events: StoredEvent[];
  knownBuses: ReadonlySet<string> | undefined;
}

const busesOf = (names: readonly string[] | undefined) => names && new Set(['default', ...names]);

/** Keeps an accepted event (unless its bus does not exist) and hands it to the rules. */
function store(state: EventsState, caller: FunctionSpec, event: StoredEvent): void {
  const { log, onEvent, maxStoredEvents = 10_000 } = state.options;
  if (state.knownBuses && !state.knownBuses.has(event.eventBusName)) {
    // EventBridge answers an EventId for a bus that does not exist and drops the event.
    log(
      `PutEvents from ${caller.id}: the bus ${event.eventBusName} does not exist; event ${event.id} (${event.source} ${event.detailType}) is dropped, as EventBridge drops it`,
    );
    return;
  }
  state.options.journal?.appended(event);
  state.events.push(event);
  if (state.events.length > maxStoredEvents) state.events.splice(0, state.events.length - maxStoredEvents);
  try {
    onEvent?.(event);
  } catch (error) {
    log(`onEvent failed for event ${event.id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function eventsCall(state: EventsState, request: ServiceRequest, caller: FunctionSpec): ServiceCall {
  if (request.operation !== 'PutEvents') {
    throw new AwsError(
      400,
      'UnknownOperationException',
      `The local cloud does not implement EventBridge ${request.operation}.`,
    );
  }
  const plan = planPutEvents({ ...request.input }, state.options.region, state.options.accountId);
  return {
    permissions: [{ action: 'events:PutEvents', resources: plan.busArns }],
    answer: ({ failEntries }) =>
      jsonAnswer(plan.commit(caller.id, (event) => store(state, caller, event), { failEntries })),
  };
}

/**
 * The local EventBridge API: `PutEvents` validated as EventBridge validates it, each accepted
 * event kept (for `GET /_local/events` and tests) and handed to `onEvent` (the rules). A redeploy
 * brings the new model's buses.
 *
 * @example
 * ```ts
 * const events = createEventsService({ region, accountId, eventBuses: ['slice-dev'], onEvent: (event) => rules.deliver(event), log });
 * services.register(events);
 * events.events; // every event put, oldest first
 * ```
 */
export function createEventsService(options: EventsServiceOptions): EventsService {
  const events = [...(options.journal?.restored ?? [])];
  const state: EventsState = { options, events, knownBuses: busesOf(options.eventBuses) };
  return {
    signingName: 'events',
    targetPrefix: 'AWSEvents',
    protocol: awsJsonProtocol({ version: '1.1' }),
    describe: 'EventBridge PutEvents',
    events: state.events,
    call: (request, caller) => eventsCall(state, request, caller),
    update({ next }) {
      if (state.knownBuses) state.knownBuses = busesOf((next.eventBuses ?? []).map((bus) => bus.name));
      return Promise.resolve({});
    },
    stop: () => Promise.resolve(),
  };
}
