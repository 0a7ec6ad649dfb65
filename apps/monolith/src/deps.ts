import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { idempotency } from '@slice/middleware';
import {
  dynamoMenuRepository,
  dynamoOrderRepository,
  dynamoStoreRepository,
} from './adapters/dynamodb-repositories';
import { routeIdempotencyStore } from './adapters/idempotency-store';
import { movedBasePathsFrom } from './adapters/moved-base-paths';
import { tokenVerifier } from './adapters/token-verifier';
import { config } from './config';
import type { MonolithDeps } from './domain/ports';

const client = createDocumentClient();
const cursors = secretCursorCodec(config.cursorSigningKeySecret);

/** The monolith's adapters, wired once per cold start: one table for every feature. */
export const deps: MonolithDeps = {
  menu: dynamoMenuRepository(client, config.tableName, cursors),
  orders: dynamoOrderRepository(client, config.tableName, cursors),
  stores: dynamoStoreRepository(client, config.tableName, cursors),
  now: () => new Date(),
  newId: randomUUID,
};

/** The route groups that moved to a service, from the front door's SSM parameter, cached for a minute. */
export const movedBasePaths = movedBasePathsFrom(config.movedBasePathsParameter);

/** Verifies the platform user pool's tokens inside the function (see `router.ts`). */
export const verifyToken = tokenVerifier({ issuer: config.tokenIssuer, audience: config.tokenAudience });

// Explicit timeouts, well under the function's, as for every other client.
const idempotencyClient = new DynamoDBClient({
  maxAttempts: 3,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
});

/** The `http()` options of an idempotent route: its own record keys in the shared idempotency table. */
export const idempotencyOf = (operationId: string) => ({
  idempotency: idempotency({
    store: routeIdempotencyStore(config.idempotencyTableName, operationId, idempotencyClient),
  }),
});
