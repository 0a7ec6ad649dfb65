import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  APIGatewayEventWebsocketRequestContextV2,
  APIGatewayProxyWebsocketEventV2WithRequestContext,
} from 'aws-lambda';
import { withCorrelationId } from './correlation';
import { logger, metrics } from './observability';
import { userFromEvent, type User } from './user';

/**
 * The request context of a WebSocket route: API Gateway's, with what the `$connect` authorizer
 * returned (`principalId` and its context), which API Gateway passes to every route of the
 * connection.
 */
export interface SocketRequestContext extends APIGatewayEventWebsocketRequestContextV2 {
  readonly authorizer?: Readonly<Record<string, unknown>> | null;
}

/** A WebSocket route's event (CONNECT, MESSAGE or DISCONNECT), as API Gateway sends it. */
export type SocketEvent = APIGatewayProxyWebsocketEventV2WithRequestContext<SocketRequestContext> & {
  /** On `$connect` only: the handshake's headers. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
};

/** What a WebSocket route handler receives. */
export interface SocketRequest {
  readonly connectionId: string;
  readonly routeKey: string;
  readonly eventType: SocketRequestContext['eventType'];
  /** The message as sent (MESSAGE events); undefined on CONNECT and DISCONNECT. */
  readonly body: string | undefined;
  /** The caller the `$connect` authorizer let in, on every route of the connection. */
  readonly user: User | undefined;
  /** The request id API Gateway gave this event; log lines and answers carry it. */
  readonly correlationId: string;
  readonly event: SocketEvent;
}

/**
 * A WebSocket route's answer: for `$connect`, a status (a 2xx opens the connection) and headers
 * (`Sec-WebSocket-Protocol`); for a route with a route response, the body is sent to the client.
 */
export interface SocketAnswer {
  readonly statusCode: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What {@link socket} answers when the handler fails; a string body so a client sees why. */
export type SocketFailure = (correlationId: string) => SocketAnswer;

const defaultFailure: SocketFailure = (correlationId) => ({
  statusCode: 500,
  body: JSON.stringify({ type: 'error', message: 'Something went wrong.', correlationId }),
});

/**
 * The stack of a WebSocket route handler: Powertools logging (the request id as correlation id)
 * and metrics, the caller from the authorizer's context, and a failure answered with a body that
 * shows no internals (`onFailure`), logged with its cause.
 *
 * @example
 * ```ts
 * export const handler = socket(({ body, user, connectionId }) => answerTrack(body, user, connectionId, deps));
 * ```
 */
export function socket(
  fn: (request: SocketRequest) => Promise<SocketAnswer>,
  onFailure: SocketFailure = defaultFailure,
) {
  return middy<SocketEvent, SocketAnswer>(async (event: SocketEvent) => {
    const context = event.requestContext;
    const correlationId = context.requestId;
    return withCorrelationId(correlationId, async () => {
      logger.appendKeys({ correlationId, connectionId: context.connectionId, routeKey: context.routeKey });
      try {
        return await fn({
          connectionId: context.connectionId,
          routeKey: context.routeKey,
          eventType: context.eventType,
          body: event.body,
          user: userFromEvent({ requestContext: { authorizer: context.authorizer ?? null } as never }),
          correlationId,
          event,
        });
      } catch (error) {
        logger.error('WebSocket route failed', { error: error instanceof Error ? error : String(error) });
        metrics.addMetric('FailedInvocations', MetricUnit.Count, 1);
        return onFailure(correlationId);
      }
    });
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
