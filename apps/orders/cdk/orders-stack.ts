import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  acknowledge,
  CursorSigningKey,
  IdempotencyTable,
  SafeRollout,
  ServiceApi,
  type ServiceFunction,
  ServiceStack,
  ServiceTable,
  TableStreamSubscription,
} from '@slice/cdk';
import type { ServiceStackProps } from '@slice/cdk';
import { OrderReady } from '@slice/contracts-kitchen';
import { ordersContract } from '@slice/contracts-orders';
import type { Construct } from 'constructs';

/** Props of {@link OrdersStack}: a stage and the usual stack props; the service comes from the contract. */
export type OrdersStackProps = Omit<ServiceStackProps, 'service'>;

const index = (name: string): dynamodb.GlobalSecondaryIndexPropsV2 => ({
  indexName: name,
  partitionKey: { name: `${name}pk`, type: dynamodb.AttributeType.STRING },
  sortKey: { name: `${name}sk`, type: dynamodb.AttributeType.STRING },
});

/**
 * The Orders service: its table (orders by id, by customer and by status, with a stream), one
 * function per route with only the grants it needs, the outbox function that publishes
 * `OrderPlaced` and `OrderCancelled`, and its REST API built from the contract.
 */
export class OrdersStack extends ServiceStack {
  readonly table: ServiceTable;
  readonly api: ServiceApi;

  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, { ...props, service: ordersContract.service });
    const { stage } = this;

    this.table = new ServiceTable(this, 'Table', {
      stage,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [index('gsi1'), index('gsi2')],
    });
    // The data move from the monolith (`npm run migrate -- orders`) finds the table by this name.
    new ssm.StringParameter(this, 'TableNameParameter', {
      parameterName: this.parameterName('table-name'),
      stringValue: this.table.tableName,
      description: 'The Orders table, for the data move from the monolith (npm run migrate)',
    });
    const idempotency = new IdempotencyTable(this, 'Idempotency', { stage });
    const cursorKey = new CursorSigningKey(this, 'CursorSigningKey', {
      purpose: 'the Orders API pagination cursors',
    });

    const environment = {
      TABLE_NAME: this.table.table.tableName,
      IDEMPOTENCY_TABLE_NAME: idempotency.table.tableName,
      EVENT_BUS_NAME: this.platformValue('event-bus-name'),
      PLATFORM_URL: this.platformValue('api-url'),
      MENU_TIMEOUT_MS: '1500',
    };
    const functions = {
      handlers: join(__dirname, '../src/handlers'),
      environment,
      timeout: Duration.seconds(10),
      // The secret's ARN, not its value: the key is read at cold start.
      configure: (fn: ServiceFunction) => cursorKey.grantRead(fn),
    };

    // One function per route of the contract: `placeOrder` is `PlaceOrder`, `src/handlers/place-order.ts`.
    const routes = this.routeFunctions(ordersContract, functions);
    const { placeOrder, getOrder, listOrders, cancelOrder } = routes;
    this.table.grant(placeOrder, 'dynamodb:PutItem');
    idempotency.grantIdempotency(placeOrder);
    this.table.grantReadData(getOrder);
    this.table.grantReadData(listOrders);
    // Cancel reads and updates; it cannot delete.
    this.table.grant(cancelOrder, 'dynamodb:GetItem', 'dynamodb:UpdateItem');

    const publish = this.handlerFunction('publishOrderEvents', functions);
    this.eventBus.grantPutEventsTo(publish);
    new TableStreamSubscription(this, 'Outbox', { table: this.table, handler: publish });

    // Kitchen's OrderReady moves the order to READY; undeliverable events and failed runs are kept.
    const markReady = this.handlerFunction('markOrderReady', functions);
    this.table.grant(markReady, 'dynamodb:UpdateItem');
    const readyDeadLetters = new sqs.Queue(this, 'OrderReadyDeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      readyDeadLetters,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the OrderReady rule.',
    );
    new events.Rule(this, 'OrderReadyRule', {
      eventBus: this.eventBus,
      description: "Kitchen's OrderReady: the order's status becomes READY.",
      eventPattern: { source: [OrderReady.source], detailType: [OrderReady.detailType] },
      targets: [
        new targets.LambdaFunction(markReady, {
          deadLetterQueue: readyDeadLetters,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.api = new ServiceApi(this, 'Api', {
      contract: ordersContract,
      stage,
      handlers: routes,
      userPool: this.userPool,
      webAclArn: this.webAclArn,
    });

    // Every function ships through its `live` alias: all at once in dev, a canary in prod, rolled
    // back by the API's 5xx and latency alarms.
    new SafeRollout(this, 'Rollout', {
      stage,
      aliases: this.liveAliases,
      alarms: [this.api.serverErrorAlarm, this.api.latencyAlarm],
    });
  }
}
