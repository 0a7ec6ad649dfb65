import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call an {@link awsJsonStub} received. */
export interface AwsJsonStubCall {
  /** `X-Amz-Target`: `AmazonSSM.GetParameter`. */
  readonly target: string;
  readonly input: Record<string, unknown>;
  /** The body as sent, for checking a signature. */
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** An error answer of a stubbed operation: status and `__type`, as the service answers. */
export interface AwsJsonStubError {
  readonly status: number;
  readonly type: string;
  readonly message?: string;
}

/** What a stubbed operation answers: its output, or an error. */
export type AwsJsonStubAnswer = (
  input: Record<string, unknown>,
) => Record<string, unknown> | AwsJsonStubError | Promise<Record<string, unknown> | AwsJsonStubError>;

/** A local endpoint of an AWS JSON service, for `awsJsonClient` in tests. */
export interface AwsJsonStub {
  /** Where it listens: `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_<ID>`. */
  readonly url: string;
  /** Every call received, in order. */
  readonly calls: AwsJsonStubCall[];
  /** Answers the target (`AmazonSSM.GetParameter`) from now on; others answer `UnknownOperationException`. */
  on(target: string, answer: AwsJsonStubAnswer): AwsJsonStub;
  close(): Promise<void>;
}

const isError = (value: object): value is AwsJsonStubError => 'status' in value && 'type' in value;

/**
 * A local endpoint that speaks the AWS JSON protocol (`POST /`, `X-Amz-Target`, JSON bodies,
 * errors as `{"__type", "message"}`), so a test can point an `awsJsonClient` at it through
 * `AWS_ENDPOINT_URL_<ID>` and check what was sent, signature headers included.
 *
 * @example
 * ```ts
 * const ssm = awsJsonStub();
 * ssm.on('AmazonSSM.GetParameter', () => ({ Parameter: { Value: '{"basePaths":[]}' } }));
 * process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
 * ```
 */
export function awsJsonStub(): AwsJsonStub {
  const answers = new Map<string, AwsJsonStubAnswer>();
  const calls: AwsJsonStubCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const text = Buffer.concat(chunks).toString('utf8');
        const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        calls.push({ target, input, body: text, headers: request.headers });
        const answer = answers.get(target);
        const output = answer
          ? await answer(input)
          : { status: 400, type: 'UnknownOperationException', message: `No answer for ${target}.` };
        const failed = isError(output);
        response.writeHead(failed ? output.status : 200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify(failed ? { __type: output.type, message: output.message ?? output.type } : output),
        );
      })();
    });
  });
  // Without a host, Node binds at once, so the port is known before this returns: a test's env
  // module can point a client at it before the handler under test is imported.
  server.listen(0);
  server.unref();
  const address = server.address() as AddressInfo | null;
  if (!address) throw new Error('The AWS JSON stub could not bind a port.');
  const { port } = address;
  const stub: AwsJsonStub = {
    url: `http://127.0.0.1:${port}`,
    calls,
    on(target, answer) {
      answers.set(target, answer);
      return stub;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The client keeps its connection alive; the test is over.
        server.closeAllConnections();
      }),
  };
  return stub;
}

/**
 * An {@link awsJsonStub} of Secrets Manager whose `GetSecretValue` answers `secretString` for any
 * `SecretId`, as the cursor signing key is read at cold start; other targets answer
 * `UnknownOperationException`.
 *
 * @example
 * ```ts
 * const secretsManager = secretsManagerStub('orders-test-cursor-key');
 * process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManager.url;
 * ```
 */
export function secretsManagerStub(secretString: string): AwsJsonStub {
  return awsJsonStub().on('secretsmanager.GetSecretValue', () => ({ SecretString: secretString }));
}
