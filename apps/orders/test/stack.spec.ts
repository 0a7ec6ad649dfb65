import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { roleActions } from '@slice/testing';
import { ordersContract } from '@slice/contracts-orders';
import { OrdersStack } from '../cdk/orders-stack';

let template: Template;

beforeAll(() => {
  // Bundling is skipped here: the function code is the synth target's business.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new OrdersStack(app, 'SliceOrders-dev', { stage: 'dev' }));
});

/** Every action a function's role allows. */
const actionsOf = (functionLogicalPrefix: string) => roleActions(template.toJSON(), functionLogicalPrefix);

/** The actions a function's role has on the service table itself (not its stream, not the idempotency table). */
const tableActionsOf = (functionLogicalPrefix: string) =>
  roleActions(template.toJSON(), functionLogicalPrefix, {
    resource: (json) => /"Table[0-9A-F]{8}"/.test(json) && !json.includes('stream'),
  }).filter((action) => !action.startsWith('dynamodb:Describe'));

describe('SliceOrders stack', () => {
  it('publishes its table name to SSM for the data move from the monolith', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/orders/table-name',
      Value: { Ref: Match.stringLikeRegexp('^Table[0-9A-F]{8}$') },
    });
  });

  it('runs every function on nodejs24.x arm64 with an explicit timeout and memory', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(6);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 10,
        MemorySize: 512,
      });
    }
  });

  it('has one API method per contract route, and Cognito on every one', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods).toHaveLength(Object.keys(ordersContract.routes).length);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('COGNITO_USER_POOLS');
  });

  it('keeps orders in a table with two indexes and a stream that feeds the outbox', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'gsi1' }),
        Match.objectLike({ IndexName: 'gsi2' }),
      ]),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('reads the bus name and the platform URL from SSM, not from another stack', () => {
    const parameters = JSON.stringify(template.toJSON().Parameters);
    expect(parameters).toContain('/slice/dev/platform/event-bus-name');
    expect(parameters).toContain('/slice/dev/platform/api-url');
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('lets the cancel function read and update orders, but not delete or put them', () => {
    const actions = actionsOf('CancelOrder');
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:PutItem');
  });

  it('lets the list function read but never write', () => {
    const actions = actionsOf('ListOrders');
    expect(actions).toContain('dynamodb:Query');
    expect(
      actions.filter((action) => action.startsWith('dynamodb:') && /Put|Update|Delete|Write/.test(action)),
    ).toEqual([]);
  });

  it('lets only the outbox function publish events', () => {
    expect(actionsOf('PublishOrderEvents')).toContain('events:PutEvents');
    expect(actionsOf('PlaceOrder')).not.toContain('events:PutEvents');
  });

  it('ships every function through a live alias with CodeDeploy: all at once in dev, a canary in prod', () => {
    template.resourceCountIs('AWS::Lambda::Alias', 6);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      AlarmConfiguration: Match.objectLike({ Enabled: true }),
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_STOP_ON_ALARM']) },
    });
    const prod = Template.fromStack(
      new OrdersStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceOrders-prod', {
        stage: 'prod',
      }),
    );
    prod.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    });
  });

  it('tells every route function the origins the API allows, also behind its alias', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('PublishOrderEvents') && !id.startsWith('MarkOrderReady'),
    );
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions)
      expect(fn.Properties.Environment.Variables.CORS_ALLOWED_ORIGINS).toBe(
        'https://www.dev.slice.example.com',
      );
  });

  it('invokes the live alias from the API, not $LATEST', () => {
    const aliases = Object.keys(template.findResources('AWS::Lambda::Alias'));
    const integrations = Object.values(template.findResources('AWS::ApiGateway::Method'))
      .filter((method) => method.Properties.HttpMethod !== 'OPTIONS')
      .map((method) => JSON.stringify(method.Properties.Integration.Uri));
    expect(integrations.every((uri) => aliases.some((alias) => uri.includes(alias)))).toBe(true);
  });

  it("marks orders READY from Kitchen's OrderReady, with a dead-letter queue, updating and nothing else", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['slice.kitchen'], 'detail-type': ['OrderReady'] },
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
    expect(tableActionsOf('MarkOrderReady')).toEqual(['dynamodb:UpdateItem']);
  });

  it('lets the place function put orders and nothing else on the table', () => {
    expect(tableActionsOf('PlaceOrder')).toEqual(['dynamodb:PutItem']);
  });
});
