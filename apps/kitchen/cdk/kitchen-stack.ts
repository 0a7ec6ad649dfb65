import { join } from 'node:path';
import { Aws, type CfnElement, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  acknowledge,
  CursorSigningKey,
  liveAlias,
  SafeRollout,
  ServiceApi,
  ServiceFunction,
  ServiceStack,
  ServiceTable,
} from '@slice/cdk';
import type { ServiceStackProps } from '@slice/cdk';
import { kitchenContract, type NotificationChannel } from '@slice/contracts-kitchen';
import type { Construct } from 'constructs';
import { KitchenSchedules } from './kitchen-schedules';
import { PreparationWorkflow } from './preparation-workflow';
import { ReadyNotifications } from './ready-notifications';
import { TicketIntake } from './ticket-intake';
import { storeDefaults } from '../src/domain/store';

/** Props of {@link KitchenStack}: a stage, the store's settings and the usual stack props. */
export interface KitchenStackProps extends Omit<ServiceStackProps, 'service'> {
  /**
   * The store's IANA time zone: a ticket's day, and when the daily summary runs.
   * @default 'Europe/Amsterdam'
   */
  readonly timeZone?: string;
  /**
   * Where ready notifications go when the order names no channel (`order.notify`).
   * @default 'sms'
   */
  readonly defaultChannel?: NotificationChannel;
  /**
   * The SMS and email endpoints of the ready topic's subscriptions.
   * @default the demo endpoints `+15555550100` and `ready@slice.example`
   */
  readonly notificationEndpoints?: { readonly smsNumber: string; readonly emailAddress: string };
}

const handler = (name: string) => join(__dirname, '../src/handlers', `${name}.ts`);
const index = (name: string): dynamodb.GlobalSecondaryIndexPropsV2 => ({
  indexName: name,
  partitionKey: { name: `${name}pk`, type: dynamodb.AttributeType.STRING },
  sortKey: { name: `${name}sk`, type: dynamodb.AttributeType.STRING },
});
const timeout = Duration.seconds(10);

/** Makes one of Kitchen's functions, behind its `live` alias, with the shared environment. */
type FunctionMaker = (id: string, name: string, more?: Record<string, string>) => lambda.Alias;

/** The functions that serve the routes, read the queue and run on the schedules. */
interface KitchenFunctions {
  readonly getKitchenQueue: lambda.Alias;
  readonly getTicket: lambda.Alias;
  readonly startTicket: lambda.Alias;
  readonly cancelTicket: lambda.Alias;
  readonly takeOrderEvents: lambda.Alias;
  readonly sweepOverdue: lambda.Alias;
  readonly writeDailySummary: lambda.Alias;
}

/**
 * The Kitchen service: its table (tickets, the queue and day indexes), the intake from Orders'
 * events, the preparation workflow per order, the ready notifications, the schedules, and its
 * REST API built from the contract. Each function has only the grants it needs.
 */
export class KitchenStack extends ServiceStack {
  readonly table: ServiceTable;
  readonly api: ServiceApi;
  readonly workflow: PreparationWorkflow;

  constructor(scope: Construct, id: string, props: KitchenStackProps) {
    const {
      timeZone = storeDefaults.timeZone,
      defaultChannel = storeDefaults.channel,
      notificationEndpoints,
      ...rest
    } = props;
    super(scope, id, { ...rest, service: kitchenContract.service });
    this.table = this.ticketTable();
    const fn = this.functionMaker({
      TABLE_NAME: this.table.table.tableName,
      EVENT_BUS_NAME: this.platformValue('event-bus-name'),
      STORE_TIME_ZONE: timeZone,
      OVERDUE_AFTER_MINUTES: '20',
      DEFAULT_NOTIFICATION_CHANNEL: defaultChannel,
    });
    // The workflow's own steps, which it invokes.
    const acceptTicket = fn('AcceptTicket', 'accept-ticket');
    const awaitCook = fn('AwaitCook', 'await-cook');
    this.table.grant(acceptTicket, 'dynamodb:PutItem', 'dynamodb:GetItem');
    this.table.grant(awaitCook, 'dynamodb:UpdateItem', 'dynamodb:GetItem');
    const notifications = new ReadyNotifications(this, 'Notifications', {
      smsNumber: notificationEndpoints?.smsNumber ?? '+15555550100',
      emailAddress: notificationEndpoints?.emailAddress ?? 'ready@slice.example',
    });
    this.workflow = new PreparationWorkflow(this, 'Workflow', {
      table: this.table.table,
      eventBus: this.eventBus,
      notifications: notifications.topic,
      acceptTicket,
      awaitCook,
      removalPolicy: this.isDevelopment ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const functions = this.workflowFunctions(fn);
    this.grantAccess(functions);
    const intake = new TicketIntake(this, 'Intake', {
      eventBus: this.eventBus,
      consumer: functions.takeOrderEvents,
      consumerTimeout: timeout,
    });
    const { sweepOverdue, writeDailySummary } = functions;
    new KitchenSchedules(this, 'Schedules', { sweepOverdue, writeDailySummary, timeZone });
    const { getKitchenQueue, getTicket, startTicket, cancelTicket } = functions;
    this.api = new ServiceApi(this, 'Api', {
      contract: kitchenContract,
      stage: this.stage,
      handlers: { getKitchenQueue, getTicket, startTicket, cancelTicket },
      userPool: this.userPool,
      webAclArn: this.webAclArn,
    });
    // Every function ships through its `live` alias: all at once in dev, a canary in prod, rolled
    // back by the API's alarms, the intake's dead letters and failed tickets.
    new SafeRollout(this, 'Rollout', {
      stage: this.stage,
      aliases: [
        getKitchenQueue,
        getTicket,
        startTicket,
        cancelTicket,
        functions.takeOrderEvents,
        acceptTicket,
        awaitCook,
        sweepOverdue,
        writeDailySummary,
      ],
      alarms: [
        this.api.serverErrorAlarm,
        this.api.latencyAlarm,
        ...(intake.orderEvents.deadLetterAlarm ? [intake.orderEvents.deadLetterAlarm] : []),
        this.workflow.failedAlarm,
      ],
    });
  }

  /** The tickets table, and its name in SSM for the data move from the monolith. */
  private ticketTable(): ServiceTable {
    const table = new ServiceTable(this, 'Table', {
      stage: this.stage,
      globalSecondaryIndexes: [index('gsi1'), index('gsi2')],
    });
    // The data move from the monolith (`npm run migrate -- kitchen`) finds the table by this name.
    new ssm.StringParameter(this, 'TableNameParameter', {
      parameterName: this.parameterName('table-name'),
      stringValue: table.tableName,
      description: 'The Kitchen table, for the data move from the monolith (npm run migrate)',
    });
    return table;
  }

  /** How every Kitchen function is made: its handler, the environment, the cursor key, its alias. */
  private functionMaker(environment: Record<string, string>): FunctionMaker {
    const cursorKey = new CursorSigningKey(this, 'CursorSigningKey', {
      purpose: 'the Kitchen queue cursors',
    });
    return (id, name, more = {}) => {
      const created = new ServiceFunction(this, id, {
        entry: handler(name),
        stage: this.stage,
        serviceName: 'kitchen',
        environment: { ...environment, ...more },
        timeout,
      });
      cursorKey.grantRead(created);
      return liveAlias(created);
    };
  }

  /** Everything but the workflow's own steps starts, resumes, stops or reads the workflow. */
  private workflowFunctions(fn: FunctionMaker): KitchenFunctions {
    const more = { STATE_MACHINE_ARN: this.workflow.stateMachine.stateMachineArn };
    return {
      getKitchenQueue: fn('GetKitchenQueue', 'get-kitchen-queue', more),
      getTicket: fn('GetTicket', 'get-ticket', more),
      startTicket: fn('StartTicket', 'start-ticket', more),
      cancelTicket: fn('CancelTicket', 'cancel-ticket', more),
      takeOrderEvents: fn('TakeOrderEvents', 'take-order-events', more),
      sweepOverdue: fn('SweepOverdue', 'sweep-overdue', more),
      writeDailySummary: fn('WriteDailySummary', 'write-daily-summary', more),
    };
  }

  /** What each function may do to the table, the workflow and the bus: no more than it needs. */
  private grantAccess(functions: KitchenFunctions): void {
    const { stateMachine } = this.workflow;
    const { getKitchenQueue, getTicket, startTicket, cancelTicket, takeOrderEvents } = functions;
    this.table.grantReadData(getKitchenQueue);
    this.table.grant(getTicket, 'dynamodb:GetItem');
    this.readExecutions(getTicket);
    // Start: the ticket's conditional update, then the workflow resumed (or started, for a ticket
    // copied from the monolith).
    this.table.grant(startTicket, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    stateMachine.grantTaskResponse(startTicket);
    stateMachine.grantStartExecution(startTicket);
    this.readExecutions(startTicket);
    for (const canceller of [cancelTicket, takeOrderEvents]) {
      this.table.grant(canceller, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem');
      stateMachine.grantTaskResponse(canceller);
      // A baking ticket's execution is stopped where it waits (StopExecution).
      stateMachine.grantExecution(canceller, 'states:StopExecution');
      this.readExecutions(canceller);
      this.eventBus.grantPutEventsTo(canceller);
    }
    stateMachine.grantStartExecution(takeOrderEvents);
    this.table.grantReadData(functions.sweepOverdue);
    this.table.grant(functions.sweepOverdue, 'dynamodb:UpdateItem');
    this.eventBus.grantPutEventsTo(functions.sweepOverdue);
    this.table.grantReadData(functions.writeDailySummary);
    this.table.grant(functions.writeDailySummary, 'dynamodb:PutItem');
  }

  /**
   * `DescribeExecution` on the workflow's executions, which are named after orders: the grant
   * names the state machine's execution ARNs with a wildcard, acknowledged for cdk-nag, which
   * names the finding by the resource as synthesized (region and partition literal when the stack
   * has an environment).
   */
  private readExecutions(alias: lambda.Alias): void {
    const { stateMachine } = this.workflow;
    const [partition, region] = Token.isUnresolved(this.region)
      ? ['<AWS::Partition>', '<AWS::Region>']
      : [this.partition === Aws.PARTITION ? 'aws' : this.partition, this.region];
    const machineId = this.getLogicalId(stateMachine.node.defaultChild as CfnElement);
    stateMachine.grantRead(alias);
    acknowledge(
      alias.node.scope as Construct,
      `AwsSolutions-IAM5[Resource::arn:${partition}:states:${region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}:*]`,
      "DescribeExecution of the kitchen workflow's executions, one per order: their names are not known at deploy time.",
    );
  }
}
