import { Match, type Template } from 'aws-cdk-lib/assertions';
import { roleActions } from '@slice/testing';
import { trackedEvents } from '@slice/contracts-tracking';
import { trackingTemplate } from './template';

let template: Template;

beforeAll(() => {
  template = trackingTemplate();
}, 120_000);

interface Resource {
  readonly Properties: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- template JSON, read by shape in each test
}
const resourcesOf = (type: string): Array<[string, Resource]> =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
const routeKeys = () =>
  resourcesOf('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey as string);
/** Every action a function's role allows on any resource. */
const actionsOf = (prefix: string) => roleActions(template.toJSON(), prefix);

describe('SliceTracking stack', () => {
  it('is a WebSocket API selecting routes on the action of the message', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    expect(routeKeys().sort()).toEqual(['$connect', '$default', '$disconnect', 'track']);
  });

  it('puts a Lambda REQUEST authorizer on $connect and nothing else', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      // Query parameter or Sec-WebSocket-Protocol: neither is required, so the authorizer always runs.
      IdentitySource: [],
    });
    const routes = resourcesOf('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    expect(
      routes.filter((route) => route.AuthorizationType === 'CUSTOM').map((route) => String(route.RouteKey)),
    ).toEqual(['$connect']);
  });

  it('answers track and $default through a route response, and $connect and $disconnect without one', () => {
    const responses = resourcesOf('AWS::ApiGatewayV2::RouteResponse').map(
      ([, response]) => response.Properties,
    );
    expect(responses).toHaveLength(2);
    const withResponse = resourcesOf('AWS::ApiGatewayV2::Route')
      .filter(([, route]) => route.Properties.RouteResponseSelectionExpression === '$default')
      .map(([, route]) => String(route.Properties.RouteKey));
    expect(withResponse.sort()).toEqual(['$default', 'track']);
  });

  it('throttles the stage, logs access as JSON and execution errors', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'dev',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        DetailedMetricsEnabled: true,
      },
      AccessLogSettings: { Format: Match.stringLikeRegexp('"connectionId":"\\$context.connectionId"') },
    });
  });

  it('keeps its table with TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('follows every tracked event on the platform bus, with a DLQ on the target and on the function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [...new Set(trackedEvents.map((tracked) => tracked.event.source))],
        'detail-type': trackedEvents.map((tracked) => tracked.event.detailType),
      },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RuleDeadLetters'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AnnounceDeadLetters'), 'Arn'] },
      },
    });
    for (const [, queue] of resourcesOf('AWS::SQS::Queue')) {
      expect(queue.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
    }
  });

  it('gives ManageConnections to the push function alone, scoped to this API and stage', () => {
    expect(actionsOf('AnnounceOrderStatus')).toContain('execute-api:ManageConnections');
    const statements = resourcesOf('AWS::IAM::Policy').flatMap(
      ([, policy]) =>
        policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
    );
    const grants = statements.filter((statement) =>
      JSON.stringify(statement.Action).includes('ManageConnections'),
    );
    expect(grants).toHaveLength(1);
    expect(JSON.stringify(grants[0]?.Resource)).toMatch(
      /\{"Ref":"Api[0-9A-F]{8}"\},"\/dev\/\*\/@connections\/\*"/,
    );
    for (const fn of ['Connect', 'Disconnect', 'Track', 'DefaultRoute', 'Authorizer']) {
      expect({ fn, actions: actionsOf(fn) }).toEqual({
        fn,
        actions: expect.not.arrayContaining(['execute-api:ManageConnections']),
      });
    }
  });

  it('gives each function only the table actions it uses; the authorizer none', () => {
    expect(actionsOf('Connect').filter((action) => action.startsWith('dynamodb:'))).toEqual([
      'dynamodb:PutItem',
    ]);
    expect(actionsOf('Authorizer').filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(actionsOf('Track')).not.toContain('dynamodb:Query');
  });

  it('verifies tokens against the platform issuer and app client from SSM', () => {
    const [, authorizer] =
      resourcesOf('AWS::Lambda::Function').find(([id]) => id.startsWith('Authorizer')) ?? [];
    const variables = authorizer?.Properties.Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(variables.TOKEN_ISSUER)).toContain('slicedevplatformtokenissuer');
    expect(JSON.stringify(variables.TOKEN_AUDIENCE)).toContain('slicedevplatformuserpoolclientid');
  });

  it('runs every function on nodejs24.x arm64 with an explicit timeout and memory', () => {
    const functions = resourcesOf('AWS::Lambda::Function');
    expect(functions).toHaveLength(6);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
      });
      expect(fn.Properties.Timeout).toBeLessThanOrEqual(30);
    }
  });

  it('publishes its API id and stage for the front door', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/tracking/api-id',
      Value: { Ref: Match.stringLikeRegexp('^Api[0-9A-F]{8}$') },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/slice/dev/tracking/stage-name' });
  });
});
