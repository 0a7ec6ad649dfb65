import { secretsManagerStub, type AwsJsonStub } from '../src';

/** A call as `awsJsonClient` makes it: `POST /` with the target header and a JSON body. */
const send = (stub: AwsJsonStub, target: string, input: Record<string, unknown>) =>
  fetch(stub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(input),
  });

describe('secretsManagerStub()', () => {
  let stub: AwsJsonStub;
  beforeEach(() => {
    stub = secretsManagerStub('orders-test-cursor-key');
  });
  afterEach(() => stub.close());

  it('answers GetSecretValue with the secret string and keeps the call', async () => {
    const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cursor-key';

    const response = await send(stub, 'secretsmanager.GetSecretValue', { SecretId: secretId });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ SecretString: 'orders-test-cursor-key' });
    expect(stub.calls.map(({ target, input }) => ({ target, input }))).toEqual([
      { target: 'secretsmanager.GetSecretValue', input: { SecretId: secretId } },
    ]);
  });

  it('answers UnknownOperationException for any other target', async () => {
    const response = await send(stub, 'secretsmanager.PutSecretValue', { SecretId: 'x', SecretString: 'y' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'No answer for secretsmanager.PutSecretValue.',
    });
  });
});
