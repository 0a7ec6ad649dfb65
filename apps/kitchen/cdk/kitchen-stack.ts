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
   * Where ready notifications go until Orders carries the customer's preference.
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
    const { stage } = this;

    this.table = new ServiceTable(this, 'Table', {
      stage,
      globalSecondaryIndexes: [index('gsi1'), index('gsi2')],
    });
    // The data move from the monolith (`npm run migrate -- kitchen`) finds the table by this name.
    new ssm.StringParameter(this, 'TableNameParameter', {
      parameterName: this.parameterName('table-name'),
      stringValue: this.table.tableName,
      description: 'The Kitchen table, for the data move from the monolith (npm run migrate)',
    });
    const cursorKey = new CursorSigningKey(this, 'CursorSigningKey', {
      purpose: 'the Kitchen queue cursors',
    });
    const environment = {
      TABLE_NAME: this.table.table.tableName,
      EVENT_BUS_NAME: this.platformValue('event-bus-name'),
      STORE_TIME_ZONE: timeZone,
      OVERDUE_AFTER_MINUTES: '20',
      DEFAULT_NOTIFICATION_CHANNEL: defaultChannel,
    };
    const fn = (id: string, name: string, more: Record<string, string> = {}): lambda.Alias => {
      const created = new ServiceFunction(this, id, {
        entry: handler(name),
        stage,
        serviceName: 'kitchen',
        environment: { ...environment, ...more },
        timeout,
      });
      cursorKey.grantRead(created);
      return liveAlias(created);
    };

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
    const stateMachine = this.workflow.stateMachine;
    // Everything but the workflow's own steps starts, resumes or reads the workflow.
    const withWorkflow = (id: string, name: string) =>
      fn(id, name, { STATE_MACHINE_ARN: stateMachine.stateMachineArn });

    const getKitchenQueue = withWorkflow('GetKitchenQueue', 'get-kitchen-queue');
    const getTicket = withWorkflow('GetTicket', 'get-ticket');
    const startTicket = withWorkflow('StartTicket', 'start-ticket');
    const cancelTicket = withWorkflow('CancelTicket', 'cancel-ticket');
    const takeOrderEvents = withWorkflow('TakeOrderEvents', 'take-order-events');
    const sweepOverdue = withWorkflow('SweepOverdue', 'sweep-overdue');
    const writeDailySummary = withWorkflow('WriteDailySummary', 'write-daily-summary');

    // Executions are named after orders: reading one needs the state machine's execution ARNs.
    // cdk-nag names the finding by the resource as synthesized: region and partition are literal
    // when the stack has an environment.
    const [partition, region] = Token.isUnresolved(this.region)
      ? ['<AWS::Partition>', '<AWS::Region>']
      : [this.partition === Aws.PARTITION ? 'aws' : this.partition, this.region];
    const machineId = this.getLogicalId(stateMachine.node.defaultChild as CfnElement);
    const readExecutions = (alias: lambda.Alias) => {
      stateMachine.grantRead(alias);
      acknowledge(
        alias.node.scope as Construct,
        `AwsSolutions-IAM5[Resource::arn:${partition}:states:${region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}:*]`,
        "DescribeExecution of the kitchen workflow's executions, one per order: their names are not known at deploy time.",
      );
    };

    this.table.grantReadData(getKitchenQueue);
    this.table.grant(getTicket, 'dynamodb:GetItem');
    readExecutions(getTicket);
    // Start: the ticket's conditional update, then the workflow resumed (or started, for a ticket
    // copied from the monolith).
    this.table.grant(startTicket, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    stateMachine.grantTaskResponse(startTicket);
    stateMachine.grantStartExecution(startTicket);
    readExecutions(startTicket);
    for (const canceller of [cancelTicket, takeOrderEvents]) {
      this.table.grant(canceller, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem');
      stateMachine.grantTaskResponse(canceller);
      // A baking ticket's execution is stopped where it waits (StopExecution).
      stateMachine.grantExecution(canceller, 'states:StopExecution');
      readExecutions(canceller);
      this.eventBus.grantPutEventsTo(canceller);
    }
    stateMachine.grantStartExecution(takeOrderEvents);
    this.table.grantReadData(sweepOverdue);
    this.table.grant(sweepOverdue, 'dynamodb:UpdateItem');
    this.eventBus.grantPutEventsTo(sweepOverdue);
    this.table.grantReadData(writeDailySummary);
    this.table.grant(writeDailySummary, 'dynamodb:PutItem');

    const intake = new TicketIntake(this, 'Intake', {
      eventBus: this.eventBus,
      consumer: takeOrderEvents,
      consumerTimeout: timeout,
    });
    new KitchenSchedules(this, 'Schedules', { sweepOverdue, writeDailySummary, timeZone });

    this.api = new ServiceApi(this, 'Api', {
      contract: kitchenContract,
      stage,
      handlers: { getKitchenQueue, getTicket, startTicket, cancelTicket },
      userPool: this.userPool,
      webAclArn: this.webAclArn,
    });

    // Every function ships through its `live` alias: all at once in dev, a canary in prod, rolled
    // back by the API's alarms, the intake's dead letters and failed tickets.
    new SafeRollout(this, 'Rollout', {
      stage,
      aliases: [
        getKitchenQueue,
        getTicket,
        startTicket,
        cancelTicket,
        takeOrderEvents,
        acceptTicket,
        awaitCook,
        sweepOverdue,
        writeDailySummary,
      ],
      alarms: [
        this.api.serverErrorAlarm,
        this.api.latencyAlarm,
        intake.deadLetterAlarm,
        this.workflow.failedAlarm,
      ],
    });
  }
}
