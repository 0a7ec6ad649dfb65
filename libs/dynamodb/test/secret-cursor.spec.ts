import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createCursorCodec, secretCursorCodec } from '../src';

const secrets = mockClient(SecretsManagerClient);
beforeEach(() => secrets.reset());

const key = 'a-cursor-signing-key-of-48-characters-0123456789';
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('secretCursorCodec()', () => {
  it('reads the key from Secrets Manager when created (at cold start), then signs with it', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:secret:cursors-1' }).resolves({ SecretString: key });

    // Act
    const source = secretCursorCodec('arn:secret:cursors-1');
    await settle();

    // Assess: read before any request, and the cursors are those of the key.
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const cursor = (await source()).encode({ pk: 'A', sk: 'B' }, 'scope');
    expect(createCursorCodec(key).decode(cursor, 'scope')).toEqual({ pk: 'A', sk: 'B' });
  });

  it('keeps the key cached: requests do not read it again', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:secret:cursors-2' }).resolves({ SecretString: key });
    const source = secretCursorCodec('arn:secret:cursors-2');
    for (let request = 0; request < 5; request++) await source();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads the key again on the next use after a failed read', async () => {
    // Prepare: the cold-start read fails, the next one answers.
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:secret:cursors-3' })
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: key });
    const source = secretCursorCodec('arn:secret:cursors-3');
    await settle();

    // Act
    const codec = await source();

    // Assess
    expect(codec.decode(createCursorCodec(key).encode({ pk: 'A' }, 's'), 's')).toEqual({ pk: 'A' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a key too short to sign with', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:secret:short' }).resolves({ SecretString: 'short' });
    await expect(secretCursorCodec('arn:secret:short')()).rejects.toThrow(/at least 16 characters/);
  });
});
