import type { Readable } from 'node:stream';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** An AWS service spoken to over the AWS JSON protocol, as its SDK client names it. */
export interface AwsJsonService {
  /** The SigV4 signing name and endpoint prefix: `ssm`. */
  readonly signingName: string;
  /** The prefix of `X-Amz-Target`: `AmazonSSM` (`AmazonSSM.GetParameter`). */
  readonly targetPrefix: string;
  /** The protocol version of `Content-Type` (`application/x-amz-json-1.1`). */
  readonly jsonVersion: '1.0' | '1.1';
  /** The service id in `AWS_ENDPOINT_URL_<ID>`, as the SDK reads it: `SSM`, `SECRETS_MANAGER`. */
  readonly endpointId: string;
}

/** Options of {@link awsJsonClient}. */
export interface AwsJsonClientOptions {
  /** @default `AWS_REGION`, else `AWS_DEFAULT_REGION` */
  readonly region?: string;
  /**
   * The endpoint to call.
   * @default `AWS_ENDPOINT_URL_<ID>`, else `AWS_ENDPOINT_URL` (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`), else the regional endpoint (FIPS with `AWS_USE_FIPS_ENDPOINT`)
   */
  readonly endpoint?: string;
  /** @default the SDK's default chain (`@aws-sdk/credential-provider-node`), the environment's keys on Lambda */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Attempts of a call that failed on the network, timed out, was throttled or answered a 5xx.
   * @default 3 (the SDK's standard retry mode)
   */
  readonly maxAttempts?: number;
  /** Time to connect, and time to answer, per attempt. @default 500 and 1000 ms */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/** An error answer of an AWS JSON service: its `__type` (`ParameterNotFound`), status and message. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  /** Throttling and server errors, which the SDK's standard retry mode retries. */
  get retryable(): boolean {
    return (
      this.status >= 500 ||
      this.status === 429 ||
      /Throttl|TooManyRequests|RequestLimitExceeded/.test(this.type)
    );
  }
}

/** One operation of the service: its input in, its output out; an error answer throws {@link AwsJsonError}. */
export type AwsJsonCall = <Output = Record<string, unknown>>(
  operation: string,
  input: Readonly<Record<string, unknown>>,
) => Promise<Output>;

const truthy = (value: string | undefined) => value?.toLowerCase() === 'true';

/** Where the SDK would send a call: the configured endpoint, else the service's regional one. */
export function awsJsonEndpoint(service: AwsJsonService, region: string, env = process.env): URL {
  if (!truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) {
    const configured = env[`AWS_ENDPOINT_URL_${service.endpointId}`] ?? env.AWS_ENDPOINT_URL;
    if (configured) return new URL(configured);
  }
  const host = truthy(env.AWS_USE_FIPS_ENDPOINT) ? `${service.signingName}-fips` : service.signingName;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${host}.${region}.${suffix}`);
}

/** The fields of an error answer; a body that is not JSON (a proxy's page) has none. */
function errorFieldsOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20_000, 100 * 2 ** attempt)));

/**
 * A client of one AWS JSON service that makes the few calls a function needs, signed with the
 * SDK's own SigV4 signer, credential chain and HTTP handler (which every bundle already holds for
 * DynamoDB), instead of the service's SDK client: a generated client registers every error and
 * operation schema of its service at load, 85 KB of a bundle for SSM. Retries as the SDK's
 * standard mode does (network errors, timeouts, throttling, 5xx; three attempts, jittered
 * backoff), with explicit timeouts. Only for reads whose answer the caller validates; a service
 * call with paging, streaming or waiters wants the SDK client.
 *
 * @example
 * ```ts
 * const ssm = awsJsonClient({ signingName: 'ssm', targetPrefix: 'AmazonSSM', jsonVersion: '1.1', endpointId: 'SSM' });
 * const { Parameter } = await ssm<{ Parameter?: { Value?: string } }>('GetParameter', { Name: '/slice/dev/x' });
 * ```
 */
export function awsJsonClient(service: AwsJsonService, options: AwsJsonClientOptions = {}): AwsJsonCall {
  const maxAttempts = options.maxAttempts ?? 3;
  const http = new NodeHttpHandler({
    connectionTimeout: options.connectionTimeoutMs ?? 500,
    requestTimeout: options.requestTimeoutMs ?? 1000,
    throwOnRequestTimeout: true,
  });
  // The region, endpoint and signer are settled on the first call, as the SDK settles its config.
  let settled: { endpoint: URL; signer: SignatureV4 } | undefined;
  const settle = () => {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`No region to call ${service.signingName} in: AWS_REGION is not set.`);
    return {
      endpoint: options.endpoint ? new URL(options.endpoint) : awsJsonEndpoint(service, region),
      signer: new SignatureV4({
        service: service.signingName,
        region,
        credentials: options.credentials ?? defaultProvider(),
        sha256: Sha256,
      }),
    };
  };

  const attempt = async (
    { endpoint, signer }: { endpoint: URL; signer: SignatureV4 },
    operation: string,
    body: string,
  ): Promise<unknown> => {
    const request = new HttpRequest({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      headers: {
        host: endpoint.host,
        'content-type': `application/x-amz-json-${service.jsonVersion}`,
        'x-amz-target': `${service.targetPrefix}.${operation}`,
      },
      body,
    });
    const { response } = await http.handle((await signer.sign(request)) as HttpRequest);
    // The Node handler answers with the response stream itself.
    const text = Buffer.from(await streamCollector(response.body as Readable)).toString('utf8');
    if (response.statusCode < 300) return text ? (JSON.parse(text) as unknown) : {};
    const fields = errorFieldsOf(text);
    const named = [fields.__type, response.headers['x-amzn-errortype']].find(
      (value) => typeof value === 'string',
    );
    // `com.amazonaws.ssm#ParameterNotFound`, or `ParameterNotFound:http://...` in the header.
    const type = named?.split(':')[0]?.split('#').at(-1) || `Http${response.statusCode}`;
    const said = [fields.message, fields.Message].find((value) => typeof value === 'string');
    const message = said ?? `${operation} answered ${response.statusCode}`;
    throw new AwsJsonError(type, response.statusCode, message);
  };

  return async <Output>(operation: string, input: Readonly<Record<string, unknown>>) => {
    const body = JSON.stringify(input);
    const config = (settled ??= settle());
    for (let n = 1; ; n++) {
      try {
        return (await attempt(config, operation, body)) as Output;
      } catch (error) {
        const retryable = !(error instanceof AwsJsonError) || error.retryable;
        if (!retryable || n >= maxAttempts) throw error;
        await backoff(n);
      }
    }
  };
}
