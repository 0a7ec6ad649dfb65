import { awsJsonClient, type AwsJsonCall } from '@slice/middleware';
import * as z from 'zod/mini';

/** The base paths the front door sends to services, not here: read from SSM, cached. */
export type MovedBasePaths = () => Promise<ReadonlySet<string>>;

/** What the front door publishes at `/slice/<stage>/front-door/moved-base-paths`. */
const Published = z.object({ basePaths: z.array(z.string().check(z.minLength(1))) });

/** What `GetParameter` answers (the fields read here). */
const GetParameterOutput = z.object({ Parameter: z.object({ Value: z.string() }) });

/** Options of {@link movedBasePathsFrom}. */
export interface MovedBasePathsOptions {
  /** How long a read value is served before SSM is asked again. @default 60 */
  readonly maxAgeSeconds?: number;
  /** Calls SSM. @default an SSM client of the function's region (`awsJsonClient`) */
  readonly ssm?: AwsJsonCall;
}

/** The SSM service as its JSON protocol names it. */
export const ssmService = {
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  jsonVersion: '1.1',
  endpointId: 'SSM',
} as const;

/**
 * The route groups that moved to a service, as the front door's manifest publishes them to SSM
 * (`{"basePaths":["menu","orders"]}`), read with `GetParameter` and cached for `maxAgeSeconds`,
 * so a flip of the manifest reaches warm functions within that time without a redeploy of the
 * monolith. Requests while a read is under way wait for it. A parameter that cannot be read or
 * parsed is an error (and is read again by the next request): the caller answers 503 rather than
 * serve a group that may have moved.
 *
 * @example
 * ```ts
 * const moved = movedBasePathsFrom('/slice/dev/front-door/moved-base-paths');
 * (await moved()).has('orders'); // true once Orders owns /orders
 * ```
 */
export function movedBasePathsFrom(
  parameterName: string,
  options: MovedBasePathsOptions = {},
): MovedBasePaths {
  const maxAgeMs = (options.maxAgeSeconds ?? 60) * 1000;
  const ssm = options.ssm ?? awsJsonClient(ssmService);
  let cached: { value: ReadonlySet<string>; expiresAt: number } | undefined;
  let reading: Promise<ReadonlySet<string>> | undefined;
  const read = async (): Promise<ReadonlySet<string>> => {
    const answer = GetParameterOutput.parse(
      await ssm('GetParameter', { Name: parameterName, WithDecryption: false }),
    );
    const value = new Set(Published.parse(JSON.parse(answer.Parameter.Value)).basePaths);
    cached = { value, expiresAt: Date.now() + maxAgeMs };
    return value;
  };
  return async () => {
    if (cached && Date.now() < cached.expiresAt) return cached.value;
    return (reading ??= read().finally(() => {
      reading = undefined;
    }));
  };
}
