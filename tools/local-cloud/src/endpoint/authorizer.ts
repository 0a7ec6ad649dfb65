import type { FunctionSpec } from '../model';
import type { AwsProtocol, RequiredPermission } from '../services/service';
import { AwsError } from './errors';
import { type IamDecision, assumedRoleArn, denialMessage, evaluatePolicy } from './iam';

/** How many IAM decisions an {@link Authorizer} remembers per policy. */
const MAX_DECISIONS_PER_POLICY = 1000;

/** How {@link createAuthorizer} checks calls. */
export interface AuthorizerOptions {
  readonly accountId: string;
  /** `enforce` answers `AccessDeniedException` as AWS would; `warn` logs the denial and lets the call through. */
  readonly iam: 'enforce' | 'warn';
  readonly log: (text: string) => void;
}

/** Checks a caller's calls against its role's policy. */
export interface Authorizer {
  /** Throws AWS's `AccessDeniedException` (in the protocol's naming) for the first permission the policy denies. */
  authorize(caller: FunctionSpec, protocol: AwsProtocol, permissions: readonly RequiredPermission[]): void;
}

type Decisions = WeakMap<FunctionSpec['policy'], Map<string, IamDecision>>;

/**
 * {@link evaluatePolicy}, remembered per policy, action and resources: a warm function asks the
 * same question on every call. A redeploy brings new policy objects, so their answers start afresh.
 */
function decide(
  decisions: Decisions,
  policy: FunctionSpec['policy'],
  action: string,
  resources: readonly string[],
): IamDecision {
  let known = decisions.get(policy);
  if (!known) {
    known = new Map();
    decisions.set(policy, known);
  }
  const key = `${action} ${resources.join(' ')}`;
  let decision = known.get(key);
  if (!decision) {
    decision = evaluatePolicy(policy, action, resources);
    // Bounded: a caller naming ever new resources must not grow the cache without end.
    if (known.size >= MAX_DECISIONS_PER_POLICY) known.clear();
    known.set(key, decision);
  }
  return decision;
}

/** IAM conditions are not evaluated: say so once per caller and statement. */
function logIgnoredConditions(
  options: AuthorizerOptions,
  logged: Set<string>,
  caller: FunctionSpec,
  action: string,
  decision: IamDecision,
): void {
  for (const statement of decision.ignoredConditions) {
    const key = `${caller.id} ${JSON.stringify(statement)}`;
    if (logged.has(key)) continue;
    logged.add(key);
    options.log(
      `IAM: ${caller.id}: ignored the Condition of a statement granting or denying ${action}: ${JSON.stringify(statement.Condition)}`,
    );
  }
}

/**
 * Creates the endpoint's IAM check: every permission a call needs is evaluated against the
 * caller's policy as AWS evaluates it (explicit deny wins, then an allow is needed); denied, the
 * call fails with AWS's message naming the assumed role, or in `warn` mode is only logged.
 *
 * @example
 * ```ts
 * const authorizer = createAuthorizer({ accountId, iam: 'enforce', log: console.log });
 * authorizer.authorize(fn, service.protocol, [{ action: 'dynamodb:GetItem', resources: [tableArn] }]);
 * ```
 */
export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const decisions: Decisions = new WeakMap();
  const conditionsLogged = new Set<string>();
  return {
    authorize(caller, protocol, permissions) {
      for (const { action, resources } of permissions) {
        const decision = decide(decisions, caller.policy, action, resources);
        logIgnoredConditions(options, conditionsLogged, caller, action, decision);
        if (decision.allowed) continue;
        const message = denialMessage(
          assumedRoleArn(options.accountId, caller.roleArn, caller.functionName),
          action,
          decision,
        );
        if (options.iam === 'warn') {
          options.log(`IAM (warn, allowed anyway): ${caller.id}: ${message}`);
          continue;
        }
        options.log(`IAM denied: ${caller.id}: ${message}`);
        throw new AwsError(400, protocol.commonErrorType('AccessDeniedException'), message);
      }
    },
  };
}
