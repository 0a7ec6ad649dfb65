import { createHash } from 'node:crypto';
import type { FunctionCredentials } from '../lambda/environment';
import type { FunctionSpec } from '../model';

/** Local credentials for functions, and who holds which access key. */
export interface LocalIdentities {
  /**
   * The function's credentials: a stable access key id per function id (`AKIA` and 16 characters)
   * and a dummy secret. Records the function as the key's holder, replacing an older spec.
   */
  credentialsFor(fn: FunctionSpec): FunctionCredentials;
  /** Access key id → the function holding it: the `identities` of the local AWS endpoint. */
  readonly identities: Map<string, FunctionSpec>;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Gives every function its own local access key, so the local AWS endpoint knows which function
 * calls it and checks that function's IAM policy. Pass `credentialsFor` to the Lambda runtime and
 * `identities` to the endpoint. Keys are derived from the function id, so a redeployed function
 * keeps its key and the endpoint sees its new policy.
 *
 * @example
 * ```ts
 * const local = createLocalIdentities();
 * for (const fn of functions) local.credentialsFor(fn);
 * const aws = await startAwsEndpoint({ ...options, identities: local.identities });
 * const runtime = createLambdaRuntime({ awsEndpoint: aws.url, region, credentialsFor: local.credentialsFor });
 * ```
 */
export function createLocalIdentities(): LocalIdentities {
  const identities = new Map<string, FunctionSpec>();
  return {
    identities,
    credentialsFor(fn) {
      const digest = createHash('sha256').update(fn.id).digest();
      const accessKeyId = `AKIA${[...digest.subarray(0, 16)].map((byte) => alphabet[byte % 32]).join('')}`;
      identities.set(accessKeyId, fn);
      return { accessKeyId, secretAccessKey: 'local-cloud-secret-not-checked' };
    },
  };
}
