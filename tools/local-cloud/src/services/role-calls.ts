/**
 * Calls a service of the local AWS endpoint as an IAM role rather than a function: what a service
 * does on a customer's behalf with the role it was given (the Scheduler with a schedule's target
 * role). The call takes the same steps as one over HTTP, in process: the service plans it, the
 * role's policy is checked against every permission the plan names, then it is answered.
 */
import { AwsError } from '../endpoint/errors';
import { assumedRoleArn, denialMessage, evaluatePolicy } from '../endpoint/iam';
import type { FunctionSpec, PolicyStatement } from '../model';
import type { ServiceRegistry } from './registry';

/** A call a role could not make: `code` is the error AWS names (`AccessDeniedException`...). */
export class RoleCallError extends Error {
  override readonly name = 'RoleCallError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A role as a caller of the endpoint's services. */
export interface RoleIdentity {
  readonly accountId: string;
  readonly roleArn: string;
  /** The session name of the assumed role (`scheduler`). */
  readonly sessionName: string;
  readonly policy: readonly PolicyStatement[];
}

/** The role as the endpoint's services know a caller. */
const callerOf = (role: RoleIdentity): FunctionSpec => ({
  id: `role:${role.roleArn}`,
  stackName: '',
  logicalId: role.sessionName,
  functionName: role.sessionName,
  arn: role.roleArn,
  handler: '',
  codeDir: '',
  runtime: '',
  timeoutSeconds: 0,
  memoryMb: 0,
  environment: {},
  roleArn: role.roleArn,
  policy: role.policy,
});

/**
 * Runs `operation` of the service signing as `signingName` as `role`; answers the JSON body.
 * Throws {@link RoleCallError}: `ServiceUnavailable` when no such service runs, AWS's error name
 * when the role is denied or the service refuses the call.
 *
 * @example
 * ```ts
 * await callAsRole(endpoint.services, { signingName: 'states', target: 'AWSStepFunctions.StartExecution',
 *   operation: 'StartExecution', input: { stateMachineArn, input: '{}' } }, role);
 * ```
 */
export async function callAsRole(
  services: Pick<ServiceRegistry, 'resolve'>,
  request: {
    readonly signingName: string;
    readonly target?: string;
    readonly operation: string;
    readonly input: Readonly<Record<string, unknown>>;
  },
  role: RoleIdentity,
): Promise<unknown> {
  const service = services.resolve({
    signingName: request.signingName,
    ...(request.target === undefined ? {} : { target: request.target }),
  });
  if (!service)
    throw new RoleCallError(
      'ServiceUnavailable',
      `The local cloud runs no ${request.signingName} service: ${request.operation} is unavailable`,
    );
  const body = Buffer.from(JSON.stringify(request.input));
  const raw = {
    method: 'POST',
    url: '/',
    headers: request.target === undefined ? {} : { 'x-amz-target': request.target },
    body,
  };
  try {
    const call = service.call({ operation: request.operation, input: request.input, raw }, callerOf(role));
    for (const permission of call.permissions)
      requireRoleAllows(role, permission.action, permission.resources);
    const answer = await call.answer({ failEntries: false });
    return answer.kind === 'json' ? answer.body : JSON.parse(answer.body.toString('utf8') || '{}');
  } catch (error) {
    if (error instanceof AwsError)
      throw new RoleCallError(error.type.slice(error.type.lastIndexOf('#') + 1), error.message);
    throw error;
  }
}

/**
 * Whether `role` may perform `action` on `resource`; throws the {@link RoleCallError} AWS's
 * denial would be.
 */
export function requireRoleAllows(
  role: RoleIdentity,
  action: string,
  resource: string | readonly string[],
): void {
  const decision = evaluatePolicy(role.policy, action, resource);
  if (!decision.allowed)
    throw new RoleCallError(
      'AccessDeniedException',
      denialMessage(assumedRoleArn(role.accountId, role.roleArn, role.sessionName), action, decision),
    );
}
