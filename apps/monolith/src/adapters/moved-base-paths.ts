import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import * as z from 'zod/mini';

/** The base paths the front door sends to services, not here: read from SSM, cached. */
export type MovedBasePaths = () => Promise<ReadonlySet<string>>;

/** What the front door publishes at `/slice/<stage>/front-door/moved-base-paths`. */
const Published = z.object({ basePaths: z.array(z.string().check(z.minLength(1))) });

/**
 * The route groups that moved to a service, as the front door's manifest publishes them to SSM
 * (`{"basePaths":["menu","orders"]}`), read with Powertools Parameters and cached for
 * `maxAgeSeconds`, so a flip of the manifest reaches warm functions within that time without a
 * redeploy of the monolith. A parameter that cannot be read or parsed is an error: the caller
 * answers 503 rather than serve a group that may have moved.
 *
 * @example
 * ```ts
 * const moved = movedBasePathsFrom('/slice/dev/front-door/moved-base-paths');
 * (await moved()).has('orders'); // true once Orders owns /orders
 * ```
 */
export function movedBasePathsFrom(parameterName: string, maxAgeSeconds = 60): MovedBasePaths {
  return async () => {
    const value = await getParameter(parameterName, { transform: 'json', maxAge: maxAgeSeconds });
    return new Set(Published.parse(value).basePaths);
  };
}
