import { defineEvent } from '@slice/contract';
import { lambdaContext, restApiEvent } from '@slice/testing';
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import type * as Middleware from '../src';
import { getPizza } from './sample';

// Slice traces with Lambda active tracing and no tracing SDK: the correlation id in every log line
// is what ties a request's lines together across functions, so each trigger must put it there.

const PizzaBaked = defineEvent({
  source: 'slice.kitchen',
  detailType: 'PizzaBaked',
  version: 1,
  description: 'A pizza left the oven.',
  entity: { pizza: z.strictObject({ id: z.string() }) },
});

// The logger takes its level from the environment when the module loads, and each invocation
// goes back to it: load the middleware with INFO, after the quiet default of the test setup.
const quiet = process.env.POWERTOOLS_LOG_LEVEL;
let middleware: typeof Middleware;
beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  middleware = await import('../src');
});
afterAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = quiet;
});

/** The JSON log lines written to stdout and stderr (warnings, errors) while `act` runs. */
async function logLinesOf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('correlation ids in log lines', () => {
  it('puts the caller’s correlation id on every line an HTTP use-case logs', async () => {
    // Prepare
    const { http, logger } = middleware;
    const handler = http(getPizza, ({ path }) => {
      logger.info('Looking up the pizza');
      logger.warn('Still looking');
      return Promise.resolve({ id: path.pizzaId, name: 'Margherita', quantity: 1 });
    });

    // Act
    const lines = await logLinesOf(() =>
      handler(
        restApiEvent({
          method: 'GET',
          path: '/pizzas/margherita',
          resource: '/pizzas/{pizzaId}',
          pathParameters: { pizzaId: 'margherita' },
          headers: { 'x-correlation-id': 'corr-http-1' },
          requestId: 'request-1',
        }),
        lambdaContext(),
      ),
    );

    // Assess
    expect(lines.map((line) => line.message)).toEqual(['Looking up the pizza', 'Still looking']);
    expect(lines.map((line) => line.correlationId)).toEqual(['corr-http-1', 'corr-http-1']);
    expect(lines.map((line) => line.causationId)).toEqual(['request-1', 'request-1']);
  });

  it('puts the event’s correlation id on every line an EventBridge handler logs', async () => {
    const { eventbridge, logger } = middleware;
    const handler = eventbridge(PizzaBaked, () => {
      logger.info('Pizza baked');
      return Promise.resolve();
    });
    const event: EventBridgeEvent<string, unknown> = {
      version: '0',
      id: 'evt-1',
      'detail-type': 'PizzaBaked',
      source: 'slice.kitchen',
      account: '123456789012',
      time: '2026-12-01T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        id: 'e-1',
        occurredAt: '2026-12-01T10:00:00.000Z',
        correlationId: 'corr-bus-1',
        version: 1,
        pizza: { id: 'p-1' },
      },
    };

    const lines = await logLinesOf(() => handler(event, lambdaContext()));

    expect(lines).toEqual([
      expect.objectContaining({ message: 'Pizza baked', correlationId: 'corr-bus-1', causationId: 'e-1' }),
    ]);
  });

  it('gives each SQS message’s lines that message’s correlation id, not the previous one’s', async () => {
    const { sqs, logger } = middleware;
    const handler = sqs({}, (message: { correlationId: string }) => {
      logger.info('Message handled', { seen: message.correlationId });
      return Promise.resolve();
    });
    const record = (n: number) => ({
      messageId: `m-${n}`,
      receiptHandle: `r-${n}`,
      body: JSON.stringify({ correlationId: `corr-queue-${n}` }),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:tickets',
      awsRegion: 'us-east-1',
    });
    const event: SQSEvent = { Records: [record(1), record(2)] };

    const lines = await logLinesOf(() => handler(event, lambdaContext()));

    expect(lines.map((line) => [line.seen, line.correlationId])).toEqual([
      ['corr-queue-1', 'corr-queue-1'],
      ['corr-queue-2', 'corr-queue-2'],
    ]);
  });
});

describe('currentTraceHeader', () => {
  const saved = process.env._X_AMZN_TRACE_ID;
  afterEach(() => {
    if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = saved;
  });

  it('is the invocation’s X-Ray trace header, and nothing outside an invocation', () => {
    const { currentTraceHeader } = middleware;
    delete process.env._X_AMZN_TRACE_ID;
    expect(currentTraceHeader()).toBeUndefined();
    process.env._X_AMZN_TRACE_ID = '';
    expect(currentTraceHeader()).toBeUndefined();

    process.env._X_AMZN_TRACE_ID = 'Root=1-67891233-abcdef012345678912345678;Sampled=1';
    expect(currentTraceHeader()).toBe('Root=1-67891233-abcdef012345678912345678;Sampled=1');
  });
});
