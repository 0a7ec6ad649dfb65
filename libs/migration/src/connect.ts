import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createDocumentClient } from '@slice/dynamodb';
import * as z from 'zod';

/** Where a migration runs: the clients and the two tables, resolved. */
export interface Connection {
  readonly client: DynamoDBDocumentClient;
  /** The stage whose SSM parameters named the tables (the local cloud's own stage when local). */
  readonly stage: string;
  readonly sourceTable: string;
  readonly targetTable: string;
  /** About how many items the source holds (`ItemCount`, refreshed every six hours), if known. */
  readonly estimatedRows?: number;
  /** Frees the clients. */
  close(): void;
}

/** The table names or the local cloud could not be found. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** What `GET /_local/credentials` of the local cloud answers. */
const LocalCredentials = z.object({
  endpoint: z.url(),
  region: z.string().min(1),
  stage: z.string().min(1),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
});

/** The SSM parameter that names a stack's table: `/slice/<stage>/<owner>/table-name`. */
export const tableNameParameter = (stage: string, owner: string): string =>
  `/slice/${stage}/${owner}/table-name`;

/** Options of {@link connect}. */
export interface ConnectOptions {
  readonly service: string;
  /** `local`: the running local cloud at `localUrl`; any other stage: AWS, default credential chain. */
  readonly stage: string;
  /** @default 'http://localhost:3000' */
  readonly localUrl?: string;
  /** The stack whose table is the source. @default 'monolith' */
  readonly source?: string;
}

async function localCredentials(url: string): Promise<z.infer<typeof LocalCredentials>> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(`${url}/_local/credentials`, { signal: AbortSignal.timeout(5000) });
    body = response.ok ? await response.json().catch(() => undefined) : undefined;
  } catch (error) {
    throw new ConnectionError(`The local cloud does not answer at ${url}: start it with \`npm start\`.`, {
      cause: error,
    });
  }
  const parsed = LocalCredentials.safeParse(body);
  if (!parsed.success) {
    throw new ConnectionError(
      `${url}/_local/credentials answered ${response.status} without operator credentials: is it a Slice local cloud?`,
    );
  }
  return parsed.data;
}

/**
 * Resolves the source (the monolith's table) and target (the service's table) of a migration,
 * and a DynamoDB client that reaches both. Table names come from SSM
 * (`/slice/<stage>/<stack>/table-name`) in AWS and in the local cloud alike; locally, the
 * endpoint, region and stage come from the running local cloud's `GET /_local/credentials` (the
 * operator's key: allowed everything, logged as `operator`), in AWS from the SDK's default chain
 * (`AWS_PROFILE`, `AWS_REGION`, SSO, …). The SDK retries throttled and failed calls (up to 10
 * attempts, 5 s each).
 *
 * @example
 * ```ts
 * const connection = await connect({ service: 'orders', stage: 'local' });
 * await migrate({ ...connection, mapping, checkpointFile, reportFile });
 * connection.close();
 * ```
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const local =
    options.stage === 'local'
      ? await localCredentials(options.localUrl ?? 'http://localhost:3000')
      : undefined;
  const settings = local
    ? {
        endpoint: local.endpoint,
        region: local.region,
        credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
      }
    : {};
  const stage = local?.stage ?? options.stage;
  const ssm = new SSMClient({ ...settings, maxAttempts: 5 });
  const dynamodb = new DynamoDBClient({
    ...settings,
    maxAttempts: 10,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000, throwOnRequestTimeout: true },
  });
  const close = () => dynamodb.destroy();
  try {
    const name = async (owner: string) => {
      const parameter = tableNameParameter(stage, owner);
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameter }));
        if (Parameter?.Value) return Parameter.Value;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ParameterNotFound')) throw error;
      }
      throw new ConnectionError(
        `No SSM parameter ${parameter}: is the ${owner} stack of stage ${stage} deployed${local ? ` in the local cloud (its tables: GET ${options.localUrl ?? 'http://localhost:3000'}/_local/tables)` : ''}?`,
      );
    };
    const sourceTable = await name(options.source ?? 'monolith');
    const targetTable = await name(options.service);
    const estimatedRows = await dynamodb
      .send(new DescribeTableCommand({ TableName: sourceTable }))
      .then(({ Table }) => Table?.ItemCount)
      .catch(() => undefined);
    return {
      client: createDocumentClient({ client: dynamodb }),
      stage,
      sourceTable,
      targetTable,
      ...(estimatedRows === undefined ? {} : { estimatedRows }),
      close,
    };
  } catch (error) {
    close();
    throw error;
  } finally {
    ssm.destroy();
  }
}
