import { Resolver, type ResolverStack, UnresolvableError } from '../../src/assembly';
import type { Template } from '../../src/assembly/types';

const accountId = '000000000000';

const orders: Template = {
  Parameters: {
    Stage: { Type: 'String', Default: 'dev' },
    Zones: { Type: 'CommaDelimitedList', Default: 'a,b' },
    ApiUrl: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/slice/dev/platform/api-url' },
    MenuApiId: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/slice/dev/menu/api-id' },
    Nothing: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/slice/dev/platform/nothing' },
    NoDefault: { Type: 'String' },
  },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    DevInEurope: {
      'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }],
    },
  },
  Mappings: { Sizes: { dev: { Memory: 512 } } },
  Resources: {
    Table: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } },
    },
    NamedTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-named' } },
    },
    Handler: { Type: 'AWS::Lambda::Function', Properties: {} },
    Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/' } },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { StageName: 'dev' } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Generated: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: { GenerateSecretString: { PasswordLength: 20, ExcludePunctuation: true } },
    },
    Credentials: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: { Name: 'orders/db', SecretString: '{"user":"app","password":"p4ss"}' },
    },
    ApiIdParameter: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: '/slice/dev/orders/api-id', Type: 'String', Value: { Ref: 'Api' } },
    },
    ProdOnly: { Type: 'AWS::SQS::Queue', Condition: 'IsProd', Properties: {} },
    LoopA: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::GetAtt': ['LoopB', 'Arn'] } } },
    LoopB: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { Ref: 'LoopA' } } },
  },
  Outputs: {
    TableArn: {
      Value: { 'Fn::GetAtt': ['Table', 'Arn'] },
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-table-arn' } },
    },
  },
};

const menu: Template = {
  Resources: {
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
    ApiIdParameter: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: '/slice/dev/menu/api-id', Value: { Ref: 'Api' } },
    },
  },
};

const stacks: ResolverStack[] = [
  { name: 'Orders', region: 'eu-west-1', template: orders },
  { name: 'Menu', region: 'eu-west-1', template: menu },
];
const ssm = new Map([['/slice/dev/platform/api-url', 'http://localhost:3000']]);
const resolver = () => new Resolver(stacks, { accountId, ssm });
const resolve = (value: unknown, r = resolver()) => r.resolve('Orders', value, 'Probe.Properties.Value');
const problemOf = (value: unknown): string => {
  try {
    resolve(value);
  } catch (error) {
    if (error instanceof UnresolvableError) return error.message;
    throw error;
  }
  throw new Error('expected an UnresolvableError');
};

describe('Ref', () => {
  it('gives the pseudo parameters of the stack', () => {
    expect(
      resolve(
        ['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName'].map(
          (name) => ({ Ref: name }),
        ),
      ),
    ).toEqual(['eu-west-1', accountId, 'aws', 'amazonaws.com', 'Orders']);
  });

  it('gives deterministic local physical ids by resource type', () => {
    const apiId = resolve({ Ref: 'Api' });

    expect(resolve({ Ref: 'Table' })).toBe('orders-table');
    expect(resolve({ Ref: 'NamedTable' })).toBe('Orders-named');
    expect(resolve({ Ref: 'Handler' })).toBe('Orders-Handler');
    expect(resolve({ Ref: 'Role' })).toBe('Orders-Role');
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(resolve({ Ref: 'Api' }, resolver())).toBe(apiId);
    expect(resolve({ Ref: 'Stage' })).toBe('dev');
    expect(resolve({ Ref: 'Queue' })).toBe(`https://sqs.eu-west-1.amazonaws.com/${accountId}/Orders-Queue`);
    expect(resolve({ Ref: 'ApiIdParameter' })).toBe('/slice/dev/orders/api-id');
    expect(resolve({ Ref: 'Credentials' })).toMatch(
      new RegExp(`^arn:aws:secretsmanager:eu-west-1:${accountId}:secret:orders/db-[a-z0-9]{6}$`),
    );
  });

  it('gives template parameters: the default, a list, or the SSM value, given or defined by a loaded stack', () => {
    expect(resolve({ Ref: 'Stage' })).toBe('dev');
    expect(resolve({ Ref: 'Zones' })).toEqual(['a', 'b']);
    expect(resolve({ Ref: 'ApiUrl' })).toBe('http://localhost:3000');
    expect(resolve({ Ref: 'MenuApiId' })).toBe(resolver().resolve('Menu', { Ref: 'Api' }, 'x'));
  });

  it('drops AWS::NoValue from objects and lists', () => {
    expect(resolve({ Keep: 1, Drop: { Ref: 'AWS::NoValue' }, List: ['a', { Ref: 'AWS::NoValue' }] })).toEqual(
      { Keep: 1, List: ['a'] },
    );
  });
});

describe('Fn::GetAtt', () => {
  it('gives ARNs and attributes in the local account and region', () => {
    const table = `arn:aws:dynamodb:eu-west-1:${accountId}:table/orders-table`;

    expect(resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe(table);
    expect(resolve({ 'Fn::GetAtt': 'Table.StreamArn' })).toBe(`${table}/stream/1970-01-01T00:00:00.000`);
    expect(resolve({ 'Fn::GetAtt': ['Handler', 'Arn'] })).toBe(
      `arn:aws:lambda:eu-west-1:${accountId}:function:Orders-Handler`,
    );
    expect(resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe(
      `arn:aws:iam::${accountId}:role/service/Orders-Role`,
    );
    expect(resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe(
      `arn:aws:sqs:eu-west-1:${accountId}:Orders-Queue`,
    );
    expect(resolve({ 'Fn::GetAtt': ['Api', 'RootResourceId'] })).toMatch(/^[a-z0-9]{10}$/);
  });

  it('names the attribute it does not know', () => {
    expect(problemOf({ 'Fn::GetAtt': ['Queue', 'Colour'] })).toBe(
      'Orders: Probe.Properties.Value: Fn::GetAtt Queue.Colour (AWS::SQS::Queue) is not known to the local cloud',
    );
    expect(problemOf({ 'Fn::GetAtt': ['NamedTable', 'StreamArn'] })).toContain('has no stream');
  });
});

describe('string and list functions', () => {
  it('joins, selects, splits and substitutes', () => {
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Stage' }, 3]] })).toBe('a/dev/3');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] })).toBe('y');
    expect(resolve({ 'Fn::Select': ['0', { Ref: 'Zones' }] })).toBe('a');
    expect(resolve({ 'Fn::Sub': '${AWS::StackName}-${Stage}-${Table.Arn}-${!Literal}' })).toBe(
      `Orders-dev-arn:aws:dynamodb:eu-west-1:${accountId}:table/orders-table-\${Literal}`,
    );
    expect(
      resolve({
        'Fn::Sub': ['${Greeting}, ${AWS::Region}', { Greeting: { 'Fn::Join': ['', ['hel', 'lo']] } }],
      }),
    ).toBe('hello, eu-west-1');
    expect(resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(resolve({ 'Fn::GetAZs': '' })).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] })).toBe(512);
    expect(resolve({ 'Fn::Length': { Ref: 'Zones' } })).toBe(2);
    expect(resolve({ 'Fn::ToJsonString': { stage: { Ref: 'Stage' } } })).toBe('{"stage":"dev"}');
  });

  it('reports an index out of range and unsupported functions', () => {
    expect(problemOf({ 'Fn::Select': [5, ['a']] })).toBe(
      'Orders: Probe.Properties.Value: Fn::Select index 5 is out of range for 1 values',
    );
    expect(problemOf({ 'Fn::Cidr': ['10.0.0.0/16', 4, 8] })).toBe(
      'Orders: Probe.Properties.Value: Fn::Cidr is not supported by the local cloud',
    );
  });
});

describe('conditions', () => {
  it('evaluates Fn::If through Fn::Equals, Fn::Not, Fn::And and Condition', () => {
    expect(resolve({ 'Fn::If': ['IsProd', 'big', 'small'] })).toBe('small');
    expect(resolve({ 'Fn::If': ['DevInEurope', 'yes', { Ref: 'AWS::NoValue' }] })).toBe('yes');
  });

  it('leaves out resources whose condition is false', () => {
    const r = resolver();

    expect(r.resources('Orders', 'AWS::SQS::Queue').map(([logicalId]) => logicalId)).toEqual(['Queue']);
    expect(() => r.resolve('Orders', { Ref: 'ProdOnly' }, 'X')).toThrow(
      'Ref to ProdOnly, whose condition is false',
    );
  });
});

describe('Fn::ImportValue', () => {
  it('reads the export of any loaded stack', () => {
    expect(resolver().resolve('Menu', { 'Fn::ImportValue': 'Orders-table-arn' }, 'X')).toBe(
      `arn:aws:dynamodb:eu-west-1:${accountId}:table/orders-table`,
    );
  });

  it('names the export nobody has', () => {
    expect(problemOf({ 'Fn::ImportValue': 'kitchen-queue-url' })).toBe(
      'Orders: Probe.Properties.Value: Fn::ImportValue kitchen-queue-url: no loaded stack exports it',
    );
  });
});

describe('dynamic references', () => {
  it('reads {{resolve:ssm:…}} and {{resolve:secretsmanager:…}} inside strings', () => {
    const r = resolver();
    const arn = r.resolve('Orders', { Ref: 'Generated' }, 'X') as string;

    const generated = resolve(
      { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'Generated' }, ':SecretString:::}}']] },
      r,
    );
    const again = resolve(`{{resolve:secretsmanager:${arn}:SecretString:::}}`, resolver());

    expect(generated).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(again).toBe(generated);
    expect(resolve('url={{resolve:ssm:/slice/dev/platform/api-url}}')).toBe('url=http://localhost:3000');
    expect(resolve('{{resolve:secretsmanager:orders/db:SecretString:password}}')).toBe('p4ss');
  });

  it('names the secret or JSON key it cannot find', () => {
    expect(problemOf('{{resolve:secretsmanager:orders/other:SecretString:::}}')).toBe(
      'Orders: Probe.Properties.Value: no loaded stack defines the secret orders/other',
    );
    expect(problemOf('{{resolve:secretsmanager:orders/db:SecretString:token}}')).toContain(
      'has no JSON key token',
    );
  });
});

describe('what cannot be resolved', () => {
  it('names the stack, the property path and the SSM parameter nobody provides', () => {
    const r = resolver();

    expect(() =>
      r.resolve('Orders', { Ref: 'Nothing' }, 'PlaceOrder.Properties.Environment.Variables.PLATFORM_URL'),
    ).toThrow(
      new UnresolvableError({
        stackName: 'Orders',
        path: 'PlaceOrder.Properties.Environment.Variables.PLATFORM_URL',
        reason: 'no value for SSM parameter /slice/dev/platform/nothing',
      }),
    );
    expect(problemOf({ Ref: 'Nothing' })).toBe(
      'Orders: Probe.Properties.Value: no value for SSM parameter /slice/dev/platform/nothing',
    );
  });

  it('names parameters without a value and references to nothing', () => {
    expect(problemOf({ Ref: 'NoDefault' })).toBe(
      'Orders: Probe.Properties.Value: the parameter NoDefault has no default, and the local cloud passes no parameter values',
    );
    expect(problemOf({ Ref: 'Ghost' })).toBe(
      'Orders: Probe.Properties.Value: Ref to Ghost, which is neither a parameter nor a resource of the stack',
    );
  });

  it('reports a circular reference instead of looping', () => {
    expect(problemOf({ Ref: 'LoopA' })).toContain('circular reference');
  });
});
