import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { roleActions } from '@slice/testing';
import { kitchenContract } from '@slice/contracts-kitchen';
import { KitchenStack } from '../cdk/kitchen-stack';

/** The parts of an ASL state these tests read. */
interface AslState {
  readonly Type?: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly Arguments?: Record<string, unknown>;
  readonly Catch?: ReadonlyArray<{ readonly ErrorEquals: string[]; readonly Next: string }>;
  readonly Retry?: ReadonlyArray<Record<string, unknown>>;
}

let template: Template;
let json: Record<string, unknown>;

beforeAll(() => {
  // Bundling is skipped here: the function code is the synth target's business.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new KitchenStack(app, 'SliceKitchen-dev', { stage: 'dev' }));
  json = template.toJSON();
});

const actionsOf = (functionLogicalPrefix: string) => roleActions(json, functionLogicalPrefix);
const resourcesOf = (type: string) => Object.entries(template.findResources(type));
/** The state machine's definition, with CloudFormation's joins flattened to placeholders. */
const definition = (): { QueryLanguage?: string; States: Record<string, AslState> } => {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as Array<{
    Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
  }>;
  const parts = machine?.Properties.DefinitionString['Fn::Join'][1] ?? [];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
    QueryLanguage?: string;
    States: Record<string, AslState>;
  };
};

describe('SliceKitchen stack', () => {
  it('is the kitchen team’s, and publishes its table name for the data move', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/kitchen/table-name',
      Value: { Ref: Match.stringLikeRegexp('^Table[0-9A-F]{8}$') },
    });
    expect(JSON.stringify(json)).toContain('"Key":"slice:team","Value":"kitchen"');
  });

  it('runs every function on nodejs24.x arm64 with an explicit timeout and memory', () => {
    const functions = resourcesOf('AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Runtime !== undefined,
    );
    expect(functions.length).toBeGreaterThanOrEqual(9);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 10 });
      expect(fn.Properties.MemorySize).toBeGreaterThan(0);
    }
  });

  it('has one API method per contract route, every one behind Cognito', () => {
    const methods = resourcesOf('AWS::ApiGateway::Method').filter(
      ([, method]) => method.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods).toHaveLength(Object.keys(kitchenContract.routes).length);
    for (const [, method] of methods) expect(method.Properties.AuthorizationType).toBe('COGNITO_USER_POOLS');
  });

  it("sends Orders' OrderPlaced and OrderCancelled to the Kitchen queue, with a dead-letter queue for the rule", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['slice.orders'], 'detail-type': ['OrderPlaced', 'OrderCancelled'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeOrderEventsQueue'), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeOrderEventsDeadLetters'), 'Arn'] },
          },
        }),
      ],
    });
  });

  it('parks a message in the dead-letter queue after three receives, and alarms on the first', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
      VisibilityTimeout: 60,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeOrderEventsDeadLetters'), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('reads the queue in batches with partial batch responses and no batching delay', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IntakeOrderEventsQueue'), 'Arn'] },
    });
  });

  it('runs a Standard JSONata workflow, logged and traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    expect(definition().QueryLanguage).toBe('JSONata');
  });

  it('waits for a cook with a task token and a heartbeat, and marks the ticket overdue when it runs out', () => {
    const states = definition().States;
    expect(states.WaitForCook).toMatchObject({
      Resource: 'arn:REF:states:::lambda:invoke.waitForTaskToken',
      HeartbeatSeconds: 900,
      Arguments: { Payload: { taskToken: '{% $states.context.Task.Token %}' } },
    });
    expect(states.WaitForCook?.Catch?.map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['States.HeartbeatTimeout'], 'MarkOverdue'],
      [['Kitchen.Cancelled'], 'Cancelled'],
      [['Kitchen.Started'], 'Bake'],
      [['States.ALL'], 'MarkFailed'],
    ]);
    expect(states.MarkOverdue?.Next).toBe('WaitForCook');
  });

  it('bakes for the seconds of the items, then marks the ticket ready with a direct conditional DynamoDB update', () => {
    const states = definition().States;
    expect(states.Bake).toMatchObject({ Type: 'Wait', Seconds: '{% $ticket.bakeSeconds %}' });
    expect(states.MarkReady).toMatchObject({
      Resource: 'arn:REF:states:::dynamodb:updateItem',
      Arguments: { ConditionExpression: '#status = :baking' },
    });
    expect(states.MarkReady?.Catch?.[0]).toMatchObject({
      ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
      Next: 'Cancelled',
    });
  });

  it('announces OrderReady with the contract envelope, then publishes to SNS with the channel attribute', () => {
    const states = definition().States;
    expect(states.AnnounceOrderReady).toMatchObject({
      Resource: 'arn:REF:states:::events:putEvents',
      Next: 'NotifyCustomer',
      Arguments: {
        Entries: [
          {
            Source: 'slice.kitchen',
            DetailType: 'OrderReady',
            Detail: {
              id: "{% $ticket.ticketId & ':ready' %}",
              // Caused by the OrderPlaced that started the execution (the accept step keeps it).
              causationId: '{% $ticket.causationId %}',
              version: 1,
              readyAt: '{% $readyAt %}',
            },
          },
        ],
      },
    });
    expect(states.NotifyCustomer).toMatchObject({
      Resource: 'arn:REF:states:::sns:publish',
      Arguments: {
        MessageAttributes: { channel: { DataType: 'String', StringValue: '{% $ticket.channel %}' } },
      },
    });
  });

  it('retries transient task errors with backoff and catches everything else into a failed ticket', () => {
    const states = definition().States;
    for (const name of ['MarkReady', 'AnnounceOrderReady', 'NotifyCustomer', 'MarkOverdue']) {
      expect(states[name]?.Retry?.[0]).toMatchObject({
        BackoffRate: 2,
        MaxAttempts: 4,
        JitterStrategy: 'FULL',
      });
    }
    for (const name of ['AcceptTicket', 'MarkReady', 'AnnounceOrderReady', 'NotifyCustomer']) {
      expect(states[name]?.Catch?.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'MarkFailed' });
    }
    expect(states.MarkFailed?.Next).toBe('AnnounceTicketFailed');
    expect(states.AnnounceTicketFailed).toMatchObject({
      Arguments: {
        Entries: [{ DetailType: 'TicketFailed', Detail: { causationId: '{% $ticket.causationId %}' } }],
      },
    });
    // A failed accept has no ticket: the cause is the execution's, else the order's own id.
    expect(JSON.stringify(states.AcceptTicket?.Catch)).toContain(
      '$exists($states.input.causationId) ? $states.input.causationId : $states.input.order.id',
    );
    expect(states.TicketFailed).toMatchObject({ Type: 'Fail', Error: 'Kitchen.TicketFailed' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Threshold: 1,
    });
  });

  it('has an SMS and an email subscription, each filtered on the channel', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      FilterPolicy: { channel: ['sms'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      FilterPolicy: { channel: ['email'] },
    });
  });

  it('sweeps overdue tickets every 5 minutes and writes the summary daily in the store’s time zone', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({
        DeadLetterConfig: { Arn: Match.anyValue() },
        RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 3 },
      }),
    });
    // Each schedule has its own dead-letter queue, which alarms (ServiceSchedule).
    for (const schedule of ['OverdueSweep', 'DailySummary'])
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [Match.stringLikeRegexp(`^Schedules${schedule}DeadLetters`), 'QueueName'],
            },
          },
        ],
      });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 23 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Slice',
      MetricName: 'OverdueTickets',
      Dimensions: [{ Name: 'service', Value: 'kitchen' }],
    });
  });

  it('lets the workflow’s own steps touch the table but never start or resume the workflow', () => {
    for (const step of ['AcceptTicket', 'AwaitCook']) {
      const actions = actionsOf(step);
      expect(actions.some((action) => action.startsWith('states:'))).toBe(false);
    }
    expect(actionsOf('AcceptTicket')).toContain('dynamodb:PutItem');
    expect(actionsOf('AwaitCook')).not.toContain('dynamodb:PutItem');
  });

  it('lets the start route resume the workflow, and only the consumer and start route start one', () => {
    expect(actionsOf('StartTicket')).toEqual(
      expect.arrayContaining(['states:SendTaskSuccess', 'states:StartExecution']),
    );
    expect(actionsOf('TakeOrderEvents')).toContain('states:StartExecution');
    expect(actionsOf('GetTicket')).not.toContain('states:StartExecution');
    expect(actionsOf('GetKitchenQueue')).not.toContain('states:StartExecution');
  });

  it('lets only the cancellers stop an execution (a baking ticket cancelled)', () => {
    for (const canceller of ['CancelTicket', 'TakeOrderEvents'])
      expect(actionsOf(canceller)).toContain('states:StopExecution');
    for (const other of ['StartTicket', 'GetTicket', 'AcceptTicket', 'AwaitCook', 'SweepOverdue'])
      expect(actionsOf(other)).not.toContain('states:StopExecution');
  });

  it('reads the bus name from SSM, not from another stack', () => {
    expect(JSON.stringify(json.Parameters)).toContain('/slice/dev/platform/event-bus-name');
    expect(JSON.stringify(json)).not.toContain('Fn::ImportValue');
  });
});
