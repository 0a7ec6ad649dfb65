import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { roleActions } from '@slice/testing';
import { MonolithStack } from '../cdk/monolith-stack';

let template: Template;

beforeAll(() => {
  // Bundling is skipped here: the function code is the synth target's business.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new MonolithStack(app, 'SliceMonolith-dev', { stage: 'dev' }));
});

const ssmParameter = (name: string) =>
  Object.entries((template.toJSON().Parameters ?? {}) as Record<string, { Default?: string }>).find(
    ([, parameter]) => parameter.Default === name,
  )?.[0];

describe('SliceMonolith stack', () => {
  it('runs one function, the lambdalith, on nodejs24.x arm64 with an explicit timeout and memory', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(1);
    expect(functions[0]?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 10,
      MemorySize: 1024,
    });
  });

  it('keeps every feature in one table: PK/SK and the two indexes of the legacy design, with PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
        Match.objectLike({ IndexName: 'GSI2', Projection: { ProjectionType: 'ALL' } }),
      ],
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('sends every method of the root and of {proxy+} to the function, with no gateway authorizer', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(
      methods.map((method) => `${method.Properties.HttpMethod} ${method.Properties.AuthorizationType}`),
    ).toEqual(['ANY NONE', 'ANY NONE']);
    for (const method of methods) expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
  });

  it('is reached through the platform domain only: its execute-api endpoint is disabled', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
  });

  it('verifies tokens in the function against the platform user pool, read from SSM', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    const variables = fn?.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables.TOKEN_ISSUER).toEqual({ Ref: ssmParameter('/slice/dev/platform/token-issuer') });
    expect(variables.TOKEN_AUDIENCE).toEqual({
      Ref: ssmParameter('/slice/dev/platform/user-pool-client-id'),
    });
  });

  it('reads the base paths the front door moved to services from SSM, and may read only that parameter', () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    const variables = fn?.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables.MOVED_BASE_PATHS_PARAMETER).toBe('/slice/dev/front-door/moved-base-paths');
    const ssm = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('ssm:'));
    expect(ssm.map((statement) => statement.Action)).toEqual(['ssm:GetParameter']);
    expect(JSON.stringify(ssm[0]?.Resource)).toContain(':parameter/slice/dev/front-door/moved-base-paths"');
  });

  it('answers problem+json for the gateway’s own errors, an unknown route included', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
    });
  });

  it('publishes its API id, stage and table name for the front door and the data move', () => {
    for (const name of ['api-id', 'stage-name', 'table-name']) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/slice/dev/monolith/${name}` });
    }
  });

  it('lets the function read and write items, never delete, batch or scan', () => {
    const actions = roleActions(template.toJSON(), 'Api', {
      resource: (json) => /"Data[A-Za-z0-9]+"/.test(json),
    }).filter((action) => !action.startsWith('dynamodb:Describe'));
    expect(actions.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('is tagged as the legacy scope that every team stewards', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'slice:team', Value: 'legacy' }]),
    });
  });
});
