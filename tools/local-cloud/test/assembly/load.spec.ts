import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  Duration,
  Stack,
  aws_apigateway as apigateway,
  aws_apigatewayv2 as apigatewayv2,
  aws_cognito as cognito,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_event_sources as sources,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { loadAssemblies, UnresolvableError } from '../../src/assembly';
import type { LocalModel } from '../../src/assembly/types';

const accountId = '000000000000';
const env = { region: 'eu-west-1' };
const platform = new Map([
  ['/slice/dev/platform/api-url', 'http://localhost:3000'],
  [
    '/slice/dev/platform/user-pool-arn',
    `arn:aws:cognito-idp:eu-west-1:${accountId}:userpool/eu-west-1_local`,
  ],
]);
const inlineSource = 'exports.handler = async () => ({ statusCode: 200, body: "inline" });';

/** The service's table (with a stream and TTL), a secret, and a function reading the table and fed by its stream. */
function tableAndFunction(service: Stack, codeDir: string) {
  const table = new dynamodb.TableV2(service, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    globalSecondaryIndexes: [
      { indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING } },
    ],
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    timeToLiveAttribute: 'expiresAt',
  });
  const secret = new secretsmanager.Secret(service, 'CursorKey', {
    generateSecretString: { passwordLength: 40, excludePunctuation: true },
  });
  const getOrder = new lambda.Function(service, 'GetOrder', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(codeDir),
    timeout: Duration.seconds(7),
    memorySize: 256,
    reservedConcurrentExecutions: 5,
    environment: {
      TABLE_NAME: table.tableName,
      TABLE_ARN: table.tableArn,
      PLATFORM_URL: ssm.StringParameter.valueForStringParameter(service, '/slice/dev/platform/api-url'),
      CURSOR_SIGNING_KEY: secret.secretValue.unsafeUnwrap(),
      LITERAL: 'as-is',
    },
  });
  table.grantReadData(getOrder);
  const dlq = new sqs.Queue(service, 'Dlq');
  getOrder.addEventSource(
    new sources.DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      onFailure: new sources.SqsDlq(dlq),
    }),
  );

  return getOrder;
}

/** A function with inline code and a role with an inline policy. */
function inlineFunction(service: Stack): void {
  const inlineRole = new iam.Role(service, 'InlineRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    inlinePolicies: {
      Read: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: ['*'] })],
      }),
    },
  });
  new lambda.Function(service, 'Inline', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(inlineSource),
    role: inlineRole,
  });
}

/** The service's REST API: a Cognito-authorized method, stage throttling and variables, a gateway response, its id in SSM. */
function restApi(service: Stack, getOrder: lambda.Function): void {
  const api = new apigateway.RestApi(service, 'Api', {
    restApiName: 'slice-test-dev',
    deployOptions: {
      stageName: 'dev',
      throttlingRateLimit: 10,
      throttlingBurstLimit: 20,
      variables: { flavour: 'margherita' },
    },
    defaultCorsPreflightOptions: { allowOrigins: ['*'] },
  });
  const userPool = cognito.UserPool.fromUserPoolArn(
    service,
    'UserPool',
    ssm.StringParameter.valueForStringParameter(service, '/slice/dev/platform/user-pool-arn'),
  );
  const authorizer = new apigateway.CognitoUserPoolsAuthorizer(service, 'Authorizer', {
    cognitoUserPools: [userPool],
  });
  api.root
    .addResource('orders')
    .addResource('{orderId}')
    .addMethod('GET', new apigateway.LambdaIntegration(getOrder), {
      authorizer,
      requestParameters: { 'method.request.header.Idempotency-Key': true },
      requestValidatorOptions: { validateRequestParameters: true },
    });
  api.addGatewayResponse('Throttled', {
    type: apigateway.ResponseType.THROTTLED,
    statusCode: '429',
    responseHeaders: { 'Retry-After': "'1'" },
    templates: { 'application/json': '{"title":"Too Many Requests"}' },
  });
  new ssm.StringParameter(service, 'ApiId', {
    parameterName: '/slice/dev/test/api-id',
    stringValue: api.restApiId,
  });
}

/** The platform's front door: routing rules to the service's API by base path and by header. */
function frontDoor(app: App): void {
  const front = new Stack(app, 'SlicePlatform-dev', { env });
  const invoke = (stripBasePath: boolean) => ({
    invokeApi: {
      apiId: ssm.StringParameter.valueForStringParameter(front, '/slice/dev/test/api-id'),
      stage: 'dev',
      stripBasePath,
    },
  });
  const domainNameArn = `arn:aws:apigateway:eu-west-1:${accountId}:/domainnames/api.example.com`;
  new apigatewayv2.CfnRoutingRule(front, 'OrdersRule', {
    domainNameArn,
    priority: 1000,
    conditions: [{ matchBasePaths: { anyOf: ['orders'] } }],
    actions: [invoke(false)],
  });
  new apigatewayv2.CfnRoutingRule(front, 'PreviewRule', {
    domainNameArn,
    priority: 100,
    conditions: [{ matchHeaders: { anyOf: [{ header: 'x-slice-route', valueGlob: 'preview-*' }] } }],
    actions: [invoke(true)],
  });
}

/** A service stack and a platform stack shaped like Slice's, synthesized into `outdir`. */
function synthesize(outdir: string, codeDir: string): void {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const service = new Stack(app, 'SliceTest-dev', { env });
  const getOrder = tableAndFunction(service, codeDir);
  inlineFunction(service);
  restApi(service, getOrder);
  frontDoor(app);
  app.synth();
}

describe('loadAssemblies on a synthesized CDK app', () => {
  let dir: string;
  let model: LocalModel;
  const fn = (prefix: string) => {
    const found = model.functions.find((candidate) => candidate.logicalId.startsWith(prefix));
    if (!found) throw new Error(`no function ${prefix}`);
    return found;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-cloud-assembly-'));
    const code = join(dir, 'code');
    mkdirSync(code);
    writeFileSync(join(code, 'index.mjs'), 'export const handler = async () => ({ statusCode: 200 });');
    synthesize(join(dir, 'cdk.out'), code);
    model = loadAssemblies([join(dir, 'cdk.out')], { accountId, ssm: platform });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every stack with the region it was synthesized for', () => {
    expect(model.stacks.map((stack) => [stack.name, stack.region])).toEqual([
      ['SliceTest-dev', 'eu-west-1'],
      ['SlicePlatform-dev', 'eu-west-1'],
    ]);
    expect(model.region).toBe('eu-west-1');
    expect(model.warnings).toEqual([]);
  });

  it('describes a table from TableV2 with its keys, index, stream and TTL', () => {
    const [table] = model.tables;

    expect(table?.tableName).toMatch(/^slicetest-dev-table[0-9a-f]{8}$/);
    expect(table?.arn).toBe(`arn:aws:dynamodb:eu-west-1:${accountId}:table/${table?.tableName}`);
    expect(table?.streamArn).toBe(`${table?.arn}/stream/1970-01-01T00:00:00.000`);
    expect(table?.timeToLiveAttribute).toBe('expiresAt');
    expect(table?.createTableInput).toMatchObject({
      TableName: table?.tableName,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'gsi1' })],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('describes a function from its asset folder, with its settings and resolved environment', () => {
    const getOrder = fn('GetOrder');
    const [table] = model.tables;
    const [[secretArn, secretValue] = []] = [...model.secrets];

    expect(getOrder.functionName).toBe(`SliceTest-dev-${getOrder.logicalId}`);
    expect(getOrder.arn).toBe(`arn:aws:lambda:eu-west-1:${accountId}:function:${getOrder.functionName}`);
    expect(existsSync(join(getOrder.codeDir, 'index.mjs'))).toBe(true);
    expect(getOrder).toMatchObject({
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      timeoutSeconds: 7,
      memoryMb: 256,
      reservedConcurrency: 5,
    });
    expect(getOrder.environment).toEqual({
      TABLE_NAME: table?.tableName,
      TABLE_ARN: table?.arn,
      PLATFORM_URL: 'http://localhost:3000',
      CURSOR_SIGNING_KEY: secretValue,
      LITERAL: 'as-is',
    });
    expect(secretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:0{12}:secret:/);
    expect(secretValue).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('gives a function every statement of its role: the grants, and the managed basic execution role', () => {
    const getOrder = fn('GetOrder');
    const [table] = model.tables;

    expect(getOrder.roleArn).toMatch(
      new RegExp(`^arn:aws:iam::${accountId}:role/SliceTest-dev-GetOrderServiceRole`),
    );
    expect(getOrder.policy).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
        Resource: expect.arrayContaining([table?.arn]),
      }),
    );
    expect(getOrder.policy).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['dynamodb:GetRecords']),
        Resource: table?.streamArn,
      }),
    );
    expect(getOrder.policy).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['logs:PutLogEvents']) }),
    );
    expect(getOrder.policy.flatMap((statement) => [statement.Action].flat())).not.toContain(
      'dynamodb:PutItem',
    );
  });

  it('runs inline code from a folder holding index.js, with the inline policies of its role', () => {
    const inline = fn('Inline');

    expect(readFileSync(join(inline.codeDir, 'index.js'), 'utf8')).toBe(inlineSource);
    expect(inline.policy).toEqual([{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' }]);
  });

  it('describes the REST API: resources, methods, authorizer, integration, stage and gateway responses', () => {
    const [api] = model.restApis;
    const getOrder = fn('GetOrder');
    const byPath = new Map(api?.resources.map((resource) => [resource.path, resource]));
    const get = byPath.get('/orders/{orderId}')?.methods.find((method) => method.httpMethod === 'GET');

    expect(api?.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api?.name).toBe('slice-test-dev');
    expect([...byPath.keys()].sort()).toEqual(['/', '/orders', '/orders/{orderId}']);
    expect(byPath.get('/')?.methods.map((method) => [method.httpMethod, method.integration.type])).toEqual([
      ['OPTIONS', 'MOCK'],
    ]);
    expect(get).toMatchObject({
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: api?.authorizers[0]?.id,
      requestParameters: { 'method.request.header.Idempotency-Key': true },
      validateRequestParameters: true,
      integration: {
        type: 'AWS_PROXY',
        functionArn: getOrder.arn,
        functionId: getOrder.id,
        timeoutMs: 29_000,
      },
    });
    expect(api?.authorizers).toEqual([
      expect.objectContaining({
        type: 'COGNITO_USER_POOLS',
        providerArns: [platform.get('/slice/dev/platform/user-pool-arn')],
      }),
    ]);
    expect(api?.stages).toEqual([
      {
        name: 'dev',
        variables: { flavour: 'margherita' },
        methodSettings: [
          expect.objectContaining({
            resourcePath: '/*',
            httpMethod: '*',
            throttlingRateLimit: 10,
            throttlingBurstLimit: 20,
          }),
        ],
      },
    ]);
    expect(api?.gatewayResponses).toEqual([
      {
        responseType: 'THROTTLED',
        statusCode: 429,
        responseParameters: { 'gatewayresponse.header.Retry-After': "'1'" },
        responseTemplates: { 'application/json': '{"title":"Too Many Requests"}' },
      },
    ]);
    expect(model.permissions).toContainEqual(
      expect.objectContaining({
        functionId: getOrder.id,
        principal: 'apigateway.amazonaws.com',
        sourceArn: expect.stringContaining(`${api?.id}/dev/GET/orders/*`),
      }),
    );
  });

  it('publishes SSM parameters of the stacks next to the given ones, and routing rules read through them', () => {
    const [api] = model.restApis;

    expect(model.parameters.get('/slice/dev/test/api-id')).toBe(api?.id);
    expect(model.parameters.get('/slice/dev/platform/api-url')).toBe('http://localhost:3000');
    expect(model.routingRules).toEqual([
      {
        priority: 100,
        headers: [{ anyOf: [{ name: 'x-slice-route', glob: 'preview-*' }] }],
        apiId: api?.id,
        stage: 'dev',
        stripBasePath: true,
        source: expect.stringMatching(/^SlicePlatform-dev\/PreviewRule/),
      },
      {
        priority: 1000,
        basePaths: ['orders'],
        apiId: api?.id,
        stage: 'dev',
        stripBasePath: false,
        source: expect.stringMatching(/OrdersRule/),
      },
    ]);
  });

  it('keeps event source mappings with their function, stream and failure destination resolved', () => {
    const [mapping] = model.eventSourceMappings;

    expect(mapping?.functionId).toBe(fn('GetOrder').id);
    expect(mapping?.eventSourceArn).toBe(model.tables[0]?.streamArn);
    expect(mapping?.properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: model.queues[0]?.arn } },
    });
  });

  it('lists every unresolvable value at once, naming stack, resource and property', () => {
    const load = () => loadAssemblies([join(dir, 'cdk.out')], { accountId, ssm: new Map() });

    expect(load).toThrow(UnresolvableError);
    expect(load).toThrow(
      new RegExp(
        `SliceTest-dev: ${fn('GetOrder').logicalId}\\.Properties\\.Environment\\.Variables\\.PLATFORM_URL: no value for SSM parameter /slice/dev/platform/api-url`,
      ),
    );
    expect(load).toThrow(
      /SliceTest-dev: Authorizer[0-9A-F]+\.Properties\.ProviderARNs.*no value for SSM parameter \/slice\/dev\/platform\/user-pool-arn/,
    );
  });

  it('says what to do when a folder is not a cloud assembly', () => {
    expect(() => loadAssemblies([join(dir, 'code')], { accountId, ssm: platform })).toThrow(
      /is not a cloud assembly \(it has no manifest\.json\): synthesize the service first/,
    );
  });
});
