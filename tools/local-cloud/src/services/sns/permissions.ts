/**
 * What IAM must allow around SNS: the publisher's `sns:Publish` on the topic, and, for the
 * deliveries, the resource policies of the endpoints (SNS delivers to a queue only when the
 * queue's policy lets `sns.amazonaws.com` send from that topic, and invokes a function only when
 * the function's permission lets it).
 */
import { evaluatePolicy } from '../../endpoint/iam';
import type { PolicyStatement } from '../../model';

/** A permission a service principal needs on a resource, from a source ARN. */
export interface ServicePermission {
  /** `sns.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The `aws:SourceArn` the policy's condition, if any, must accept: the topic. */
  readonly sourceArn: string;
}

/** A resource policy statement: an identity statement with its `Principal`. */
export interface ResourcePolicyStatement extends PolicyStatement {
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
}

/**
 * What SNS needs to deliver to a subscription's endpoint: `sqs:SendMessage` on the queue or
 * `lambda:InvokeFunction` on the function, as `sns.amazonaws.com` from the topic. Captured
 * protocols (email, SMS, HTTP) need none.
 */
export function deliveryPermission(subscription: {
  readonly protocol: string;
  readonly endpoint: string;
  readonly topicArn: string;
}): ServicePermission | undefined {
  const action =
    subscription.protocol === 'sqs'
      ? 'sqs:SendMessage'
      : subscription.protocol === 'lambda'
        ? 'lambda:InvokeFunction'
        : undefined;
  return action
    ? {
        principal: 'sns.amazonaws.com',
        action,
        resource: subscription.endpoint,
        sourceArn: subscription.topicArn,
      }
    : undefined;
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const namesPrincipal = (statement: ResourcePolicyStatement, principal: string): boolean =>
  statement.Principal === '*' ||
  list(statement.Principal?.['Service']).includes(principal) ||
  list(statement.Principal?.['AWS']).includes('*');

/** `aws:SourceArn` (or `aws:SourceArn`-free) conditions of `ArnEquals`/`ArnLike`/`StringEquals`/`StringLike`. */
function sourceArnHolds(statement: ResourcePolicyStatement, sourceArn: string): boolean {
  if (!statement.Condition) return true;
  return Object.entries(statement.Condition).every(([operator, block]) => {
    if (typeof block !== 'object' || block === null) return false;
    const wanted = (block as Record<string, string | string[]>)['aws:SourceArn'];
    if (wanted === undefined) return false;
    const patterns = list(wanted);
    if (operator === 'ArnEquals' || operator === 'StringEquals') return patterns.includes(sourceArn);
    if (operator === 'ArnLike' || operator === 'StringLike')
      return patterns.some(
        (pattern) =>
          evaluatePolicy([{ Effect: 'Allow', Action: '*', Resource: pattern }], 'x:y', sourceArn).allowed,
      );
    return false;
  });
}

/**
 * Whether a queue's (or function's) resource policy grants a {@link ServicePermission}: a
 * statement naming the principal must allow the action on the resource with a source-ARN
 * condition (if it has one) that accepts the topic, and no such statement may deny it. Conditions
 * other than `aws:SourceArn` are not evaluated: a statement with one does not apply.
 *
 * @example
 * ```ts
 * const policy = [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage',
 *   Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': topicArn } } }];
 * resourcePolicyAllows(policy, deliveryPermission(subscription)!); // true
 * ```
 */
export function resourcePolicyAllows(
  policy: readonly ResourcePolicyStatement[],
  permission: ServicePermission,
): boolean {
  const applying = policy
    .filter((statement) => namesPrincipal(statement, permission.principal))
    .filter((statement) => sourceArnHolds(statement, permission.sourceArn))
    .map(({ Condition: _condition, Principal: _principal, ...statement }) => statement);
  return evaluatePolicy(applying, permission.action, permission.resource).allowed;
}

/**
 * Whether a statement's `Condition` holds for a call that, in AWS, reaches the service over TLS,
 * as every SDK call and every service integration does: a `Bool` (or `BoolIfExists`)
 * `aws:SecureTransport` of `false` does not hold, so the CDK's `enforceSSL` deny
 * (`Deny *` unless `aws:SecureTransport`) does not refuse them although the local endpoint speaks
 * plain HTTP. Any other condition is not evaluated and is taken to hold, as for identity policies.
 *
 * @example
 * ```ts
 * conditionHoldsOverTls({ Bool: { 'aws:SecureTransport': 'false' } }); // false
 * conditionHoldsOverTls({ StringEquals: { 'aws:PrincipalOrgID': 'o-1' } }); // true (not evaluated)
 * ```
 */
export function conditionHoldsOverTls(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return true;
  for (const operator of ['Bool', 'BoolIfExists']) {
    const block = (condition as Record<string, unknown>)[operator];
    if (typeof block !== 'object' || block === null) continue;
    const secure = (block as Record<string, unknown>)['aws:SecureTransport'];
    if ([secure].flat().some((value) => String(value).toLowerCase() === 'false')) return false;
  }
  return true;
}
