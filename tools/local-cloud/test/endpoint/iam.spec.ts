import {
  actionMatches,
  assumedRoleArn,
  denialMessage,
  dynamoDbPermissions,
  evaluatePolicy,
  resourceMatches,
  sigV4Credential,
} from '../../src/endpoint';
import type { PolicyStatement } from '../../src/model';

const tableArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/SliceOrders-dev-Table';
const indexArn = `${tableArn}/index/gsi1`;

describe('actionMatches', () => {
  it.each([
    ['dynamodb:GetItem', 'dynamodb:GetItem', true],
    ['DynamoDB:getitem', 'dynamodb:GetItem', true],
    ['dynamodb:Get*', 'dynamodb:GetItem', true],
    ['dynamodb:*', 'dynamodb:Query', true],
    ['*', 'events:PutEvents', true],
    ['dynamodb:?etItem', 'dynamodb:GetItem', true],
    ['dynamodb:Get?tem', 'dynamodb:GetItems', false],
    ['dynamodb:Get*', 'dynamodb:BatchGetItem', false],
    ['dynamodb:GetItem', 'dynamodb:GetItemX', false],
    ['dynamo*:PutItem', 'dynamodb:PutItem', true],
    ['dynamodb:Put.Item', 'dynamodb:PutXItem', false],
  ])('%s against %s is %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe('resourceMatches', () => {
  it.each([
    ['*', tableArn, true],
    [tableArn, tableArn, true],
    [`${tableArn}/index/*`, indexArn, true],
    [tableArn, indexArn, false],
    [`${tableArn}*`, indexArn, true],
    ['arn:aws:dynamodb:*:*:table/SliceOrders-dev-Table', tableArn, true],
    ['arn:aws:dynamodb:eu-west-?:123456789012:table/SliceOrders-dev-Table', tableArn, true],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/SliceOrders-dev-Table', tableArn, false],
    ['arn:aws:dynamodb:eu-west-1:123456789012:table/sliceorders-dev-table', tableArn, false],
    // A wildcard stays inside its ARN component: it does not reach across the region's colon.
    ['arn:aws:dynamodb:eu-*:table/SliceOrders-dev-Table', tableArn, false],
    [
      'arn:aws:events:eu-west-1:123456789012:event-bus/*',
      'arn:aws:events:eu-west-1:123456789012:event-bus/slice',
      true,
    ],
    ['arn:aws:dynamodb:*:*:table/*', '*', false],
  ])('%s against %s is %s', (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource)).toBe(expected);
  });
});

describe('evaluatePolicy', () => {
  const cdkGrantReadData: PolicyStatement[] = [
    { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:Scan'],
      Resource: [tableArn, `${tableArn}/index/*`],
    },
  ];

  it('allows an action a statement grants on the resource', () => {
    expect(evaluatePolicy(cdkGrantReadData, 'dynamodb:GetItem', tableArn)).toEqual({
      allowed: true,
      ignoredConditions: [],
    });
  });

  it('allows a query on an index through the index ARN', () => {
    expect(evaluatePolicy(cdkGrantReadData, 'dynamodb:Query', indexArn).allowed).toBe(true);
  });

  it('denies implicitly an action no statement grants', () => {
    expect(evaluatePolicy(cdkGrantReadData, 'dynamodb:PutItem', tableArn)).toEqual({
      allowed: false,
      reason: 'no-allow',
      resource: tableArn,
      ignoredConditions: [],
    });
  });

  it('denies a granted action on another table', () => {
    const other = 'arn:aws:dynamodb:eu-west-1:123456789012:table/SliceMenu-dev-Table';

    expect(evaluatePolicy(cdkGrantReadData, 'dynamodb:GetItem', other)).toMatchObject({
      allowed: false,
      resource: other,
    });
  });

  it('denies an index query when only the table is granted', () => {
    const tableOnly: PolicyStatement[] = [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: tableArn }];

    expect(evaluatePolicy(tableOnly, 'dynamodb:Query', indexArn)).toMatchObject({
      allowed: false,
      resource: indexArn,
    });
  });

  it('lets an explicit Deny win over any Allow', () => {
    const policy: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: tableArn },
    ];

    expect(evaluatePolicy(policy, 'dynamodb:DeleteItem', tableArn)).toMatchObject({
      allowed: false,
      reason: 'explicit-deny',
    });
    expect(evaluatePolicy(policy, 'dynamodb:PutItem', tableArn).allowed).toBe(true);
  });

  it('needs every resource allowed, and reports an explicit deny before an implicit one', () => {
    const other = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Other';
    const third = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Third';
    const policy: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: tableArn },
      { Effect: 'Deny', Action: 'dynamodb:BatchWriteItem', Resource: third },
    ];

    expect(evaluatePolicy(policy, 'dynamodb:BatchWriteItem', [tableArn]).allowed).toBe(true);
    expect(evaluatePolicy(policy, 'dynamodb:BatchWriteItem', [tableArn, other])).toMatchObject({
      allowed: false,
      reason: 'no-allow',
      resource: other,
    });
    expect(evaluatePolicy(policy, 'dynamodb:BatchWriteItem', [other, third])).toMatchObject({
      reason: 'explicit-deny',
      resource: third,
    });
  });

  it('applies NotAction to every action but the listed ones', () => {
    const policy: PolicyStatement[] = [
      { Effect: 'Allow', NotAction: ['dynamodb:Delete*', 'iam:*'], Resource: '*' },
    ];

    expect(evaluatePolicy(policy, 'dynamodb:PutItem', tableArn).allowed).toBe(true);
    expect(evaluatePolicy(policy, 'dynamodb:DeleteItem', tableArn).allowed).toBe(false);
    expect(evaluatePolicy(policy, 'IAM:CreateUser', '*').allowed).toBe(false);
  });

  it('applies a Deny with NotResource to every resource but the listed ones', () => {
    const policy: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:*', NotResource: [tableArn, `${tableArn}/index/*`] },
    ];

    expect(evaluatePolicy(policy, 'dynamodb:GetItem', tableArn).allowed).toBe(true);
    expect(
      evaluatePolicy(policy, 'dynamodb:GetItem', 'arn:aws:dynamodb:eu-west-1:123456789012:table/Other'),
    ).toMatchObject({ reason: 'explicit-deny' });
  });

  it('denies an account-level action unless a statement grants it on *', () => {
    const scoped: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: tableArn },
    ];
    const star: PolicyStatement[] = [{ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' }];

    expect(evaluatePolicy(scoped, 'dynamodb:ListTables', '*').allowed).toBe(false);
    expect(evaluatePolicy(star, 'dynamodb:ListTables', []).allowed).toBe(true);
  });

  it('applies a statement with a Condition as if it held, and reports it', () => {
    const conditional: PolicyStatement = {
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: tableArn,
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['user-1'] } },
    };

    expect(evaluatePolicy([conditional], 'dynamodb:GetItem', tableArn)).toEqual({
      allowed: true,
      ignoredConditions: [conditional],
    });
    expect(evaluatePolicy([conditional], 'dynamodb:PutItem', tableArn).ignoredConditions).toEqual([]);
  });

  it('ignores a statement with neither Action nor NotAction, or neither Resource nor NotResource', () => {
    const malformed: PolicyStatement[] = [
      { Effect: 'Allow', Resource: '*' },
      { Effect: 'Allow', Action: 'dynamodb:*' },
    ];

    expect(evaluatePolicy(malformed, 'dynamodb:GetItem', tableArn).allowed).toBe(false);
  });
});

describe('denialMessage', () => {
  const principal = assumedRoleArn(
    '123456789012',
    'arn:aws:iam::123456789012:role/service-role/SliceOrders-dev-GetOrderRole',
    'SliceOrders-dev-GetOrder',
  );

  it('names the session of the role, the action and the resource, as AWS does', () => {
    const decision = evaluatePolicy([], 'dynamodb:PutItem', tableArn);
    if (decision.allowed) throw new Error('expected a denial');

    expect(denialMessage(principal, 'dynamodb:PutItem', decision)).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/SliceOrders-dev-GetOrderRole/SliceOrders-dev-GetOrder ' +
        `is not authorized to perform: dynamodb:PutItem on resource: ${tableArn} ` +
        'because no identity-based policy allows the dynamodb:PutItem action',
    );
  });

  it('says when an explicit deny decided', () => {
    const decision = evaluatePolicy(
      [{ Effect: 'Deny', Action: '*', Resource: '*' }],
      'dynamodb:PutItem',
      tableArn,
    );
    if (decision.allowed) throw new Error('expected a denial');

    expect(denialMessage(principal, 'dynamodb:PutItem', decision)).toMatch(
      / with an explicit deny in an identity-based policy$/,
    );
  });
});

describe('dynamoDbPermissions', () => {
  const arnOf = (name: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`;

  it('needs the operation on the table it names', () => {
    expect(dynamoDbPermissions('PutItem', { TableName: 'orders', Item: {} }, arnOf)).toEqual([
      { action: 'dynamodb:PutItem', resources: [arnOf('orders')] },
    ]);
  });

  it('needs a query of an index on the index', () => {
    expect(dynamoDbPermissions('Query', { TableName: 'orders', IndexName: 'gsi1' }, arnOf)).toEqual([
      { action: 'dynamodb:Query', resources: [`${arnOf('orders')}/index/gsi1`] },
    ]);
  });

  it('needs a batch operation on every table of the batch', () => {
    expect(dynamoDbPermissions('BatchGetItem', { RequestItems: { orders: {}, menu: {} } }, arnOf)).toEqual([
      { action: 'dynamodb:BatchGetItem', resources: [arnOf('orders'), arnOf('menu')] },
    ]);
  });

  it("needs each transaction item's own action on its table", () => {
    const request = {
      TransactItems: [
        { Put: { TableName: 'orders', Item: {} } },
        { ConditionCheck: { TableName: 'menu', Key: {} } },
      ],
    };

    expect(dynamoDbPermissions('TransactWriteItems', request, arnOf)).toEqual([
      { action: 'dynamodb:PutItem', resources: [arnOf('orders')] },
      { action: 'dynamodb:ConditionCheckItem', resources: [arnOf('menu')] },
    ]);
  });

  it('needs ListTables on *', () => {
    expect(dynamoDbPermissions('ListTables', {}, arnOf)).toEqual([
      { action: 'dynamodb:ListTables', resources: ['*'] },
    ]);
  });

  it('refuses a request without a table name', () => {
    expect(() => dynamoDbPermissions('GetItem', { Key: {} }, arnOf)).toThrow("at 'tableName'");
  });
});

describe('sigV4Credential', () => {
  it('reads the access key, region and service of the credential scope', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250301/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

    expect(sigV4Credential(header)).toEqual({
      accessKeyId: 'AKIAEXAMPLE',
      date: '20250301',
      region: 'eu-west-1',
      service: 'dynamodb',
    });
  });

  it('reads a presigned request from its query', () => {
    const url = '/?X-Amz-Credential=AKIAEXAMPLE%2F20250301%2Feu-west-1%2Fevents%2Faws4_request';

    expect(sigV4Credential(undefined, url)?.service).toBe('events');
  });

  it('answers nothing for a malformed or absent signature', () => {
    expect(sigV4Credential('Bearer token')).toBeUndefined();
    expect(sigV4Credential('AWS4-HMAC-SHA256 Credential=AKIA/20250301/eu-west-1/dynamodb')).toBeUndefined();
    expect(sigV4Credential(undefined)).toBeUndefined();
  });
});
