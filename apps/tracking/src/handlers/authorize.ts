import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { logger } from '@slice/middleware';
import { verifyToken } from '../authorizer-deps';
import { authorizeConnection } from '../domain/authorize';

/**
 * The `$connect` Lambda REQUEST authorizer: the platform user-pool token from the `token` query
 * parameter or the `Sec-WebSocket-Protocol` header. `Unauthorized` (API Gateway answers 401, the
 * connection never opens) for a missing or refused token.
 */
export const handler = async (
  event: APIGatewayRequestAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> => {
  const decision = await authorizeConnection(event, verifyToken);
  if (decision === 'unauthorized') {
    logger.info('Connection refused: no acceptable token');
    // API Gateway's documented way for a Lambda authorizer to answer 401.
    throw new Error('Unauthorized');
  }
  return decision;
};
