import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  CursorSigningKey,
  IdempotencyTable,
  SafeRollout,
  ServiceApi,
  type ServiceFunction,
  ServiceStack,
  ServiceTable,
  TableStreamSubscription,
} from '@slice/cdk';
import { menuContract } from '@slice/contracts-menu';
import type { Construct } from 'constructs';
import type { ServiceStackProps } from '@slice/cdk';

/** Props of {@link MenuStack}: a stage and the usual stack props; the service comes from the contract. */
export type MenuStackProps = Omit<ServiceStackProps, 'service'>;

/**
 * The Menu service: its table (items, history, available-items index, stream), one function per
 * route with only the grants it needs, the stream function that keeps history and publishes
 * `MenuItemChanged`, and its REST API built from the contract.
 */
export class MenuStack extends ServiceStack {
  readonly table: ServiceTable;
  readonly api: ServiceApi;

  constructor(scope: Construct, id: string, props: MenuStackProps) {
    super(scope, id, { ...props, service: menuContract.service });
    const { stage } = this;

    this.table = new ServiceTable(this, 'Table', {
      stage,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
        },
      ],
    });
    // The data move from the monolith (`npm run migrate -- menu`) finds the table by this name.
    new ssm.StringParameter(this, 'TableNameParameter', {
      parameterName: this.parameterName('table-name'),
      stringValue: this.table.tableName,
      description: 'The Menu table, for the data move from the monolith (npm run migrate)',
    });
    const idempotency = new IdempotencyTable(this, 'Idempotency', { stage });
    const cursorKey = new CursorSigningKey(this, 'CursorSigningKey', {
      purpose: 'the Menu API pagination cursors',
    });

    const environment = {
      TABLE_NAME: this.table.table.tableName,
      IDEMPOTENCY_TABLE_NAME: idempotency.table.tableName,
      EVENT_BUS_NAME: this.platformValue('event-bus-name'),
    };
    const functions = {
      handlers: join(__dirname, '../src/handlers'),
      environment,
      timeout: Duration.seconds(10),
      // The secret's ARN, not its value: the key is read at cold start.
      configure: (fn: ServiceFunction) => cursorKey.grantRead(fn),
    };

    // One function per route of the contract: `listMenu` is `ListMenu`, `src/handlers/list-menu.ts`.
    const routes = this.routeFunctions(menuContract, functions);
    const { listMenu, getMenuItem, batchGetMenuItems, createMenuItem, updateMenuItem, withdrawMenuItem } =
      routes;
    this.table.grantReadData(listMenu);
    this.table.grantReadData(getMenuItem);
    this.table.grant(batchGetMenuItems, 'dynamodb:BatchGetItem');
    // Exactly the calls each use-case makes: no deletes, no batch writes, no scans.
    this.table.grant(createMenuItem, 'dynamodb:GetItem', 'dynamodb:PutItem');
    this.table.grant(updateMenuItem, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.table.grant(withdrawMenuItem, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    idempotency.grantIdempotency(createMenuItem);

    const recordChanges = this.handlerFunction('recordMenuChanges', functions);
    // History rows are put once; the stream function can neither change nor delete an item.
    this.table.grant(recordChanges, 'dynamodb:PutItem');
    this.eventBus.grantPutEventsTo(recordChanges);
    new TableStreamSubscription(this, 'Outbox', { table: this.table, handler: recordChanges });

    this.api = new ServiceApi(this, 'Api', {
      contract: menuContract,
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
