import {
  GoneException,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ServerMessage } from '@slice/contracts-tracking';
import type { Pusher } from '../domain/ports';

const encoder = new TextEncoder();

/**
 * Pushes messages through API Gateway's `@connections` management API (`PostToConnection`, which
 * needs `execute-api:ManageConnections` on the connection's ARN). A connection that closed
 * answers `GoneException` (410): that is `gone`, not a failure. Anything else (throttling,
 * AccessDenied) is thrown, after the SDK's own retries.
 */
export function connectionsPusher(client: ApiGatewayManagementApiClient): Pusher {
  return {
    async push(connectionId: string, message: ServerMessage) {
      try {
        await client.send(
          new PostToConnectionCommand({
            ConnectionId: connectionId,
            Data: encoder.encode(JSON.stringify(message)),
          }),
        );
        return 'sent';
      } catch (error) {
        if (error instanceof GoneException || (error as { name?: unknown } | null)?.name === 'GoneException')
          return 'gone';
        throw error;
      }
    },
  };
}
