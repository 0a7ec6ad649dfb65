import { createHash, createHmac } from 'node:crypto';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsJsonStub, type AwsJsonStub, type AwsJsonStubCall } from '@slice/testing';
import { awsJsonClient, awsJsonEndpoint, AwsJsonError, type AwsJsonService } from '../src';

const ssmService: AwsJsonService = {
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  jsonVersion: '1.1',
  endpointId: 'SSM',
};
const credentials = () =>
  Promise.resolve({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'token' });

/**
 * The signature AWS computes for a request as it arrived (SigV4, from the AWS documentation:
 * canonical request, string to sign, derived key), to compare with the one the client sent.
 */
function expectedSignature(call: AwsJsonStubCall, secretAccessKey: string): string {
  const authorization = String(call.headers.authorization);
  const [, accessKeyId, scope, signedHeaders] =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=/.exec(authorization) ??
    [];
  expect(accessKeyId).toBeDefined();
  const [day, region, service] = String(scope).split('/');
  const canonicalHeaders = String(signedHeaders)
    .split(';')
    .map((name) => `${name}:${String(call.headers[name]).trim()}\n`)
    .join('');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256(call.body)].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(call.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const key = [day, region, service, 'aws4_request'].reduce<string | Buffer>(
    (derived, part) => hmac(derived, String(part)),
    `AWS4${secretAccessKey}`,
  );
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

let stub: AwsJsonStub;
beforeEach(() => {
  stub = awsJsonStub();
});
afterEach(() => stub.close());

const client = (maxAttempts = 3) =>
  awsJsonClient(ssmService, { endpoint: stub.url, region: 'eu-west-1', credentials, maxAttempts });

describe('awsJsonClient()', () => {
  it('sends the operation as AWS JSON, signed for the service and region, and returns the output', async () => {
    stub.on('AmazonSSM.GetParameter', (input) => ({ Parameter: { Name: input.Name, Value: 'v' } }));

    const output = await client()('GetParameter', { Name: '/slice/dev/x' });

    expect(output).toEqual({ Parameter: { Name: '/slice/dev/x', Value: 'v' } });
    const [call] = stub.calls;
    expect(call?.input).toEqual({ Name: '/slice/dev/x' });
    expect(call?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(call?.headers['x-amz-security-token']).toBe('token');
    expect(String(call?.headers.authorization).split('Signature=')[1]).toBe(
      expectedSignature(call as AwsJsonStubCall, 'secret'),
    );
  });

  it('throws the error the service answers, by its type, without retrying a client error', async () => {
    stub.on('AmazonSSM.GetParameter', () => ({
      status: 400,
      type: 'com.amazonaws.ssm#ParameterNotFound',
      message: 'Parameter /x not found.',
    }));

    const failure = client()('GetParameter', { Name: '/x' });

    await expect(failure).rejects.toThrow(AwsJsonError);
    await expect(failure).rejects.toMatchObject({ type: 'ParameterNotFound', status: 400, retryable: false });
    expect(stub.calls).toHaveLength(1);
  });

  it('retries throttling and server errors, up to its attempts', async () => {
    const answers = [
      { status: 400, type: 'ThrottlingException' },
      { status: 500, type: 'InternalServerError' },
      { Parameter: { Value: 'v' } },
    ];
    stub.on('AmazonSSM.GetParameter', () => answers.shift() ?? {});

    expect(await client()('GetParameter', { Name: '/x' })).toEqual({ Parameter: { Value: 'v' } });
    expect(stub.calls).toHaveLength(3);
  });

  it('gives up after its last attempt', async () => {
    stub.on('AmazonSSM.GetParameter', () => ({ status: 503, type: 'ServiceUnavailable' }));
    await expect(client(2)('GetParameter', { Name: '/x' })).rejects.toMatchObject({ status: 503 });
    expect(stub.calls).toHaveLength(2);
  });

  it('times out a service that does not answer in time', async () => {
    stub.on('AmazonSSM.GetParameter', () => new Promise(() => undefined));
    const slow = awsJsonClient(ssmService, {
      endpoint: stub.url,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
      requestTimeoutMs: 100,
    });
    await expect(slow('GetParameter', { Name: '/x' })).rejects.toThrow(/timeout/i);
  });
});

/** An endpoint that answers every call with one raw response, as a proxy or a load balancer may. */
async function answering(status: number, body: string, headers: OutgoingHttpHeaders = {}) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const call = awsJsonClient(ssmService, {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials,
    maxAttempts: 1,
  });
  return {
    call,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('awsJsonClient() error answers', () => {
  const failureOf = async (status: number, body: string, headers: OutgoingHttpHeaders = {}) => {
    const endpoint = await answering(status, body, headers);
    try {
      return await endpoint.call('GetParameter', { Name: '/x' }).then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await endpoint.close();
    }
  };

  it('names an answer that is not JSON by its status, and retries it when it is a 5xx', async () => {
    const failure = await failureOf(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' });

    expect(failure).toBeInstanceOf(AwsJsonError);
    expect(failure).toMatchObject({
      type: 'Http502',
      status: 502,
      message: 'GetParameter answered 502',
      retryable: true,
    });
  });

  it('reads an error answer whose body is JSON but no object as one without fields', async () => {
    const failure = await failureOf(500, 'null');

    expect(failure).toBeInstanceOf(AwsJsonError);
    expect(failure).toMatchObject({ type: 'Http500', message: 'GetParameter answered 500' });
  });

  it('takes the type from the x-amzn-ErrorType header when the body has none', async () => {
    const failure = await failureOf(400, '{}', {
      'x-amzn-errortype': 'ParameterNotFound:http://internal.amazon.com/coral/com.amazonaws.ssm/',
    });

    expect(failure).toMatchObject({ type: 'ParameterNotFound', status: 400, retryable: false });
  });

  it('takes the message from a capitalised Message field, and only a text one', async () => {
    const said = await failureOf(
      400,
      JSON.stringify({ __type: 'AccessDeniedException', Message: 'Denied.' }),
    );
    const unsaid = await failureOf(400, JSON.stringify({ __type: 'AccessDeniedException', message: 42 }));

    expect(said).toMatchObject({ type: 'AccessDeniedException', message: 'Denied.' });
    expect(unsaid).toMatchObject({ type: 'AccessDeniedException', message: 'GetParameter answered 400' });
  });

  it('takes a 3xx for an error, not an answer', async () => {
    const failure = await failureOf(300, '{}');

    expect(failure).toMatchObject({ type: 'Http300', status: 300 });
  });
});

describe('awsJsonClient() settings', () => {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('refuses a call without a region, naming the variable', async () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const call = awsJsonClient(ssmService, { endpoint: stub.url, credentials });

    await expect(call('GetParameter', { Name: '/x' })).rejects.toThrow(
      'No region to call ssm in: AWS_REGION is not set.',
    );
    expect(stub.calls).toHaveLength(0);
  });

  it('times out by default a service that never answers', async () => {
    stub.on('AmazonSSM.GetParameter', () => new Promise(() => undefined));
    const call = awsJsonClient(ssmService, {
      endpoint: stub.url,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
    });

    await expect(call('GetParameter', { Name: '/x' })).rejects.toThrow(/timeout/i);
  });

  it('backs off as the SDK does: a random wait up to 100 ms × 2^attempt before the next attempt', async () => {
    // Prepare: the longest wait of each backoff, read from the timers it sets.
    stub.on('AmazonSSM.GetParameter', () => ({ status: 503, type: 'ServiceUnavailable' }));
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const timers = jest.spyOn(global, 'setTimeout');

    // Act
    await expect(client(3)('GetParameter', { Name: '/x' })).rejects.toMatchObject({ status: 503 });

    // Assess
    const waits = timers.mock.calls.map(([, ms]) => ms).filter((ms) => ms === 200 || ms === 400);
    expect(waits).toEqual([200, 400]);
  });
});

describe('AwsJsonError', () => {
  it.each([
    ['a server error', 500, 'InternalFailure', true],
    ['a 429 of any type', 429, 'SlowDown', true],
    ['a throttling type', 400, 'ThrottlingException', true],
    ['too many requests', 400, 'TooManyRequestsException', true],
    ['a request limit', 400, 'RequestLimitExceeded', true],
    ['a client error', 400, 'ValidationException', false],
  ])('is retryable for %s: %s', (_case, status, type, retryable) => {
    expect(new AwsJsonError(type, status, 'm').retryable).toBe(retryable);
  });
});

describe('awsJsonEndpoint()', () => {
  it('takes the service endpoint, then the general one, then the regional endpoint', () => {
    expect(
      awsJsonEndpoint(ssmService, 'eu-west-1', {
        AWS_ENDPOINT_URL_SSM: 'http://a:1',
        AWS_ENDPOINT_URL: 'http://b:2',
      }).href,
    ).toBe('http://a:1/');
    expect(awsJsonEndpoint(ssmService, 'eu-west-1', { AWS_ENDPOINT_URL: 'http://b:2' }).href).toBe(
      'http://b:2/',
    );
    expect(awsJsonEndpoint(ssmService, 'eu-west-1', {}).href).toBe('https://ssm.eu-west-1.amazonaws.com/');
    expect(awsJsonEndpoint(ssmService, 'cn-north-1', {}).href).toBe(
      'https://ssm.cn-north-1.amazonaws.com.cn/',
    );
  });

  it('ignores configured endpoints when told to, and takes the FIPS endpoint when asked', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://b:2',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      AWS_USE_FIPS_ENDPOINT: 'true',
    };
    expect(awsJsonEndpoint(ssmService, 'us-east-1', env).href).toBe(
      'https://ssm-fips.us-east-1.amazonaws.com/',
    );
  });
});
