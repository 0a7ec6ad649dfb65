import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge } from '@slice/cdk';
import { OrderReady, TicketFailed } from '@slice/contracts-kitchen';

/** Props of {@link PreparationWorkflow}. */
export interface PreparationWorkflowProps {
  /** The kitchen table the workflow marks tickets in (direct DynamoDB integration). */
  readonly table: dynamodb.ITable;
  /** The platform bus `OrderReady` and `TicketFailed` go to. */
  readonly eventBus: events.IEventBus;
  /** The topic the customer's ready notification is published to. */
  readonly notifications: sns.ITopic;
  /** Opens the order's ticket. */
  readonly acceptTicket: lambda.IFunction;
  /** Keeps the cook step's task token on the ticket. */
  readonly awaitCook: lambda.IFunction;
  /**
   * How long a ticket waits for a cook before the step times out on its heartbeat and the ticket is
   * marked overdue (it then waits again).
   * @default 15 minutes
   */
  readonly cookHeartbeat?: Duration;
  /** Whether the workflow's logs go with the stack (development stages). */
  readonly removalPolicy?: RemovalPolicy;
}

/** The errors of a service that are worth another try: throttling and the service's own faults. */
const transient = {
  dynamodb: [
    'DynamoDB.ProvisionedThroughputExceededException',
    'DynamoDB.RequestLimitExceeded',
    'DynamoDB.ThrottlingException',
    'DynamoDB.InternalServerErrorException',
  ],
  events: ['EventBridge.InternalException', 'EventBridge.ThrottlingException', 'EventBridge.FailedEntry'],
  sns: ['SNS.InternalErrorException', 'SNS.ThrottledException', 'SNS.KMSThrottlingException'],
};

/** Retries with exponential backoff and full jitter: 1 s, 2 s, 4 s, 8 s at most. */
const retryTransient = (state: sfn.TaskStateBase, errors: string[]) =>
  state.addRetry({
    errors,
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 4,
    maxDelay: Duration.seconds(8),
    jitterStrategy: sfn.JitterType.FULL,
  });

const ticketKey = {
  pk: tasks.DynamoAttributeValue.fromString("{% 'TICKET#' & $ticket.ticketId %}"),
  sk: tasks.DynamoAttributeValue.fromString('TICKET'),
};

/** An event's envelope and the ticket it is about, as the contract's detail has them. */
const envelope = (suffix: string, occurredAt: string) => ({
  id: `{% $ticket.ticketId & ':${suffix}' %}`,
  occurredAt,
  correlationId: '{% $ticket.correlationId %}',
  causationId: '{% $ticket.causationId %}',
  version: 1,
  ticket: {
    id: '{% $ticket.ticketId %}',
    orderId: '{% $ticket.orderId %}',
    customerId: '{% $ticket.customerId %}',
  },
});

/**
 * The preparation workflow of one order (Standard, JSONata): accept the ticket; wait for a cook
 * with a task token (`POST /kitchen/tickets/{id}/start` resumes it), marking the ticket overdue
 * each time the heartbeat runs out; bake for the items' time; mark the ticket READY with a direct
 * DynamoDB update; announce `OrderReady`; notify the customer through SNS on the ticket's channel.
 * A cancel while waiting fails the cook step with `Kitchen.Cancelled`, which ends it cleanly
 * (SUCCEEDED); a cancel while baking stops the execution (`StopExecution`, ABORTED), and the
 * READY update's condition still ends a bake that finishes as the cancel is written. Never
 * `OrderReady` for a cancelled ticket. Transient task errors retry with backoff; anything else marks the ticket
 * FAILED, announces `TicketFailed` and fails the execution, which {@link failedAlarm} watches.
 *
 * @example
 * ```ts
 * const workflow = new PreparationWorkflow(this, 'Workflow', { table, eventBus, notifications, acceptTicket, awaitCook });
 * workflow.stateMachine.grantStartExecution(takeOrderEvents);
 * ```
 */
export class PreparationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Any execution that failed (a ticket caught into FAILED) in 5 minutes. */
  readonly failedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PreparationWorkflowProps) {
    super(scope, id);
    const failed = this.failurePath(props);
    const cancelled = sfn.Succeed.jsonata(this, 'Cancelled', {
      comment: 'The ticket was cancelled: no pizza, no OrderReady.',
    });
    const bake = this.bakeToReady(props, { failed, cancelled });
    const waitForCook = this.cookStep(props, { failed, cancelled, bake });
    const route = sfn.Choice.jsonata(this, 'WhereIsTheTicket')
      .when(sfn.Condition.jsonata("{% $ticket.status = 'QUEUED' %}"), waitForCook)
      // A ticket copied from the monolith starts its workflow when a cook takes it.
      .when(sfn.Condition.jsonata("{% $ticket.status = 'BAKING' %}"), bake)
      .when(sfn.Condition.jsonata("{% $ticket.status = 'CANCELLED' %}"), cancelled)
      .otherwise(
        sfn.Succeed.jsonata(this, 'AlreadyDone', { comment: 'A redelivery found the ticket ended.' }),
      );
    this.stateMachine = this.machine(props, this.acceptStep(props, failed).next(route));
    this.failedAlarm = new cloudwatch.Alarm(this, 'FailedAlarm', {
      alarmDescription: 'A kitchen ticket failed: its workflow caught an error it cannot handle.',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Open the ticket (Lambda) and keep what the later states need in `$ticket`. */
  private acceptStep(props: PreparationWorkflowProps, failed: sfn.IChainable): tasks.LambdaInvoke {
    const accept = tasks.LambdaInvoke.jsonata(this, 'AcceptTicket', {
      lambdaFunction: props.acceptTicket,
      payload: sfn.TaskInput.fromObject({
        order: '{% $states.input.order %}',
        correlationId: '{% $states.input.correlationId %}',
        causationId:
          '{% $exists($states.input.causationId) ? $states.input.causationId : $states.input.order.id %}',
      }),
      assign: { ticket: '{% $states.result.Payload %}' },
      outputs: '{% $states.result.Payload %}',
    });
    accept.addCatch(failed, {
      errors: ['States.ALL'],
      // No ticket came back: the failure path names the order from the execution's input.
      assign: {
        failure: '{% $states.errorOutput %}',
        ticket: {
          ticketId: '{% $states.input.order.id %}',
          orderId: '{% $states.input.order.id %}',
          customerId: '{% $states.input.order.customerId %}',
          correlationId: '{% $states.input.correlationId %}',
          causationId:
            '{% $exists($states.input.causationId) ? $states.input.causationId : $states.input.order.id %}',
        },
      },
    });
    return accept;
  }

  /**
   * Wait for a cook on a task token (the start route resumes it), marking the ticket overdue each
   * time the heartbeat runs out and waiting again; then the bake.
   */
  private cookStep(
    props: PreparationWorkflowProps,
    next: { failed: sfn.IChainable; cancelled: sfn.IChainable; bake: sfn.IChainable },
  ): tasks.LambdaInvoke {
    const waitForCook = tasks.LambdaInvoke.jsonata(this, 'WaitForCook', {
      lambdaFunction: props.awaitCook,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        ticketId: '{% $ticket.ticketId %}',
        correlationId: '{% $ticket.correlationId %}',
        taskToken: '{% $states.context.Task.Token %}',
      }),
      heartbeatTimeout: sfn.Timeout.duration(props.cookHeartbeat ?? Duration.minutes(15)),
    });
    const markOverdue = tasks.DynamoUpdateItem.jsonata(this, 'MarkOverdue', {
      table: props.table,
      key: ticketKey,
      conditionExpression: '#status = :queued',
      updateExpression: 'SET overdue = :true',
      expressionAttributeNames: { '#status': 'status' },
      expressionAttributeValues: {
        ':queued': tasks.DynamoAttributeValue.fromString('QUEUED'),
        ':true': tasks.DynamoAttributeValue.fromBoolean(true),
      },
    });
    retryTransient(markOverdue, transient.dynamodb);
    // Whatever the update found, the cook step looks at the ticket again.
    markOverdue.addCatch(waitForCook, { errors: ['States.ALL'] });
    markOverdue.next(waitForCook);
    waitForCook.addCatch(markOverdue, { errors: ['States.HeartbeatTimeout'] });
    waitForCook.addCatch(next.cancelled, { errors: ['Kitchen.Cancelled'] });
    // A cook took the ticket before this step stored its token: it is BAKING already.
    waitForCook.addCatch(next.bake, { errors: ['Kitchen.Started'] });
    waitForCook.addCatch(next.failed, {
      errors: ['States.ALL'],
      assign: { failure: '{% $states.errorOutput %}' },
    });
    waitForCook.next(next.bake);
    return waitForCook;
  }

  /**
   * Bake for the items' time, mark the ticket READY (direct DynamoDB; its condition finds a ticket
   * cancelled meanwhile), announce `OrderReady`, notify the customer on the ticket's channel.
   */
  private bakeToReady(
    props: PreparationWorkflowProps,
    next: { failed: sfn.IChainable; cancelled: sfn.IChainable },
  ): sfn.Wait {
    const toFailed = { errors: ['States.ALL'], assign: { failure: '{% $states.errorOutput %}' } };
    const bake = sfn.Wait.jsonata(this, 'Bake', {
      time: sfn.WaitTime.seconds('{% $ticket.bakeSeconds %}'),
      comment: "The items' oven time (bakeSecondsOf in the domain).",
    });
    const outOfOven = sfn.Pass.jsonata(this, 'OutOfOven', { assign: { readyAt: '{% $now() %}' } });
    const markReady = tasks.DynamoUpdateItem.jsonata(this, 'MarkReady', {
      table: props.table,
      key: ticketKey,
      conditionExpression: '#status = :baking',
      updateExpression: 'SET #status = :ready, readyAt = :at REMOVE gsi1pk, gsi1sk',
      expressionAttributeNames: { '#status': 'status' },
      expressionAttributeValues: {
        ':baking': tasks.DynamoAttributeValue.fromString('BAKING'),
        ':ready': tasks.DynamoAttributeValue.fromString('READY'),
        ':at': tasks.DynamoAttributeValue.fromString('{% $readyAt %}'),
      },
    });
    retryTransient(markReady, transient.dynamodb);
    markReady.addCatch(next.cancelled, { errors: ['DynamoDB.ConditionalCheckFailedException'] });
    markReady.addCatch(next.failed, toFailed);
    const announceReady = tasks.EventBridgePutEvents.jsonata(this, 'AnnounceOrderReady', {
      entries: [
        {
          eventBus: props.eventBus,
          source: OrderReady.source,
          detailType: OrderReady.detailType,
          detail: sfn.TaskInput.fromObject({
            ...envelope('ready', '{% $readyAt %}'),
            readyAt: '{% $readyAt %}',
          }),
        },
      ],
    });
    retryTransient(announceReady, transient.events);
    announceReady.addCatch(next.failed, toFailed);
    const notify = tasks.SnsPublish.jsonata(this, 'NotifyCustomer', {
      topic: props.notifications,
      message: sfn.TaskInput.fromText("{% 'Your Slice order ' & $ticket.orderId & ' is ready.' %}"),
      messageAttributes: {
        channel: { value: '{% $ticket.channel %}' },
        customerId: { value: '{% $ticket.customerId %}' },
        orderId: { value: '{% $ticket.orderId %}' },
      },
    });
    retryTransient(notify, transient.sns);
    notify.addCatch(next.failed, toFailed);
    bake
      .next(outOfOven)
      .next(markReady)
      .next(announceReady)
      .next(notify)
      .next(sfn.Succeed.jsonata(this, 'Ready'));
    return bake;
  }

  /** The Standard, JSONata state machine with its logs and tracing. */
  private machine(props: PreparationWorkflowProps, definition: sfn.IChainable): sfn.StateMachine {
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      comment: 'One order in the kitchen: accept, wait for a cook, bake, ready, announce, notify.',
      timeout: Duration.hours(12),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledge(
      stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments) and log delivery (logs:CreateLogDelivery...) take no resource narrower than *, as AWS documents for Step Functions.',
    );
    return stateMachine;
  }

  /** Mark the ticket FAILED (unless it is READY or cancelled), announce `TicketFailed`, fail. */
  private failurePath(props: PreparationWorkflowProps): sfn.IChainable {
    const fail = sfn.Fail.jsonata(this, 'TicketFailed', {
      error: 'Kitchen.TicketFailed',
      cause: "{% $exists($failure.Cause) ? $failure.Cause : 'The preparation workflow failed.' %}",
    });
    const announce = tasks.EventBridgePutEvents.jsonata(this, 'AnnounceTicketFailed', {
      entries: [
        {
          eventBus: props.eventBus,
          source: TicketFailed.source,
          detailType: TicketFailed.detailType,
          detail: sfn.TaskInput.fromObject({
            ...envelope('failed', '{% $now() %}'),
            error: "{% $exists($failure.Error) ? $failure.Error : 'States.Runtime' %}",
          }),
        },
      ],
    });
    retryTransient(announce, transient.events);
    announce.addCatch(fail, { errors: ['States.ALL'] });
    const mark = tasks.DynamoUpdateItem.jsonata(this, 'MarkFailed', {
      table: props.table,
      key: ticketKey,
      conditionExpression: '#status IN (:queued, :baking)',
      updateExpression: 'SET #status = :failed, failedAt = :at REMOVE gsi1pk, gsi1sk, taskToken',
      expressionAttributeNames: { '#status': 'status' },
      expressionAttributeValues: {
        ':queued': tasks.DynamoAttributeValue.fromString('QUEUED'),
        ':baking': tasks.DynamoAttributeValue.fromString('BAKING'),
        ':failed': tasks.DynamoAttributeValue.fromString('FAILED'),
        ':at': tasks.DynamoAttributeValue.fromString('{% $now() %}'),
      },
    });
    retryTransient(mark, transient.dynamodb);
    mark.addCatch(announce, { errors: ['States.ALL'] });
    return mark.next(announce).next(fail);
  }
}
