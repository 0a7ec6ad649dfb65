/**
 * The events `npm run invoke` sends: a REST API proxy event from a method and path (built by
 * `@slice/emulation` as the local gateway builds it), an EventBridge event of a contract's
 * detail type, and an SQS message carrying one (as an EventBridge rule delivers to a queue).
 */
import { createHash, randomUUID } from 'node:crypto';
import { restApiEvent, pathParametersOf } from '@slice/emulation';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toEventEnvelope, type EventEnvelope } from '../services/events/events';
import { sqsEventRecord } from '../services/lambda/sqs-event-sources';
import type { FunctionRoute } from '../admin/functions';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

/** What a REST event is built from. */
export interface RestRequest {
  readonly method?: string | undefined;
  readonly path?: string | undefined;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /** The Cognito claims of the caller (`--as alice`), and their token for the `Authorization` header. */
  readonly caller?: { readonly claims: Readonly<Record<string, string>>; readonly token: string };
}

/** The route of `routes` that `method` and `path` reach; an error names the routes there are. */
export function routeFor(
  routes: readonly FunctionRoute[],
  request: RestRequest,
): { route: FunctionRoute; path: string } {
  const list = routes.map((route) => `${route.method} ${route.resource}`).join(', ');
  const method = request.method?.toUpperCase();
  const candidates = routes.filter(
    (route) =>
      route.method !== 'OPTIONS' &&
      (method === undefined || route.method === method || route.method === 'ANY'),
  );
  if (request.path === undefined) {
    const plain = candidates.find((route) => !route.resource.includes('{'));
    if (plain && candidates.length === 1) return { route: plain, path: plain.resource };
    throw new Error(`Give --path (and --method): the function answers ${list}.`);
  }
  const path = request.path;
  const route = candidates.find((candidate) => pathParametersOf(candidate.resource, path) !== null);
  if (!route)
    throw new Error(`${method ?? 'A request'} ${path} reaches none of the function's routes: ${list}.`);
  return { route, path };
}

/**
 * The REST API (v1) proxy event of a request to one of the function's routes.
 *
 * @example
 * ```ts
 * restEvent(routes, { method: 'GET', path: '/menu/items/margherita' }); // resource '/menu/items/{itemId}', pathParameters { itemId: 'margherita' }
 * ```
 */
export function restEvent(routes: readonly FunctionRoute[], request: RestRequest): APIGatewayProxyEvent {
  const { route, path } = routeFor(routes, request);
  const headers: Record<string, string> = { ...request.headers };
  if (request.caller) headers.Authorization = `Bearer ${request.caller.token}`;
  if (
    request.body !== undefined &&
    !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')
  )
    headers['Content-Type'] = 'application/json';
  return restApiEvent({
    method: route.method === 'ANY' ? (request.method ?? 'GET') : route.method,
    path,
    resource: route.resource,
    stage: route.stage,
    headers,
    ...(request.query === undefined ? {} : { query: request.query }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.caller === undefined ? {} : { claims: request.caller.claims }),
    accountId: ACCOUNT,
    region: REGION,
  });
}

/** The EventBridge event a Lambda target of a rule receives. */
export function eventBridgeEvent(
  source: string,
  detailType: string,
  detail: Record<string, unknown>,
): EventEnvelope {
  return toEventEnvelope(
    {
      id: randomUUID(),
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      source,
      detailType,
      detail,
      eventBusName: 'default',
      resources: [],
      functionId: '',
    },
    REGION,
    ACCOUNT,
  );
}

/** An SQS event of one message with `body`, as Lambda's event source mapping builds it. */
export function sqsEvent(body: string, queueName = 'invoke-queue'): { Records: unknown[] } {
  const now = Date.now();
  const record = sqsEventRecord(
    {
      message: {
        messageId: randomUUID(),
        body,
        md5OfBody: createHash('md5').update(body).digest('hex'),
        messageAttributes: {},
        sentAt: now,
        senderId: 'events.amazonaws.com',
        receiveCount: 1,
        firstReceivedAt: now,
        visibleAt: now,
      },
      receiptHandle: randomUUID(),
    },
    { arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}` } as Parameters<typeof sqsEventRecord>[1],
  );
  return { Records: [record] };
}
