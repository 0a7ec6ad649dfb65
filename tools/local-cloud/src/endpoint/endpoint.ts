import { createServer } from 'node:http';
import { type Clock, RealClock } from '../clock';
import type { FunctionSpec, QueueSpec, TableSpec } from '../model';
import { InFlightRequests, drainServer, listen } from '../http';
import { startDynamoDbService } from '../services/dynamodb/service';
import type { StreamStore } from '../services/dynamodb/streams';
import type { TimeToLive } from '../services/dynamodb/ttl';
import type { StoredEvent } from '../services/events/events';
import { createEventsService } from '../services/events/service';
import { type ServiceRegistry, createServiceRegistry } from '../services/registry';
import { createSecretsManagerService } from '../services/secretsmanager/secretsmanager';
import type { QueueStore } from '../services/sqs/sqs';
import { createSqsService } from '../services/sqs/service';
import { createSsmService } from '../services/ssm/ssm';
import { createAuthorizer } from './authorizer';
import { createDispatcher } from './dispatch';
import { type FaultInjector, createFaultInjector } from './faults';
import { claimDataDir } from '../services/dynamodb/dynamodb';
import {
  type CheckpointStore,
  type LocalState,
  createMemoryCheckpoints,
  openLocalState,
} from '../persistence/state';

/** How {@link startAwsEndpoint} serves the local AWS APIs. */
export interface AwsEndpointOptions {
  /** `0` picks a free port. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly region: string;
  readonly accountId: string;
  /** The tables to create at start (empty, or as found in `dataDir`). */
  readonly tables: readonly TableSpec[];
  /** The functions as currently deployed: their policies are the ones checked. */
  readonly functions: readonly FunctionSpec[];
  /** Access key id → the function calling with it (see `createLocalIdentities`). */
  readonly identities: ReadonlyMap<string, FunctionSpec>;
  /** SSM parameters by name. */
  readonly parameters: ReadonlyMap<string, string>;
  /** Secrets Manager secret values by ARN or name. @default none */
  readonly secrets?: ReadonlyMap<string, string>;
  /** `enforce` answers `AccessDeniedException` as AWS would; `warn` logs the denial and lets the call through. */
  readonly iam: 'enforce' | 'warn';
  /** Receives denials, ignored IAM conditions and calls to services the endpoint does not emulate. @default discarded */
  readonly log?: (text: string) => void;
  /**
   * A directory to keep DynamoDB's data in (LevelDB; created when missing): the tables and items
   * survive a restart, stream records and TTL changes made with `UpdateTimeToLive` do not.
   * @default in memory
   */
  readonly dataDir?: string;
  /**
   * Milliseconds between two TTL sweeps of the tables with a `TimeToLiveSpecification`; `0` sweeps
   * only on {@link AwsEndpoint.timeToLive}`.sweep()`.
   * @default 1000
   */
  readonly ttlSweepIntervalMs?: number;
  /** How many events {@link AwsEndpoint.events} keeps, the oldest dropped first. @default 10000 */
  readonly maxStoredEvents?: number;
  /** Called for each event put, after it is stored. @default none */
  readonly onEvent?: (event: StoredEvent) => void;
  /**
   * The clock behind SQS delays, visibility timeouts and long polls and DynamoDB's TTL sweeps:
   * the local cloud's one clock, so moving it makes delayed messages visible and sweeps expired items.
   * @default the real time
   */
  readonly clock?: Clock;
  /** The SQS queues the endpoint serves (`AmazonSQS.*`). @default none */
  readonly queues?: readonly QueueSpec[];
  /**
   * The names of the event buses that exist (the templates' and `default`). EventBridge accepts
   * an event for a bus that does not exist and drops it; the endpoint does too, and logs it.
   * @default every bus exists
   */
  readonly eventBuses?: readonly string[];
}

/** A running local AWS endpoint. */
export interface AwsEndpoint {
  /** `http://127.0.0.1:<port>`: the `AWS_ENDPOINT_URL` of every function. */
  readonly url: string;
  /**
   * The services it dispatches to, by `X-Amz-Target` prefix or signing name: DynamoDB,
   * EventBridge, SQS, SSM and Secrets Manager from the start; register more (Lambda's invoke API)
   * at any time.
   */
  readonly services: ServiceRegistry;
  /** The events put on any bus, oldest first. */
  readonly events: StoredEvent[];
  /** The streams of the stream-enabled tables: every write that changed an item appends a record. */
  readonly streams: StreamStore;
  /** TTL of the tables: their settings and the sweeper deleting expired items. */
  readonly timeToLive: TimeToLive;
  /** The SQS queues, with their messages. */
  readonly queues: QueueStore;
  /** The positions of the stream event-source mappings (kept in `dataDir` when there is one). */
  readonly checkpoints: CheckpointStore;
  /** Faults to inject into the next calls of an action (`events:PutEvents`…); for tests only. */
  readonly faults: FaultInjector;
  /** Creates more tables; a table that already exists keeps its data. */
  addTables(tables: readonly TableSpec[]): Promise<void>;
  /** Replaces the functions whose policies are checked (after a redeploy). */
  setFunctions(functions: readonly FunctionSpec[]): void;
  /**
   * Stops the server, after the calls it is answering (for at most `DRAIN_GRACE_MS` of `src/http.ts`),
   * then every service, dropping in-memory data.
   */
  stop(): Promise<void>;
}

/**
 * Claims the data directory and opens the state kept in it besides the tables (stream records and
 * positions, queue messages, the event log): `src/persistence/`.
 */
function openDataDir(dataDir: string, log: (text: string) => void) {
  const releaseClaim = claimDataDir(dataDir);
  try {
    const state = openLocalState(dataDir, { log });
    return { state, release: () => (state.close(), releaseClaim()) };
  } catch (error) {
    releaseClaim();
    throw error;
  }
}

/** The services every local endpoint serves, DynamoDB's dynalite started. */
async function startServices(options: AwsEndpointOptions, log: (text: string) => void) {
  const { region, accountId } = options;
  const clock = options.clock ?? new RealClock();
  const data = options.dataDir === undefined ? undefined : openDataDir(options.dataDir, log);
  const state: LocalState | undefined = data?.state;
  const dynamodb = await startDynamoDbService({
    region,
    accountId,
    tables: options.tables,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(state ? { persistence: state } : {}),
    ...(options.ttlSweepIntervalMs === undefined ? {} : { ttlSweepIntervalMs: options.ttlSweepIntervalMs }),
    clock,
    log,
  }).catch((error: unknown) => {
    data?.release();
    throw error;
  });
  const events = createEventsService({
    region,
    accountId,
    ...(options.eventBuses === undefined ? {} : { eventBuses: options.eventBuses }),
    ...(options.maxStoredEvents === undefined ? {} : { maxStoredEvents: options.maxStoredEvents }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(state ? { journal: state.events } : {}),
    log,
  });
  const sqs = createSqsService({
    region,
    accountId,
    clock,
    ...(options.queues ? { queues: options.queues } : {}),
    ...(state ? { journal: state.queues } : {}),
  });
  const services = createServiceRegistry();
  for (const service of [
    dynamodb,
    events,
    createSsmService({ region, accountId, parameters: options.parameters }),
    createSecretsManagerService({ region, accountId, secrets: options.secrets ?? new Map() }),
    sqs,
  ])
    services.register(service);
  const checkpoints = state?.checkpoints ?? createMemoryCheckpoints();
  return { services, dynamodb, events, sqs, checkpoints, release: () => data?.release() };
}

/**
 * Starts the local AWS endpoint every function's SDK talks to (`AWS_ENDPOINT_URL`): DynamoDB (an
 * in-memory dynalite behind it, with every table created), EventBridge `PutEvents` (events are
 * kept in `events`), SSM `GetParameter(s)` and Secrets Manager `GetSecretValue`. It knows the
 * caller by the access key id in the SigV4 `Authorization` header (an unknown key is an
 * `UnrecognizedClientException`; the signature itself is not verified) and checks the call
 * against that function's IAM policy as AWS does: denied, the SDK throws `AccessDeniedException`
 * with AWS's message; in `warn` mode the denial is only logged.
 *
 * @example
 * ```ts
 * const local = createLocalIdentities();
 * functions.forEach(local.credentialsFor);
 * const aws = await startAwsEndpoint({
 *   region: 'eu-west-1',
 *   accountId: '000000000000',
 *   tables,
 *   functions,
 *   identities: local.identities,
 *   parameters: new Map([['/slice/local/platform/event-bus-name', 'slice-local']]),
 *   iam: 'enforce',
 *   log: (text) => console.log(`[aws] ${text}`),
 * });
 * // … aws.url is every function's AWS_ENDPOINT_URL; aws.events holds what they put …
 * await aws.stop();
 * ```
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const log = options.log ?? (() => undefined);
  const { services, dynamodb, events, sqs, checkpoints, release } = await startServices(options, log);
  let functions = new Map(options.functions.map((fn) => [fn.id, fn]));
  const faults = createFaultInjector();
  const handle = createDispatcher({
    services,
    identities: options.identities,
    functions: () => functions,
    authorizer: createAuthorizer({ accountId: options.accountId, iam: options.iam, log }),
    faults,
    log,
  });
  const requests = new InFlightRequests();
  const server = createServer(requests.listener(handle));
  let address;
  try {
    address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await services.stop();
    release();
    throw error;
  }
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    services,
    events: events.events,
    streams: dynamodb.streams,
    timeToLive: dynamodb.timeToLive,
    queues: sqs.queues,
    checkpoints,
    faults,
    addTables: (tables) => dynamodb.addTables(tables),
    setFunctions(next) {
      functions = new Map(next.map((fn) => [fn.id, fn]));
    },
    async stop() {
      // The calls in flight finish (a write reaches the table or fails) before dynalite closes.
      await drainServer(server, requests);
      await services.stop();
      release();
    },
  };
}
