import { AwsJsonError, type AwsJsonCall } from '@slice/middleware';
import { createCursorCodec, secretCursorCodec } from '../src';

const key = 'a-cursor-signing-key-of-48-characters-0123456789';
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A Secrets Manager that answers each GetSecretValue from `answers` in turn and keeps the calls. */
function secretsAnswering(...answers: (string | Error)[]) {
  const calls: Record<string, unknown>[] = [];
  const secretsManager = ((operation: string, input: Record<string, unknown>) => {
    calls.push({ operation, ...input });
    const answer = answers[Math.min(calls.length, answers.length) - 1];
    return answer instanceof Error
      ? Promise.reject(answer)
      : Promise.resolve({ ARN: input.SecretId, SecretString: answer });
  }) as AwsJsonCall;
  return { secretsManager, calls };
}

describe('secretCursorCodec()', () => {
  afterEach(() => jest.useRealTimers());

  it('reads the key from Secrets Manager when created (at cold start), then signs with it', async () => {
    // Prepare
    const { secretsManager, calls } = secretsAnswering(key);

    // Act
    const source = secretCursorCodec('arn:secret:cursors-1', { secretsManager });
    await settle();

    // Assess: read before any request, and the cursors are those of the key.
    expect(calls).toEqual([{ operation: 'GetSecretValue', SecretId: 'arn:secret:cursors-1' }]);
    const cursor = (await source()).encode({ pk: 'A', sk: 'B' }, 'scope');
    expect(createCursorCodec(key).decode(cursor, 'scope')).toEqual({ pk: 'A', sk: 'B' });
  });

  it('keeps the key cached: requests do not read it again', async () => {
    const { secretsManager, calls } = secretsAnswering(key);
    const source = secretCursorCodec('arn:secret:cursors-2', { secretsManager });
    for (let request = 0; request < 5; request++) await source();
    expect(calls).toHaveLength(1);
  });

  it('reads the key again once it is older than its maximum age', async () => {
    // Prepare
    jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
    const rotated = 'a-rotated-cursor-signing-key-of-48-characters-01';
    const { secretsManager, calls } = secretsAnswering(key, rotated);
    const source = secretCursorCodec('arn:secret:cursors-4', { secretsManager, maxAgeSeconds: 60 });
    await source();

    // Act
    jest.setSystemTime(new Date('2026-12-02T10:01:01Z'));
    const codec = await source();

    // Assess
    expect(calls).toHaveLength(2);
    expect(codec.decode(createCursorCodec(rotated).encode({ pk: 'A' }, 's'), 's')).toEqual({ pk: 'A' });
  });

  it('reads the key again on the next use after a failed read', async () => {
    // Prepare: the cold-start read fails, the next one answers.
    const { secretsManager, calls } = secretsAnswering(
      new AwsJsonError('ThrottlingException', 400, 'Rate exceeded'),
      key,
    );
    const source = secretCursorCodec('arn:secret:cursors-3', { secretsManager });
    await settle();

    // Act
    const codec = await source();

    // Assess
    expect(codec.decode(createCursorCodec(key).encode({ pk: 'A' }, 's'), 's')).toEqual({ pk: 'A' });
    expect(calls).toHaveLength(2);
  });

  it('refuses a key too short to sign with', async () => {
    const { secretsManager } = secretsAnswering('short');
    await expect(secretCursorCodec('arn:secret:short', { secretsManager })()).rejects.toThrow(
      /at least 16 characters/,
    );
  });

  it('refuses a binary secret, naming it', async () => {
    const secretsManager = (() => Promise.resolve({ SecretBinary: 'AQID' })) as AwsJsonCall;
    await expect(secretCursorCodec('arn:secret:binary', { secretsManager })()).rejects.toThrow(
      'The secret arn:secret:binary holds no string.',
    );
  });

  it('shares the cold-start read with the requests that come during it', async () => {
    const { secretsManager, calls } = secretsAnswering(key);

    const source = secretCursorCodec('arn:secret:cursors-4', { secretsManager });
    const codecs = await Promise.all([source(), source(), source()]);

    expect(calls).toHaveLength(1);
    expect(new Set(codecs).size).toBe(1);
  });

  describe('once the cached key is older than its maximum age', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
    afterEach(() => jest.useRealTimers());
    const rotated = 'a-rotated-cursor-signing-key-of-enough-characters';

    it('reads it again after an hour by default, and signs with the rotated key', async () => {
      // Prepare
      const { secretsManager, calls } = secretsAnswering(key, rotated);
      const source = secretCursorCodec('arn:secret:cursors-5', { secretsManager });
      await source();

      // Act
      jest.setSystemTime(new Date('2026-01-01T00:59:59Z'));
      await source();
      const within = calls.length;
      jest.setSystemTime(new Date('2026-01-01T01:00:01Z'));
      const codec = await source();

      // Assess
      expect(within).toBe(1);
      expect(calls).toHaveLength(2);
      const cursor = codec.encode({ pk: 'A' }, 's');
      expect(createCursorCodec(rotated).decode(cursor, 's')).toEqual({ pk: 'A' });
    });

    it('reads it again after the maximum age it is given, keeping the codec of an unchanged key', async () => {
      const { secretsManager, calls } = secretsAnswering(key);
      const source = secretCursorCodec('arn:secret:cursors-6', { secretsManager, maxAgeSeconds: 10 });
      const first = await source();

      jest.setSystemTime(new Date('2026-01-01T00:00:11Z'));
      const second = await source();

      expect(calls).toHaveLength(2);
      expect(second).toBe(first);
    });

    it('reads it again the moment it reaches its maximum age', async () => {
      const { secretsManager, calls } = secretsAnswering(key);
      const source = secretCursorCodec('arn:secret:cursors-7', { secretsManager, maxAgeSeconds: 10 });
      await source();

      jest.setSystemTime(new Date('2026-01-01T00:00:10Z'));
      await source();

      expect(calls).toHaveLength(2);
    });
  });
});
