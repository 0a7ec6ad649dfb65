import { createHash } from 'node:crypto';
import type { FunctionCredentials } from '../services/lambda/environment';
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
 * The developer's own credentials in the local cloud, as an operator's are in AWS: the fixed key
 * of `GET /_local/credentials`, for tools such as `npm run migrate`. Its holder is allowed
 * everything and shows up as `operator` in the endpoint's log.
 */
export const operatorCredentials: FunctionCredentials = {
  accessKeyId: 'AKIALOCALOPERATOR000',
  secretAccessKey: 'local-cloud-secret-not-checked',
};

/** The identity behind {@link operatorCredentials}: no function, a policy that allows everything. */
export const operatorIdentity = (accountId: string): FunctionSpec => ({
  id: 'operator',
  stackName: '',
  logicalId: 'operator',
  functionName: 'operator',
  arn: `arn:aws:iam::${accountId}:user/operator`,
  handler: '',
  codeDir: '',
  runtime: '',
  timeoutSeconds: 0,
  memoryMb: 0,
  environment: {},
  roleArn: `arn:aws:iam::${accountId}:user/operator`,
  policy: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

/**
 * Gives every function its own local access key, so the local AWS endpoint knows which function
 * calls it and checks that function's IAM policy; the operator's key ({@link operatorCredentials})
 * is known from the start. Pass `credentialsFor` to the Lambda runtime and
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
export function createLocalIdentities(options: { readonly accountId?: string } = {}): LocalIdentities {
  const identities = new Map<string, FunctionSpec>([
    [operatorCredentials.accessKeyId, operatorIdentity(options.accountId ?? '000000000000')],
  ]);
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
