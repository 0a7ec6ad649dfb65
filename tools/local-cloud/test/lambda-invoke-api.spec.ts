import { join } from 'node:path';
import { AwsError } from '../src/endpoint/errors';
import type { FunctionSpec } from '../src/model';
import {
  createLambdaInvokeService,
  createLambdaRuntime,
  type LocalLambdaRuntime,
} from '../src/services/lambda';
import type { AwsService, RawAnswer, RawRequest } from '../src/services/service';

const codeDir = join(__dirname, 'fixtures', 'lambda');

function fn(name: string, handler: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    id: `SliceTest-dev/${name}`,
    stackName: 'SliceTest-dev',
    logicalId: name,
    functionName: `slice-test-${name.toLowerCase()}`,
    arn: `arn:aws:lambda:eu-west-1:000000000000:function:slice-test-${name.toLowerCase()}`,
    handler,
    codeDir,
    runtime: 'nodejs24.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    roleArn: `arn:aws:iam::000000000000:role/SliceTest-dev-${name}Role`,
    policy: [],
    ...overrides,
  };
}

const functions = [
  fn('Echo', 'echo.handler'),
  fn('Throws', 'throws.handler'),
  fn('Reserved', 'slow.handler', { reservedConcurrency: 1 }),
];
const caller = functions[0] as FunctionSpec;

function request(path: string, payload: unknown, headers: Record<string, string> = {}): RawRequest {
  return {
    method: 'POST',
    url: path,
    headers,
    body: Buffer.from(payload === undefined ? '' : JSON.stringify(payload)),
  };
}

/** Reads, calls and answers as the endpoint does; an AwsError is written by the service's protocol. */
async function send(service: AwsService, raw: RawRequest): Promise<RawAnswer & { permissions: unknown }> {
  let permissions: unknown;
  try {
    const { operation, input } = service.protocol.read(raw);
    const call = service.call({ operation, input, raw }, caller);
    permissions = call.permissions;
    const answer = await call.answer({ failEntries: false });
    if (answer.kind !== 'raw')
      return { ...service.protocol.write(answer.status ?? 200, answer.body), permissions };
    return { ...answer, permissions };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return { ...service.protocol.error(error), permissions };
  }
}

const json = (answer: RawAnswer): unknown => JSON.parse(answer.body.toString('utf8'));

describe("Lambda's Invoke API", () => {
  let runtime: LocalLambdaRuntime;
  let service: AwsService;

  beforeEach(() => {
    runtime = createLambdaRuntime({
      awsEndpoint: 'http://127.0.0.1:4566',
      region: 'eu-west-1',
      credentialsFor: () => ({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' }),
    });
    for (const spec of functions) runtime.register(spec);
    service = createLambdaInvokeService({
      runtime,
      region: 'eu-west-1',
      accountId: '000000000000',
      functions: () => functions,
    });
  });

  afterEach(() => runtime.stop());

  it("answers the function's payload, asking IAM for lambda:InvokeFunction on its ARN", async () => {
    const answer = await send(
      service,
      request('/2015-03-31/functions/slice-test-echo/invocations', { hello: 'world' }),
    );

    expect(answer.status).toBe(200);
    expect(answer.headers['x-amz-executed-version']).toBe('$LATEST');
    expect(json(answer)).toEqual({ hello: 'world' });
    expect(answer.permissions).toEqual([
      {
        action: 'lambda:InvokeFunction',
        resources: ['arn:aws:lambda:eu-west-1:000000000000:function:slice-test-echo'],
      },
    ]);
  });

  it('finds the function by ARN, and checks the qualified ARN of a qualifier', async () => {
    const arn = encodeURIComponent('arn:aws:lambda:eu-west-1:000000000000:function:slice-test-echo:live');

    const answer = await send(service, request(`/2015-03-31/functions/${arn}/invocations`, { n: 1 }));

    expect(json(answer)).toEqual({ n: 1 });
    expect(answer.permissions).toEqual([
      {
        action: 'lambda:InvokeFunction',
        resources: ['arn:aws:lambda:eu-west-1:000000000000:function:slice-test-echo:live'],
      },
    ]);
  });

  it("answers a handler's error with 200 and X-Amz-Function-Error: Unhandled", async () => {
    const answer = await send(service, request('/2015-03-31/functions/slice-test-throws/invocations', {}));

    expect(answer.status).toBe(200);
    expect(answer.headers['x-amz-function-error']).toBe('Unhandled');
    // Lambda names the error by what the handler threw (its name), as a caller's Retry/Catch matches it.
    expect(json(answer)).toMatchObject({ errorType: 'OrderNotFound', errorMessage: expect.any(String) });
  });

  it('answers a throttled invocation with 429 TooManyRequestsException, its reason and Retry-After', async () => {
    const busy = send(service, request('/2015-03-31/functions/slice-test-reserved/invocations', { ms: 500 }));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const answer = await send(
      service,
      request('/2015-03-31/functions/slice-test-reserved/invocations', { ms: 0 }),
    );

    expect(answer.status).toBe(429);
    expect(answer.headers['x-amzn-ErrorType']).toBe('TooManyRequestsException');
    expect(answer.headers['retry-after']).toBe('1');
    expect(json(answer)).toEqual({
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      Type: 'User',
      message: 'Rate Exceeded.',
    });
    expect((await busy).status).toBe(200);
  });

  it('answers 404 ResourceNotFoundException for a function that does not exist, before asking IAM', async () => {
    const answer = await send(service, request('/2015-03-31/functions/nope/invocations', {}));

    expect(answer.status).toBe(404);
    expect(answer.headers['x-amzn-ErrorType']).toBe('ResourceNotFoundException');
    expect(json(answer)).toEqual({
      Type: 'User',
      message: 'Function not found: arn:aws:lambda:eu-west-1:000000000000:function:nope',
    });
    expect(answer.permissions).toBeUndefined();
  });

  it('answers 400 InvalidRequestContentException for a payload that is not JSON', async () => {
    const raw = {
      ...request('/2015-03-31/functions/slice-test-echo/invocations', undefined),
      body: Buffer.from('{nope'),
    };

    const answer = await send(service, raw);

    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-ErrorType']).toBe('InvalidRequestContentException');
  });

  it('answers a DryRun with 204 and runs nothing', async () => {
    const answer = await send(
      service,
      request('/2015-03-31/functions/slice-test-echo/invocations', {}, { 'x-amz-invocation-type': 'DryRun' }),
    );

    expect(answer.status).toBe(204);
    expect(runtime.environments()).toHaveLength(0);
  });

  it('refuses an Event invocation with a message saying what the local cloud runs', async () => {
    const answer = await send(
      service,
      request('/2015-03-31/functions/slice-test-echo/invocations', {}, { 'x-amz-invocation-type': 'Event' }),
    );

    expect(answer.status).toBe(400);
    expect(json(answer)).toMatchObject({ message: expect.stringContaining('RequestResponse') });
  });

  it('refuses another Lambda operation by name', async () => {
    const answer = await send(service, {
      method: 'GET',
      url: '/2015-03-31/functions/slice-test-echo',
      headers: {},
      body: Buffer.alloc(0),
    });

    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-ErrorType']).toBe('UnknownOperationException');
  });
});
