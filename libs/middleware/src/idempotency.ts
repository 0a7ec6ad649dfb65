import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj, Request } from '@middy/core';
import {
  BadRequestError,
  ConflictError,
  IdempotencyKey,
  idempotencyKeyHeader,
  ServiceUnavailableError,
  UnprocessableContentError,
} from '@slice/contract';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { asRecordOwner, IdempotencyStore, secondsUntilUnlocked } from './idempotency-store';
import { logger } from './observability';

/** A reused Idempotency-Key whose first request is still running: 409, and duplicates wait on it. */
export class IdempotencyInProgress extends ConflictError {
  override readonly kind: string = 'idempotency-in-progress';
}

/**
 * What the idempotency layer hashes: the caller and their key as two fields of an object, so no
 * two (caller, key) pairs can meet (`alice:x` + `y` is not `alice` + `x:y`), and the body to compare.
 */
interface IdempotencyFields {
  readonly key: { readonly caller: string | null; readonly key: string };
  readonly payload: unknown;
}
type IdempotentEvent = APIGatewayProxyEvent & { sliceIdempotency?: IdempotencyFields };
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** What the idempotency steps need to know about a request, once it was authenticated and validated. */
export interface IdempotentRequest {
  /** The caller's id (`sub`), `undefined` for an anonymous caller. */
  readonly callerId: string | undefined;
  /** The body as sent, compared with the first request's. */
  readonly payload: unknown;
}

/** Options of {@link idempotencySteps}. */
export interface IdempotencyStepsOptions {
  /** Where records live. */
  readonly store: BasePersistenceLayer;
  /** How long a replayable answer is kept, in seconds. */
  readonly ttlSeconds: number;
  /** The caller and body of a request the earlier steps validated. */
  readonly requestOf: (event: APIGatewayProxyEvent) => IdempotentRequest;
}

let defaultStore: IdempotencyStore | undefined;

/**
 * The store of `IDEMPOTENCY_TABLE_NAME`, created on first use with a client whose timeouts are well
 * under any function's.
 *
 * @example
 * ```ts
 * idempotency({ store: options.store ?? defaultIdempotencyStore() });
 * ```
 */
export function defaultIdempotencyStore(): IdempotencyStore {
  const tableName = process.env.IDEMPOTENCY_TABLE_NAME;
  if (!tableName)
    throw new Error('IDEMPOTENCY_TABLE_NAME is required for routes that take an Idempotency-Key.');
  defaultStore ??= new IdempotencyStore({
    tableName,
    client: new DynamoDBClient({
      maxAttempts: 3,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
    }),
  });
  return defaultStore;
}

function requireIdempotencyKey(
  requestOf: IdempotencyStepsOptions['requestOf'],
): MiddlewareObj<IdempotentEvent> {
  return {
    before: ({ event }) => {
      const key = IdempotencyKey.safeParse(event.headers[idempotencyKeyHeader]);
      if (!key.success) {
        throw new BadRequestError(
          'The Idempotency-Key header is required: 8 to 128 letters, digits or _ . : -',
          {
            errors: [
              { path: 'headers.idempotency-key', message: key.error.issues[0]?.message ?? 'Required' },
            ],
          },
        );
      }
      const { callerId, payload } = requestOf(event);
      event.sliceIdempotency = { key: { caller: callerId ?? null, key: key.data }, payload: payload ?? null };
    },
  };
}

/** Turns the idempotency layer's errors into the answers the contract declares. */
function idempotencyErrors(): HttpMiddleware {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof IdempotencyValidationError) {
        request.error = new UnprocessableContentError('This Idempotency-Key was used with another body.', {
          cause: error,
        });
      } else if (error instanceof IdempotencyAlreadyInProgressError) {
        request.error = new IdempotencyInProgress(
          'A request with this Idempotency-Key is still in progress.',
          {
            cause: error,
            // Until the first request's record expires: by then it has answered, or it never will.
            retryAfterSeconds: secondsUntilUnlocked(error) ?? 1,
          },
        );
      } else if (error instanceof IdempotencyPersistenceLayerError) {
        request.error = new ServiceUnavailableError('Idempotency store unavailable.', { cause: error });
      }
    },
  };
}

/** Another request holds the key, or used it with another body: the answer is that request's business. */
const isRefusal = (error: unknown): boolean =>
  error instanceof IdempotencyValidationError || error instanceof IdempotencyAlreadyInProgressError;

const storageUnavailable = (cause: unknown, retryAfterSeconds = 1) =>
  new ServiceUnavailableError('Idempotency store unavailable.', { cause, retryAfterSeconds });

/** Requests whose attempt saved the in-progress record: only they may delete it. */
const recordOwners = new WeakSet<object>();

/** Frees the attempt's own record after a storage failure; a failure to do so is logged, not thrown. */
async function releaseOwnRecord(store: BasePersistenceLayer, event: APIGatewayProxyEvent): Promise<void> {
  if (!(store instanceof IdempotencyStore)) return;
  try {
    await store.releaseOwn(event as unknown as Parameters<IdempotencyStore['releaseOwn']>[0]);
  } catch (error) {
    logger.error('Idempotency record not released', {
      error: error instanceof Error ? error : String(error),
    });
  }
}

async function claimOrReplay(
  middleware: HttpMiddleware,
  store: BasePersistenceLayer,
  request: Request<APIGatewayProxyEvent, APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult | undefined> {
  try {
    const replay = (await middleware.before?.(request)) as APIGatewayProxyResult | undefined;
    if (replay === undefined) recordOwners.add(request);
    return replay;
  } catch (error) {
    if (isRefusal(error)) throw error;
    // The store failed (a timeout, a 5xx, a throttle after the SDK's retries) while this attempt
    // was writing or reading; its write may still have committed, and must not block the key.
    await releaseOwnRecord(store, request.event);
    throw storageUnavailable(error);
  }
}

/**
 * Powertools' middleware, made safe for slow or failing storage:
 * - each attempt writes its record as its owner, so an SDK retry of its own write is not "in progress";
 * - a store failure before the use-case runs is a 503 with `Retry-After`, and the attempt's own
 *   record, if its write committed, is deleted again;
 * - Powertools deletes the record in `onError` whatever the error, also when its own `before`
 *   refused the request because another one holds the key; deleting then would let the next
 *   duplicate run the use-case a second time, so only a record this request saved is deleted;
 * - a failure to delete that record is a 503 whose `Retry-After` is the time until the record
 *   expires, not an error that ends the invocation.
 */
function ownedRecords(
  middleware: HttpMiddleware,
  store: BasePersistenceLayer,
  onReplay: (request: Request) => void,
) {
  return {
    before: (request) =>
      asRecordOwner(async () => {
        const replay = await claimOrReplay(middleware, store, request);
        if (replay !== undefined) onReplay(request);
        return replay;
      }),
    after: async (request) => {
      await middleware.after?.(request);
    },
    onError: async (request) => {
      if (!recordOwners.has(request)) return;
      try {
        await middleware.onError?.(request);
      } catch (error) {
        logger.error('Idempotency record not deleted after a failure', {
          error: error instanceof Error ? error : String(error),
        });
        const lockedMs = request.context.getRemainingTimeInMillis();
        request.error = storageUnavailable(error, Math.max(1, Math.ceil(lockedMs / 1000)));
      }
    },
  } satisfies HttpMiddleware;
}

/** Options of {@link idempotency}. */
export interface IdempotencyOptions {
  /**
   * Where idempotency records live; an `IdempotencyStore` keeps a request from mistaking its own
   * record for another's.
   * @default an `IdempotencyStore` on `IDEMPOTENCY_TABLE_NAME`, created on first use
   */
  readonly store?: BasePersistenceLayer;
  /**
   * How long a replayable answer is kept, in seconds.
   * @default 86400 (24 hours)
   */
  readonly ttlSeconds?: number;
  /**
   * How long a duplicate request waits for the first one to finish before answering 409.
   * @default 3000
   */
  readonly waitMs?: number;
}

/**
 * What `http()` needs to serve a route that takes an `Idempotency-Key`, from {@link idempotency}.
 * `http()` imports only this type: a function whose route takes no key bundles none of it.
 */
export interface HttpIdempotency {
  /** How long a duplicate waits for the first request before answering 409. */
  readonly waitMs: number;
  /** The steps of the chain, after authentication and validation (see {@link idempotencySteps}). */
  steps(
    requestOf: IdempotencyStepsOptions['requestOf'],
    onReplay: (request: Request) => void,
  ): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>[];
}

/**
 * Idempotency for a route that takes an `Idempotency-Key` (the contract's `idempotencyKey: true`),
 * passed to `http()`: the key is required (400) and composed with the caller, a duplicate waits
 * for the first request and replays its answer, another body with the same key is a 422. Opt-in
 * per handler, so that only those functions bundle Powertools' idempotency; `http()` refuses at
 * cold start a route whose contract and handler disagree.
 *
 * @example
 * ```ts
 * export const handler = http(ordersContract.routes.placeOrder, fn, { idempotency: idempotency() });
 * ```
 */
export function idempotency(options: IdempotencyOptions = {}): HttpIdempotency {
  return {
    waitMs: options.waitMs ?? 3000,
    steps: (requestOf, onReplay) =>
      idempotencySteps(
        {
          store: options.store ?? defaultIdempotencyStore(),
          ttlSeconds: options.ttlSeconds ?? 86_400,
          requestOf,
        },
        onReplay,
      ),
  };
}

/**
 * The steps of `http()` for a route that takes an `Idempotency-Key`, in the order they are used:
 * the key is required (400) and composed with the caller, the idempotency layer's errors become
 * the contract's answers (422 for another body, 409 with `Retry-After` while the first request
 * runs, 503 with `Retry-After` when the store fails), then Powertools' idempotency with DynamoDB
 * persistence, made safe for slow storage (see {@link IdempotencyStore}).
 *
 * @example
 * ```ts
 * for (const step of idempotencySteps({ store, ttlSeconds: 86_400, requestOf }, markReplay)) chain.use(step);
 * ```
 */
export function idempotencySteps(
  options: IdempotencyStepsOptions,
  onReplay: (request: Request) => void,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>[] {
  const powertools = makeHandlerIdempotent({
    persistenceStore: options.store,
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'sliceIdempotency.key',
      payloadValidationJmesPath: 'sliceIdempotency.payload',
      expiresAfterSeconds: options.ttlSeconds,
      throwOnNoIdempotencyKey: true,
    }),
  }) as HttpMiddleware;
  return [
    requireIdempotencyKey(options.requestOf) as HttpMiddleware,
    idempotencyErrors(),
    ownedRecords(powertools, options.store, onReplay),
  ];
}
