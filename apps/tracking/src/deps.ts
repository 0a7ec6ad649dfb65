import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createDocumentClient } from '@slice/dynamodb';
import { connectionsPusher } from './adapters/connections-pusher';
import { dynamoTrackingStore } from './adapters/dynamodb-tracking-store';
import { trackingConfig } from './config';
import type { TrackingDeps } from './domain/ports';

const config = trackingConfig();

/** Tracking's adapters, wired once per cold start. */
export const deps: TrackingDeps = {
  store: dynamoTrackingStore(
    createDocumentClient({ requestTimeoutMs: config.requestTimeoutMs }),
    config.tableName,
  ),
  pusher: connectionsPusher(
    new ApiGatewayManagementApiClient({
      endpoint: config.connectionsUrl,
      requestHandler: {
        connectionTimeout: 500,
        requestTimeout: config.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    }),
  ),
  now: () => new Date(),
};
