/**
 * The events `npm run invoke` sends: a REST API proxy event from a method and path (built by
 * `@slice/emulation` as the local gateway builds it), an EventBridge event of a contract's
 * detail type, an SQS message carrying one (as an EventBridge rule delivers to a queue), and a
 * DynamoDB stream record of a table's change (as the table's stream writes it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { restApiEvent, pathParametersOf } from '@slice/emulation';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { streamRecord, type AttributeMap, type StreamRecord } from '../services/dynamodb/streams';
import { toEventEnvelope, type EventEnvelope } from '../services/events/events';
import { sqsEventRecord } from '../services/lambda/sqs-event-sources';
import type { FunctionRoute, StreamTableListing } from '../admin/functions';

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

/** A change of an item, its images as plain JSON (what the service's code writes). */
export interface StreamSampleChange {
  readonly eventName: StreamRecord['eventName'];
  readonly newImage?: Readonly<Record<string, unknown>> | undefined;
  readonly oldImage?: Readonly<Record<string, unknown>> | undefined;
}

const keySample: Readonly<Record<'S' | 'N' | 'B', unknown>> = {
  S: { S: 'sample' },
  N: { N: '1' },
  B: { B: Buffer.from('sample').toString('base64') },
};

/** An image in DynamoDB's wire format, as the document client marshalls it. */
function wireImage(table: StreamTableListing, image: Readonly<Record<string, unknown>>): AttributeMap {
  const missing = table.keyAttributes.filter((name) => !(name in image));
  if (missing.length)
    throw new Error(`The image lacks the ${table.tableName} table's key attribute ${missing.join(', ')}.`);
  return marshall(image, { removeUndefinedValues: true, convertClassInstanceToMap: false });
}

const keyOf = (table: StreamTableListing, item: AttributeMap): AttributeMap =>
  Object.fromEntries(table.keyAttributes.map((name) => [name, item[name]]));

/** The wire images of a change; an image not given is the item's key alone. */
function wireImages(table: StreamTableListing, change: StreamSampleChange) {
  const { eventName } = change;
  if (eventName === 'INSERT' && change.oldImage) throw new Error('An INSERT has no old image.');
  if (eventName === 'REMOVE' && change.newImage) throw new Error('A REMOVE has no new image.');
  const newImage = change.newImage && wireImage(table, change.newImage);
  const oldImage = change.oldImage && wireImage(table, change.oldImage);
  if (
    newImage &&
    oldImage &&
    JSON.stringify(keyOf(table, newImage)) !== JSON.stringify(keyOf(table, oldImage))
  )
    throw new Error('The old and the new image must be of one item: their keys differ.');
  const given = newImage ?? oldImage;
  const key = given
    ? keyOf(table, given)
    : Object.fromEntries(table.keyAttributes.map((name) => [name, keySample[table.keyTypes[name] ?? 'S']]));
  return {
    newItem: eventName === 'REMOVE' ? undefined : (newImage ?? key),
    oldItem: eventName === 'INSERT' ? undefined : (oldImage ?? key),
  };
}

/**
 * The DynamoDB stream event of one change of an item of `table`, as its stream's event source
 * delivers it: the keys from the table's key schema, the images its view type keeps, in
 * DynamoDB's wire format. An image not given is the item's key alone.
 *
 * @example
 * ```ts
 * streamEvent(streamArn, table, { eventName: 'INSERT', newImage: { pk: 'ORDER#1', sk: 'ORDER', status: 'PLACED' } });
 * // { Records: [{ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } }, NewImage: {...}, StreamViewType: 'NEW_AND_OLD_IMAGES', ... }, ... }] }
 * ```
 */
export function streamEvent(
  streamArn: string,
  table: StreamTableListing,
  change: StreamSampleChange,
): { Records: StreamRecord[] } {
  const now = Date.now();
  const record = streamRecord(
    { streamArn, viewType: table.viewType, keyAttributes: table.keyAttributes },
    wireImages(table, change),
    {
      region: streamArn.split(':')[3] ?? REGION,
      sequenceNumber: String(now).padStart(21, '0'),
      arrivedAt: now,
    },
  );
  return { Records: [record] };
}
