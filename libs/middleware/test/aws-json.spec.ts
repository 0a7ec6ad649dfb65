import { createHash, createHmac } from 'node:crypto';
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
