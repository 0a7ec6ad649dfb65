import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  Duration,
  Stack,
  aws_events as events,
  aws_events_targets as targets,
  aws_lambda as lambda,
  aws_lambda_destinations as destinations,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { loadAssemblies } from '../../src/assembly';
import type { LocalModel } from '../../src/assembly/types';

const accountId = '000000000000';

/** A Kitchen-like stack: a bus, a rule with a Lambda and an SQS target, a queue consumer and async settings. */
function synthesize(outdir: string, codeDir: string): void {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'SliceKitchen-dev', { env: { region: 'eu-west-1' } });
  const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'slice-dev' });
  const deadLetters = new sqs.Queue(stack, 'TicketsDeadLetters');
  const tickets = new sqs.Queue(stack, 'Tickets', {
    visibilityTimeout: Duration.seconds(45),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
  });
  const failures = new sqs.Queue(stack, 'StartTicketFailures');
  const ruleDeadLetters = new sqs.Queue(stack, 'RuleDeadLetters');
  const code = lambda.Code.fromAsset(codeDir);
  const startTicket = new lambda.Function(stack, 'StartTicket', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code,
    onFailure: new destinations.SqsDestination(failures),
    retryAttempts: 1,
  });
  const cookTicket = new lambda.Function(stack, 'CookTicket', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code,
    deadLetterQueueEnabled: true,
  });
  cookTicket.addEventSource(
    new sources.SqsEventSource(tickets, { batchSize: 5, reportBatchItemFailures: true }),
  );
  new events.Rule(stack, 'OrderPlaced', {
    eventBus: bus,
    eventPattern: { source: ['slice.orders'], detailType: ['OrderPlaced'] },
    targets: [
      new targets.LambdaFunction(startTicket, { deadLetterQueue: ruleDeadLetters, retryAttempts: 4 }),
      new targets.SqsQueue(tickets),
    ],
  });
  new events.Rule(stack, 'Nightly', {
    schedule: events.Schedule.rate(Duration.days(1)),
    targets: [new targets.LambdaFunction(cookTicket)],
  });
  app.synth();
}

describe('loadAssemblies: buses, rules, queues and asynchronous invocation settings', () => {
  let dir: string;
  let model: LocalModel;
  const fn = (prefix: string) => {
    const found = model.functions.find((candidate) => candidate.logicalId.startsWith(prefix));
    if (!found) throw new Error(`no function ${prefix}`);
    return found;
  };
  const queue = (prefix: string) => {
    const found = model.queues.find((candidate) =>
      new RegExp(`^${prefix}[0-9A-F]{8}$`).test(candidate.logicalId),
    );
    if (!found) throw new Error(`no queue ${prefix}`);
    return found;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-cloud-events-'));
    const code = join(dir, 'code');
    mkdirSync(code);
    writeFileSync(join(code, 'index.mjs'), 'export const handler = async () => null;');
    synthesize(join(dir, 'cdk.out'), code);
    model = loadAssemblies([join(dir, 'cdk.out')], { accountId, ssm: new Map() });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the bus and the pattern rule with its targets resolved', () => {
    expect(model.eventBuses?.map((bus) => bus.name)).toEqual(['slice-dev']);
    const rule = model.eventRules?.find((candidate) => candidate.logicalId.startsWith('OrderPlaced'));
    expect(rule).toMatchObject({
      eventBusName: 'slice-dev',
      enabled: true,
      eventPattern: { source: ['slice.orders'], 'detail-type': ['OrderPlaced'] },
    });
    expect(rule?.targets).toEqual([
      expect.objectContaining({
        arn: fn('StartTicket').arn,
        functionId: fn('StartTicket').id,
        maximumRetryAttempts: 4,
        deadLetterArn: queue('RuleDeadLetters').arn,
      }),
      expect.objectContaining({
        arn: queue('Tickets').arn,
        maximumRetryAttempts: 185,
        maximumEventAgeSeconds: 86_400,
      }),
    ]);
    expect(model.permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          functionId: fn('StartTicket').id,
          principal: 'events.amazonaws.com',
          sourceArn: rule?.arn,
        }),
      ]),
    );
  });

  it('keeps a schedule rule, which runs on the clock without a warning', () => {
    const nightly = model.eventRules?.find((candidate) => candidate.logicalId.startsWith('Nightly'));
    expect(nightly).toMatchObject({ scheduleExpression: 'rate(1 day)', eventBusName: 'default' });
    expect(model.warnings.join('\n')).not.toMatch(/schedule/);
  });

  it('loads the queue redrive policy and the SQS event source mapping', () => {
    expect(queue('Tickets').properties).toMatchObject({
      VisibilityTimeout: 45,
      RedrivePolicy: { deadLetterTargetArn: queue('TicketsDeadLetters').arn, maxReceiveCount: 3 },
    });
    const mapping = model.eventSourceMappings.find(
      (candidate) => candidate.eventSourceArn === queue('Tickets').arn,
    );
    expect(mapping).toMatchObject({
      functionId: fn('CookTicket').id,
      properties: { BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] },
    });
  });

  it('loads the asynchronous invocation settings: EventInvokeConfig destination and function DLQ', () => {
    const configs = model.asyncInvokeConfigs ?? [];
    expect(configs).toEqual(
      expect.arrayContaining([
        {
          functionId: fn('StartTicket').id,
          maximumRetryAttempts: 1,
          maximumEventAgeSeconds: 21_600,
          onFailureArn: queue('StartTicketFailures').arn,
        },
        expect.objectContaining({
          functionId: fn('CookTicket').id,
          maximumRetryAttempts: 2,
          deadLetterArn: expect.stringMatching(/^arn:aws:sqs:eu-west-1:000000000000:/) as unknown,
        }),
      ]),
    );
  });
});
