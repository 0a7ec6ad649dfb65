import { randomUUID } from 'node:crypto';
import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTable, startDynalite } from '@slice/testing';
import type { QueueSpec } from '../assembly/types';
import type { FunctionSpec, TableSpec } from '../model';
import {
  DYNALITE_OPERATIONS,
  LOCAL_DYNAMODB_OPERATIONS,
  claimDataDir,
  createDynamoDbCaller,
  dynamoDbPermissions,
} from '../services/dynamodb/dynamodb';
import { AwsError, type LocalService, commonErrorType } from './errors';
import type { RequiredPermission } from '../services/service';
import { type StoredEvent, planPutEvents } from '../services/events/events';
import { type FaultInjector, createFaultInjector, injectedError } from './faults';
import { type IamDecision, assumedRoleArn, denialMessage, evaluatePolicy } from './iam';
import { type ParameterSources, secretsManagerCall, ssmCall } from '../services/ssm/parameters';
import { sigV4Credential } from './sigv4';
import { type QueueStore, createQueueStore, sqsCall } from '../services/sqs/sqs';
import {
  type AttributeMap,
  type StreamStore,
  createStreamStore,
  streamWriteTargets,
  tableNameOf,
} from '../services/dynamodb/streams';
import { type LockMode, createTableLocks } from '../services/dynamodb/table-locks';
import { createTransactions } from '../services/dynamodb/transactions';
import { type TimeToLive, createTimeToLive } from '../services/dynamodb/ttl';

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
  /** The events put on any bus, oldest first. */
  readonly events: StoredEvent[];
  /** The streams of the stream-enabled tables: every write that changed an item appends a record. */
  readonly streams: StreamStore;
  /** TTL of the tables: their settings and the sweeper deleting expired items. */
  readonly timeToLive: TimeToLive;
  /** The SQS queues, with their messages. */
  readonly queues: QueueStore;
  /** Faults to inject into the next calls of an action (`events:PutEvents`…); for tests only. */
  readonly faults: FaultInjector;
  /** Creates more tables; a table that already exists keeps its data. */
  addTables(tables: readonly TableSpec[]): Promise<void>;
  /** Replaces the functions whose policies are checked (after a redeploy). */
  setFunctions(functions: readonly FunctionSpec[]): void;
  /** Stops the server and DynamoDB, dropping in-memory data. */
  stop(): Promise<void>;
}

/** How many IAM decisions {@link startAwsEndpoint} remembers per policy. */
const MAX_DECISIONS_PER_POLICY = 1000;

/** DynamoDB's limit on a request. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const targetPrefixes: Readonly<Record<string, LocalService>> = {
  DynamoDB_20120810: 'dynamodb',
  AWSEvents: 'events',
  AmazonSSM: 'ssm',
  secretsmanager: 'secretsmanager',
  AmazonSQS: 'sqs',
};

const contentTypes: Readonly<Record<LocalService, string>> = {
  dynamodb: 'application/x-amz-json-1.0',
  events: 'application/x-amz-json-1.1',
  ssm: 'application/x-amz-json-1.1',
  secretsmanager: 'application/x-amz-json-1.1',
  sqs: 'application/x-amz-json-1.0',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(
          new AwsError(413, 'com.amazon.coral.service#RequestEntityTooLarge', 'Request entity too large.'),
        );
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'host',
  'content-length',
  'expect',
]);

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) forwarded[name] = value;
  }
  return forwarded;
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
  const { region, accountId } = options;
  const log = options.log ?? (() => undefined);
  const maxStoredEvents = options.maxStoredEvents ?? 10_000;
  const releaseDataDir = options.dataDir === undefined ? () => undefined : claimDataDir(options.dataDir);
  const dynamo = await startDynalite({
    region,
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
  }).catch((error: unknown) => {
    releaseDataDir();
    throw error;
  });
  const dynamoUrl = new URL(dynamo.endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const tables = new Map<string, TableSpec>();
  let functions = new Map(options.functions.map((fn) => [fn.id, fn]));
  const events: StoredEvent[] = [];
  const conditionsLogged = new Set<string>();
  const streams = createStreamStore({ region });
  const call = createDynamoDbCaller({ endpoint: dynamo.endpoint, region, agent });
  const locks = createTableLocks();
  const transactions = createTransactions({ call, locks, streams, log });
  const timeToLive = createTimeToLive({
    call,
    locks,
    streams,
    ...(options.ttlSweepIntervalMs === undefined ? {} : { intervalMs: options.ttlSweepIntervalMs }),
    log,
  });
  const queues = createQueueStore(options.queues ?? []);
  const faults = createFaultInjector();
  const knownBuses = options.eventBuses && new Set(['default', ...options.eventBuses]);
  const sources: ParameterSources = {
    region,
    accountId,
    parameters: options.parameters,
    secrets: options.secrets ?? new Map(),
  };

  const tableArn = (name: string): string =>
    name.startsWith('arn:')
      ? name
      : (tables.get(name)?.arn ?? `arn:aws:dynamodb:${region}:${accountId}:table/${name}`);

  /**
   * {@link evaluatePolicy}, remembered per policy, action and resources: a warm function asks the
   * same question on every call. A redeploy brings new policy objects, so their answers start afresh.
   */
  const decisions = new WeakMap<FunctionSpec['policy'], Map<string, IamDecision>>();
  const decide = (policy: FunctionSpec['policy'], action: string, resources: readonly string[]) => {
    let known = decisions.get(policy);
    if (!known) {
      known = new Map();
      decisions.set(policy, known);
    }
    const key = `${action} ${resources.join(' ')}`;
    let decision = known.get(key);
    if (!decision) {
      decision = evaluatePolicy(policy, action, resources);
      // Bounded: a caller naming ever new resources must not grow the cache without end.
      if (known.size >= MAX_DECISIONS_PER_POLICY) known.clear();
      known.set(key, decision);
    }
    return decision;
  };

  const authorize = (
    caller: FunctionSpec,
    service: LocalService,
    permissions: readonly RequiredPermission[],
  ) => {
    for (const { action, resources } of permissions) {
      const decision = decide(caller.policy, action, resources);
      for (const statement of decision.ignoredConditions) {
        const key = `${caller.id} ${JSON.stringify(statement)}`;
        if (conditionsLogged.has(key)) continue;
        conditionsLogged.add(key);
        log(
          `IAM: ${caller.id}: ignored the Condition of a statement granting or denying ${action}: ${JSON.stringify(statement.Condition)}`,
        );
      }
      if (decision.allowed) continue;
      const message = denialMessage(
        assumedRoleArn(accountId, caller.roleArn, caller.functionName),
        action,
        decision,
      );
      if (options.iam === 'warn') {
        log(`IAM (warn, allowed anyway): ${caller.id}: ${message}`);
        continue;
      }
      log(`IAM denied: ${caller.id}: ${message}`);
      throw new AwsError(400, commonErrorType(service, 'AccessDeniedException'), message);
    }
  };

  /** Fails the call when a fault is pending for `action`: throws, or answers `failed-entries` for the operation to apply. */
  const injectFault = (
    caller: FunctionSpec,
    service: LocalService,
    action: string,
  ): 'failed-entries' | undefined => {
    const kind = faults.take(action, caller.id);
    if (kind === undefined) return undefined;
    log(`fault injected: ${action} from ${caller.id} (${kind})`);
    if (kind === 'failed-entries') return kind;
    throw injectedError(
      kind,
      commonErrorType(service, kind === 'throttling' ? 'ThrottlingException' : 'InternalFailure'),
    );
  };

  const proxyToDynalite = (req: IncomingMessage, res: ServerResponse, body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const upstream = request(
        {
          host: dynamoUrl.hostname,
          port: dynamoUrl.port,
          method: 'POST',
          path: req.url ?? '/',
          headers: { ...forwardedHeaders(req.headers), 'content-length': String(body.length) },
          agent,
        },
        (response) => {
          res.writeHead(response.statusCode ?? 500, forwardedHeaders(response.headers));
          response.pipe(res);
          response.on('end', resolve);
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  /** One call to dynalite with the caller's headers, the answer buffered. */
  const callDynalite = (req: IncomingMessage, target: string, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }>(
      (resolve, reject) => {
        const upstream = request(
          {
            host: dynamoUrl.hostname,
            port: dynamoUrl.port,
            method: 'POST',
            path: '/',
            headers: {
              ...forwardedHeaders(req.headers),
              'x-amz-target': target,
              'content-length': String(body.length),
            },
            agent,
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 500,
                headers: forwardedHeaders(response.headers),
                body: Buffer.concat(chunks),
              }),
            );
            response.on('error', reject);
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );

  /**
   * A write to stream-enabled tables: with the tables locked, reads each item it may change
   * (consistently), writes, reads them again and appends a record for each item that changed.
   */
  const writeWithStreams = async (
    operation: string,
    payload: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<boolean> => {
    const targets = streamWriteTargets(operation, payload, streams);
    if (targets.length === 0) return false;
    const read = async (tableName: string, key: AttributeMap): Promise<AttributeMap | undefined> => {
      const answer = await call('GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
      if (!answer.ok) throw new Error(`GetItem on ${tableName} answered ${answer.name}: ${answer.message}`);
      return answer.output.Item as AttributeMap | undefined;
    };
    const readAll = () => Promise.all(targets.map(({ stream, key }) => read(stream.tableName, key)));
    await locks.run(
      [
        ...tablesOf(operation, payload).map((name) => [name, 'shared'] as const),
        ...targets.map(({ stream }) => [stream.tableName, 'exclusive'] as const),
      ],
      async () => {
        const before = await readAll();
        const answer = await callDynalite(req, `DynamoDB_20120810.${operation}`, body);
        // The records are appended before the caller hears back, as a stream reader would expect.
        if (answer.status === 200) {
          try {
            const after = await readAll();
            targets.forEach(({ stream }, index) =>
              stream.append({ oldItem: before[index], newItem: after[index] }),
            );
          } catch (error) {
            log(
              `DynamoDB ${operation} succeeded but its stream records are lost: reading the new items failed: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
        res.end(answer.body);
      },
    );
    return true;
  };

  /** The tables a request names (top-level `TableName` or the keys of `RequestItems`). */
  const tablesOf = (operation: string, payload: Record<string, unknown>): string[] => {
    if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
      return isRecord(payload.RequestItems) ? Object.keys(payload.RequestItems).map(tableNameOf) : [];
    }
    return typeof payload.TableName === 'string' ? [tableNameOf(payload.TableName)] : [];
  };

  /** Item reads and writes dynalite does atomically: held `shared`, so they never see a transaction half way. */
  const itemOperations = new Set([
    'GetItem',
    'BatchGetItem',
    'Query',
    'Scan',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'BatchWriteItem',
  ]);

  const dynamodb = async (
    caller: FunctionSpec,
    operation: string,
    payload: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ) => {
    if (!DYNALITE_OPERATIONS.has(operation) && !LOCAL_DYNAMODB_OPERATIONS.has(operation)) {
      log(`DynamoDB ${operation} from ${caller.id}: not supported by the local cloud`);
      throw new AwsError(
        400,
        'com.amazon.coral.service#UnknownOperationException',
        `The local cloud's DynamoDB does not support ${operation}.`,
      );
    }
    authorize(caller, 'dynamodb', dynamoDbPermissions(operation, payload, tableArn));
    injectFault(caller, 'dynamodb', `dynamodb:${operation}`);
    if (operation === 'TransactWriteItems')
      return send(res, 'dynamodb', 200, await transactions.write(payload));
    if (operation === 'TransactGetItems') return send(res, 'dynamodb', 200, await transactions.get(payload));
    if (operation === 'DescribeTimeToLive')
      return send(res, 'dynamodb', 200, await timeToLive.describe(payload));
    if (operation === 'UpdateTimeToLive') return send(res, 'dynamodb', 200, await timeToLive.update(payload));
    // DynamoDB accepts a table's ARN for its name; dynalite only names.
    if (typeof payload.TableName === 'string' && payload.TableName.startsWith('arn:')) {
      const name = payload.TableName.slice(payload.TableName.lastIndexOf('table/') + 'table/'.length);
      payload = { ...payload, TableName: name };
      body = Buffer.from(JSON.stringify(payload));
    }
    if (await writeWithStreams(operation, payload, req, res, body)) return;
    if (!itemOperations.has(operation)) return proxyToDynalite(req, res, body);
    const shared = tablesOf(operation, payload).map((name): [string, LockMode] => [name, 'shared']);
    await locks.run(shared, () => proxyToDynalite(req, res, body));
  };

  const putEvents = (caller: FunctionSpec, payload: Record<string, unknown>) => {
    const plan = planPutEvents(payload, region, accountId);
    authorize(caller, 'events', [{ action: 'events:PutEvents', resources: plan.busArns }]);
    const failEntries = injectFault(caller, 'events', 'events:PutEvents') === 'failed-entries';
    return plan.commit(
      caller.id,
      (event) => {
        if (knownBuses && !knownBuses.has(event.eventBusName)) {
          // EventBridge answers an EventId for a bus that does not exist and drops the event.
          log(
            `PutEvents from ${caller.id}: the bus ${event.eventBusName} does not exist; event ${event.id} (${event.source} ${event.detailType}) is dropped, as EventBridge drops it`,
          );
          return;
        }
        events.push(event);
        if (events.length > maxStoredEvents) events.splice(0, events.length - maxStoredEvents);
        try {
          options.onEvent?.(event);
        } catch (error) {
          log(
            `onEvent failed for event ${event.id}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
      { failEntries },
    );
  };

  const send = (res: ServerResponse, service: LocalService | undefined, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': contentTypes[service ?? 'dynamodb'],
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-amzn-RequestId', randomUUID());
    const target = req.headers['x-amz-target'];
    const [prefix, operation = ''] = (typeof target === 'string' ? target : '').split('.');
    const credential = sigV4Credential(req.headers.authorization, req.url);
    const scoped = credential?.service;
    const service: LocalService | undefined =
      (prefix === undefined ? undefined : targetPrefixes[prefix]) ??
      (scoped === 'dynamodb' ||
      scoped === 'events' ||
      scoped === 'ssm' ||
      scoped === 'secretsmanager' ||
      scoped === 'sqs'
        ? scoped
        : undefined);
    try {
      if (req.method === 'GET' && (req.url === '/' || req.url === '/health')) {
        return send(res, undefined, 200, { status: 'ok', services: Object.values(targetPrefixes) });
      }
      const body = await readBody(req);
      if (!credential) {
        throw new AwsError(
          400,
          commonErrorType(service, 'MissingAuthenticationTokenException'),
          'Request is missing Authentication Token',
        );
      }
      const holder = options.identities.get(credential.accessKeyId);
      const caller = holder && (functions.get(holder.id) ?? holder);
      if (!caller) {
        log(`A call signed with the unknown access key ${credential.accessKeyId} was refused`);
        throw new AwsError(
          400,
          commonErrorType(service, 'UnrecognizedClientException'),
          'The security token included in the request is invalid.',
        );
      }
      if (!service) {
        const what =
          typeof target === 'string' ? target : `${scoped ?? 'unknown'} ${req.method ?? ''} ${req.url ?? ''}`;
        log(`${caller.id} called ${what}: the local cloud does not emulate that service`);
        throw new AwsError(
          400,
          commonErrorType(undefined, 'UnknownOperationException'),
          `The local cloud does not emulate ${what}: it serves DynamoDB, EventBridge PutEvents, SQS, SSM GetParameter(s) and Secrets Manager GetSecretValue.`,
        );
      }
      let payload: unknown;
      try {
        payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError(
          400,
          commonErrorType(service, 'SerializationException'),
          'The request body is not valid JSON.',
        );
      }
      if (!isRecord(payload)) {
        throw new AwsError(
          400,
          commonErrorType(service, 'SerializationException'),
          'The request body is not a JSON object.',
        );
      }
      if (service === 'dynamodb') return await dynamodb(caller, operation, payload, req, res, body);
      if (service === 'events') {
        if (operation !== 'PutEvents') {
          throw new AwsError(
            400,
            'UnknownOperationException',
            `The local cloud does not implement EventBridge ${operation}.`,
          );
        }
        return send(res, service, 200, putEvents(caller, payload));
      }
      if (service === 'sqs') {
        const senderId = assumedRoleArn(accountId, caller.roleArn, caller.functionName);
        const call = sqsCall(operation, payload, queues, senderId, region, accountId);
        authorize(caller, service, call.permissions);
        injectFault(caller, service, `sqs:${operation}`);
        return send(res, service, 200, await call.answer());
      }
      const call =
        service === 'ssm'
          ? ssmCall(operation, payload, sources)
          : secretsManagerCall(operation, payload, sources);
      authorize(caller, service, call.permissions);
      injectFault(caller, service, `${service}:${operation}`);
      return send(res, service, 200, call.answer());
    } catch (error) {
      if (error instanceof AwsError) return send(res, service, error.status, error.toJSON());
      log(
        `Internal error answering ${typeof target === 'string' ? target : req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent)
        send(res, service, 500, {
          __type: commonErrorType(service, 'InternalFailure'),
          message: 'The local AWS endpoint failed.',
        });
      else res.destroy();
    }
  };

  const addTables = async (specs: readonly TableSpec[]) => {
    streams.add(specs);
    for (const table of specs) {
      if (table.timeToLiveAttribute !== undefined)
        timeToLive.enable(table.tableName, table.timeToLiveAttribute);
      tables.set(table.tableName, table);
      try {
        await createTable(dynamo.client, { ...table.createTableInput, TableName: table.tableName });
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
          throw new Error(`Could not create the table ${table.tableName} (${table.id}): ${String(error)}`, {
            cause: error,
          });
        }
        log(`Table ${table.tableName} (${table.id}) already exists: its data is kept`);
      }
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  try {
    await addTables(options.tables);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await timeToLive.stop();
    agent.destroy();
    await dynamo.stop();
    releaseDataDir();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    events,
    streams,
    timeToLive,
    queues,
    faults,
    addTables,
    setFunctions(next) {
      functions = new Map(next.map((fn) => [fn.id, fn]));
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await timeToLive.stop();
      agent.destroy();
      await dynamo.stop();
      releaseDataDir();
    },
  };
}
