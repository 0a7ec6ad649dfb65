/**
 * Kitchen's functions against a real local database (dynalite) with the table of the synthesized
 * stack; Step Functions and EventBridge mocked at the client (aws-sdk-client-mock).
 */
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '@slice/contracts-orders';
import {
  createTable,
  lambdaContext,
  restApiEvent,
  secretsManagerStub,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { KitchenStack } from '../cdk/kitchen-stack';

// The cursor signing key comes from Secrets Manager at cold start.
const secretsManager = secretsManagerStub('kitchen-integration-cursor-key');
const sfn = mockClient(SFNClient);
const bus = mockClient(EventBridgeClient);
const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:KitchenWorkflow';

type Http = (
  event: ReturnType<typeof restApiEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyResult>;
type Fn<I, O> = (event: I, context: ReturnType<typeof lambdaContext>) => Promise<O>;

let db: Dynalite;
let http: Record<'queue' | 'ticket' | 'start' | 'cancel', Http>;
let takeOrderEvents: Fn<SQSEvent, SQSBatchResponse>;
let acceptTicket: Fn<unknown, { status: string; bakeSeconds: number; ticketId: string; causationId: string }>;
let awaitCook: Fn<unknown, void>;
let sweepOverdue: Fn<unknown, void>;
let writeDailySummary: Fn<unknown, void>;

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new KitchenStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceKitchen-dev', {
      stage: 'dev',
    }),
  ).toJSON();
  const [table] = tableLogicalIds(template);
  await createTable(db.client, tableInputFromTemplate(template, table as string, 'kitchen'));
  Object.assign(process.env, db.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    TABLE_NAME: 'kitchen',
    CURSOR_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kitchen-cursor-key',
    EVENT_BUS_NAME: 'slice-test',
    STATE_MACHINE_ARN: stateMachineArn,
    STORE_TIME_ZONE: 'Europe/Amsterdam',
    OVERDUE_AFTER_MINUTES: '20',
    DEFAULT_NOTIFICATION_CHANNEL: 'sms',
  });
  http = {
    queue: (await import('../src/handlers/get-kitchen-queue')).handler,
    ticket: (await import('../src/handlers/get-ticket')).handler,
    start: (await import('../src/handlers/start-ticket')).handler,
    cancel: (await import('../src/handlers/cancel-ticket')).handler,
  };
  takeOrderEvents = (await import('../src/handlers/take-order-events')).handler as never;
  acceptTicket = (await import('../src/handlers/accept-ticket')).handler as never;
  awaitCook = (await import('../src/handlers/await-cook')).handler as never;
  sweepOverdue = (await import('../src/handlers/sweep-overdue')).handler as never;
  writeDailySummary = (await import('../src/handlers/write-daily-summary')).handler as never;
}, 180_000);

afterAll(() => db.stop());

beforeEach(() => {
  sfn.reset();
  bus.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
  sfn
    .on(DescribeExecutionCommand)
    .resolves({ status: 'RUNNING', startDate: new Date('2026-12-01T18:00:00Z') } as never);
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
});

const orderOf = (placedAt = new Date().toISOString(), quantity = 2): Order => ({
  id: randomUUID(),
  customerId: 'alice',
  status: 'PLACED',
  lines: [
    {
      itemId: 'margherita',
      name: 'Margherita',
      quantity,
      unitPrice: { amount: 900, currency: 'EUR' },
      lineTotal: { amount: 900 * quantity, currency: 'EUR' },
    },
  ],
  total: { amount: 900 * quantity, currency: 'EUR' },
  deliveryAddress: {
    name: 'Alice',
    line1: '1 Oven Street',
    city: 'Utrecht',
    postcode: '3511AA',
    country: 'NL',
  },
  placedAt,
});

const detailOf = (order: Order, type: string) => ({
  id: `${order.id}:${type === 'OrderPlaced' ? 'placed' : 'cancelled'}`,
  occurredAt: order.placedAt,
  correlationId: `corr-${order.id}`,
  version: 1,
  order,
});
const record = (messageId: string, body: string) =>
  ({
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:kitchen',
    awsRegion: 'eu-west-1',
  }) as SQSEvent['Records'][number];
const message = (messageId: string, order: Order, type = 'OrderPlaced') =>
  record(
    messageId,
    JSON.stringify({ source: 'slice.orders', 'detail-type': type, detail: detailOf(order, type) }),
  );

const staff = { sub: 'kim', 'cognito:groups': 'staff' };
const call = (route: keyof typeof http, path: string, resource: string, extra: object = {}) =>
  http[route](
    restApiEvent({
      method: route === 'start' || route === 'cancel' ? 'POST' : 'GET',
      path,
      resource,
      claims: staff,
      ...extra,
    }),
    lambdaContext({ timeoutMs: 10_000 }),
  );
const ticketRoute = (action: 'start' | 'cancel' | 'ticket', ticketId: string) =>
  call(
    action,
    action === 'ticket' ? `/kitchen/tickets/${ticketId}` : `/kitchen/tickets/${ticketId}/${action}`,
    action === 'ticket' ? '/kitchen/tickets/{ticketId}' : `/kitchen/tickets/{ticketId}/${action}`,
    { pathParameters: { ticketId } },
  );
const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;

/** An order through the workflow's first two steps: its ticket QUEUED with a task token. */
async function queued(order: Order, token = `token-${order.id}`) {
  await acceptTicket({ order, correlationId: `corr-${order.id}` }, lambdaContext());
  await awaitCook(
    { ticketId: order.id, taskToken: token, correlationId: `corr-${order.id}` },
    lambdaContext(),
  );
  return token;
}
const eventsPut = () =>
  bus.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('the Kitchen queue consumer', () => {
  it('starts one workflow per placed order, named after the order, and reports only the poison message', async () => {
    const [first, second] = [orderOf(), orderOf()];
    const result = await takeOrderEvents(
      { Records: [message('m1', first), record('m2', '{not json'), message('m3', second)] },
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts.map((input) => input.name)).toEqual([first.id, second.id]);
    // The workflow's events name the OrderPlaced that started it as their cause.
    expect(JSON.parse(starts[0]?.input ?? '{}')).toEqual({
      order: first,
      correlationId: `corr-${first.id}`,
      causationId: `${first.id}:placed`,
    });
    expect(starts[0]?.stateMachineArn).toBe(stateMachineArn);
  });

  it('treats a redelivered OrderPlaced as done when its execution exists', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const result = await takeOrderEvents({ Records: [message('m1', orderOf())] }, lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
  });

  it('reports a message whose detail breaks Orders’ schema, and one from another source', async () => {
    const order = orderOf();
    const broken = record(
      'bad',
      JSON.stringify({
        source: 'slice.orders',
        'detail-type': 'OrderPlaced',
        detail: { ...detailOf(order, 'OrderPlaced'), order: { id: order.id } },
      }),
    );
    const foreign = record(
      'foreign',
      JSON.stringify({ source: 'slice.menu', 'detail-type': 'OrderPlaced', detail: {} }),
    );
    const result = await takeOrderEvents(
      { Records: [broken, foreign, message('ok', order)] },
      lambdaContext(),
    );
    const failed = result.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
    expect(failed).toEqual(['bad', 'foreign']);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('cancels a baking ticket whose workflow never started (copied from the monolith): nothing to stop', async () => {
    const order = orderOf();
    await acceptTicket({ order, correlationId: 'migration:monolith' }, lambdaContext());
    await ticketRoute('start', order.id);
    sfn
      .on(StopExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }));
    const result = await takeOrderEvents(
      { Records: [message('c1', order, 'OrderCancelled')] },
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(body(await ticketRoute('ticket', order.id))).toMatchObject({ status: 'CANCELLED' });
  });

  it('cancels the ticket of a cancelled order and fails its waiting workflow step with Kitchen.Cancelled', async () => {
    const order = orderOf();
    const token = await queued(order);
    const result = await takeOrderEvents(
      { Records: [message('c1', order, 'OrderCancelled')] },
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      taskToken: token,
      error: 'Kitchen.Cancelled',
    });
    expect(eventsPut()).toEqual([
      expect.objectContaining({ DetailType: 'TicketCancelled', Source: 'slice.kitchen' }),
    ]);
    expect(JSON.parse(eventsPut()[0]?.Detail ?? '{}')).toMatchObject({
      reason: 'ORDER_CANCELLED',
      ticket: { id: order.id },
      causationId: `${order.id}:cancelled`,
    });
    expect(body(await ticketRoute('ticket', order.id))).toMatchObject({ status: 'CANCELLED' });
  });

  it('stores a cancelled ticket when OrderCancelled overtakes its workflow, which then ends on arrival', async () => {
    const order = orderOf();
    await takeOrderEvents({ Records: [message('c1', order, 'OrderCancelled')] }, lambdaContext());
    const accepted = await acceptTicket({ order, correlationId: 'c' }, lambdaContext());
    expect(accepted.status).toBe('CANCELLED');
    await expect(awaitCook({ ticketId: order.id, taskToken: 't' }, lambdaContext())).rejects.toMatchObject({
      name: 'Kitchen.Cancelled',
    });
  });
});

describe('the workflow steps', () => {
  it('opens a QUEUED ticket with the bake time of its items, once however often it is retried', async () => {
    const order = orderOf(undefined, 3);
    const first = await acceptTicket({ order, correlationId: 'c' }, lambdaContext());
    const again = await acceptTicket({ order, correlationId: 'c' }, lambdaContext());
    expect(first).toEqual(again);
    expect(first).toMatchObject({ ticketId: order.id, status: 'QUEUED', bakeSeconds: 600 });
  });

  it('hands on the cause of its execution, the OrderPlaced, and names the ticket itself when there was none', async () => {
    const [placed, migrated] = [orderOf(), orderOf()];
    const accepted = await acceptTicket(
      { order: placed, correlationId: 'c', causationId: `${placed.id}:placed` },
      lambdaContext(),
    );
    const retried = await acceptTicket({ order: placed, correlationId: 'c' }, lambdaContext());
    const uncaused = await acceptTicket({ order: migrated, correlationId: 'c' }, lambdaContext());
    expect([accepted, retried, uncaused].map((ticket) => ticket.causationId)).toEqual([
      `${placed.id}:placed`,
      `${placed.id}:placed`,
      migrated.id,
    ]);
  });

  it("takes the customer's channel from the order, and the store's default when it names none", async () => {
    const emailed = await acceptTicket(
      { order: { ...orderOf(), notify: 'email' }, correlationId: 'c' },
      lambdaContext(),
    );
    const defaulted = await acceptTicket({ order: orderOf(), correlationId: 'c' }, lambdaContext());
    expect([emailed, defaulted].map((ticket) => (ticket as unknown as { channel: string }).channel)).toEqual([
      'email',
      'sms',
    ]);
  });

  it('refuses an input that is not an order, naming the field', async () => {
    await expect(acceptTicket({ order: { id: 'x' }, correlationId: 'c' }, lambdaContext())).rejects.toThrow(
      /input\.order/,
    );
  });
});

describe('the staff routes', () => {
  it('lists the open tickets’ orders oldest first, as the monolith did', async () => {
    const older = orderOf('2026-12-01T08:00:00.000Z');
    const newer = orderOf('2026-12-01T08:05:00.000Z');
    await queued(newer);
    await queued(older);
    const response = await call('queue', '/kitchen/queue', '/kitchen/queue', { query: { limit: '100' } });
    expect(response.statusCode).toBe(200);
    const ids = (body(response).items as Order[]).map((order) => order.id);
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    expect((body(response).items as Order[]).find((order) => order.id === older.id)).toEqual(older);
  });

  it('starts a queued ticket: BAKING, and the workflow resumed with its token; a second start is 409', async () => {
    const order = orderOf();
    const token = await queued(order);
    const started = await ticketRoute('start', order.id);
    expect(started.statusCode).toBe(200);
    expect(body(started)).toMatchObject({
      status: 'BAKING',
      workflow: { name: order.id, status: 'RUNNING' },
    });
    expect(body(started)).not.toHaveProperty('taskToken');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(token);
    expect((await ticketRoute('start', order.id)).statusCode).toBe(409);
  });

  it('puts the ticket back when the workflow no longer waits on its token', async () => {
    const order = orderOf();
    await queued(order);
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    expect((await ticketRoute('start', order.id)).statusCode).toBe(409);
    expect(body(await ticketRoute('ticket', order.id))).toMatchObject({ status: 'QUEUED' });
  });

  it('starts the workflow of a ticket copied from the monolith, which has none yet', async () => {
    const order = orderOf();
    await acceptTicket({ order, correlationId: 'migration:monolith' }, lambdaContext());
    expect((await ticketRoute('start', order.id)).statusCode).toBe(200);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(order.id);
  });

  it('lets staff cancel a baking ticket: its execution stopped, TicketCancelled, and the same answer and event id again', async () => {
    const order = orderOf();
    await queued(order);
    await ticketRoute('start', order.id);
    const cancelled = await call(
      'cancel',
      `/kitchen/tickets/${order.id}/cancel`,
      '/kitchen/tickets/{ticketId}/cancel',
      {
        pathParameters: { ticketId: order.id },
        requestId: 'request-cancel-1',
      },
    );
    expect(body(cancelled)).toMatchObject({ status: 'CANCELLED' });
    // Baking: no token to fail; the execution is stopped in its bake.
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input)).toEqual([
      {
        executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${order.id}`,
        error: 'Kitchen.Cancelled',
        cause: 'Kitchen.Cancelled: STAFF',
      },
    ]);
    expect(eventsPut().map((entry) => entry.DetailType)).toEqual(['TicketCancelled']);
    // Caused by the staff's request.
    expect(JSON.parse(eventsPut()[0]?.Detail ?? '{}').causationId).toBe('request-cancel-1');
    const again = await ticketRoute('cancel', order.id);
    expect(again.statusCode).toBe(200);
    // Announced again, with the same event id: a consumer dedupes it; a lost first attempt is made good.
    const [first, second] = eventsPut().map((entry) => JSON.parse(entry.Detail ?? '{}') as { id: string });
    expect(second?.id).toBe(first?.id);
    const queue = body(await call('queue', '/kitchen/queue', '/kitchen/queue', { query: { limit: '100' } }));
    expect((queue.items as Order[]).map((item) => item.id)).not.toContain(order.id);
  });

  it('answers 404 for an unknown ticket and shows the workflow of a known one', async () => {
    expect((await ticketRoute('ticket', randomUUID())).statusCode).toBe(404);
    const order = orderOf();
    await queued(order);
    const ticket = body(await ticketRoute('ticket', order.id));
    expect(ticket).toMatchObject({
      id: order.id,
      status: 'QUEUED',
      bakeSeconds: 540,
      workflow: { status: 'RUNNING' },
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input.executionArn).toBe(
      `arn:aws:states:eu-west-1:123456789012:execution:KitchenWorkflow:${order.id}`,
    );
  });
});

describe('the schedules', () => {
  it('announces a ticket waiting too long once, and counts it in every sweep', async () => {
    const late = orderOf(new Date(Date.now() - 45 * 60_000).toISOString());
    await queued(late);
    await sweepOverdue({ id: 'sweep-1' }, lambdaContext());
    await sweepOverdue({ id: 'sweep-2' }, lambdaContext());
    const overdue = eventsPut().filter((entry) => JSON.parse(entry.Detail ?? '{}').ticket?.id === late.id);
    expect(overdue.map((entry) => entry.DetailType)).toEqual(['TicketOverdue']);
    expect(JSON.parse(overdue[0]?.Detail ?? '{}')).toMatchObject({ causationId: 'sweep-1' });
    expect(JSON.parse(overdue[0]?.Detail ?? '{}').waitedMinutes).toBeGreaterThanOrEqual(45);
  });

  it("writes the store's local day as one summary item", async () => {
    await writeDailySummary({ id: 'daily' }, lambdaContext());
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: 'kitchen', Key: { pk: `SUMMARY#${today}`, sk: 'SUMMARY' } }),
    );
    expect(Item).toMatchObject({ date: today, timeZone: 'Europe/Amsterdam' });
    expect(Item?.tickets).toBeGreaterThan(0);
  });
});
