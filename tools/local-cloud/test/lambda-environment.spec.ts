import { devNull } from 'node:os';
import { functionEnvironment, logStreamName } from '../src/services/lambda';
import type { FunctionSpec } from '../src/model';

const fn: FunctionSpec = {
  id: 'SliceOrders-dev/PlaceOrder',
  stackName: 'SliceOrders-dev',
  logicalId: 'PlaceOrder',
  functionName: 'SliceOrders-dev-PlaceOrder',
  arn: 'arn:aws:lambda:eu-west-1:123456789012:function:SliceOrders-dev-PlaceOrder',
  handler: 'index.handler',
  codeDir: '/code/place-order',
  runtime: 'nodejs24.x',
  timeoutSeconds: 10,
  memoryMb: 512,
  environment: { TABLE_NAME: 'orders', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'from-template' },
  roleArn: 'arn:aws:iam::123456789012:role/PlaceOrderRole',
  policy: [],
};

const options = {
  awsEndpoint: 'http://127.0.0.1:4566',
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAPLACEORDER', secretAccessKey: 'local' },
  logStreamName: '2025/03/01/[$LATEST]0123456789abcdef0123456789abcdef',
  path: '/usr/bin:/bin',
};

describe('functionEnvironment', () => {
  it("lets Lambda's own variables and the local credentials win over the function's", () => {
    const env = functionEnvironment(fn, options);

    expect(env).toMatchObject({
      TABLE_NAME: 'orders',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAPLACEORDER',
    });
  });

  it("adds the local extras over the function's own variables", () => {
    const env = functionEnvironment(fn, {
      ...options,
      extraEnv: { TABLE_NAME: 'override', POWERTOOLS_DEV: 'true' },
    });

    expect(env).toMatchObject({ TABLE_NAME: 'override', POWERTOOLS_DEV: 'true' });
  });

  it("hides the host's AWS profile and config files", () => {
    const env = functionEnvironment(fn, options);

    expect(env.AWS_CONFIG_FILE).toBe(devNull);
    expect(env.AWS_SHARED_CREDENTIALS_FILE).toBe(devNull);
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(env).not.toHaveProperty('AWS_SESSION_TOKEN');
    expect(env).not.toHaveProperty('HOME');
  });

  it('holds nothing but what it lists', () => {
    const env = functionEnvironment(fn, options);

    expect(Object.keys(env).sort()).toEqual(
      [
        'PATH',
        'LANG',
        'TABLE_NAME',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_LAMBDA_FUNCTION_NAME',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
        'AWS_LAMBDA_FUNCTION_VERSION',
        'AWS_LAMBDA_INITIALIZATION_TYPE',
        'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME',
        'AWS_EXECUTION_ENV',
        'LAMBDA_TASK_ROOT',
        '_HANDLER',
        'TZ',
        'AWS_XRAY_CONTEXT_MISSING',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_ENDPOINT_URL',
        'AWS_CONFIG_FILE',
        'AWS_SHARED_CREDENTIALS_FILE',
      ].sort(),
    );
    expect(env.PATH).toBe('/usr/bin:/bin');
  });
});

describe('logStreamName', () => {
  it('names the stream as Lambda does: date, version and a random id', () => {
    const name = logStreamName(new Date('2025-03-01T10:00:00Z'));

    expect(name).toMatch(/^2025\/03\/01\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(logStreamName()).not.toBe(logStreamName());
  });
});
