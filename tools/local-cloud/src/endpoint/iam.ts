import type { PolicyStatement } from '../model';

/** What {@link evaluatePolicy} decided. */
export type IamDecision =
  | {
      readonly allowed: true;
      /** Statements that applied although they carry a `Condition` the local cloud does not evaluate. */
      readonly ignoredConditions: readonly PolicyStatement[];
    }
  | {
      readonly allowed: false;
      /** `explicit-deny`: a `Deny` statement matched; `no-allow`: no `Allow` statement matched. */
      readonly reason: 'explicit-deny' | 'no-allow';
      /** The (first) resource the action was denied on. */
      readonly resource: string;
      readonly ignoredConditions: readonly PolicyStatement[];
    };

const patterns = new Map<string, RegExp>();

/** `*` matches any run of characters, `?` any one character; everything else literally. */
function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let compiled = patterns.get(key);
  if (!compiled) {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    patterns.set(key, compiled);
  }
  return compiled;
}

/**
 * Whether an IAM action pattern (`dynamodb:Get*`, `events:PutEvents`, `*`) matches an action.
 * Actions compare case-insensitively, service prefix included, as IAM compares them.
 *
 * @example
 * ```ts
 * actionMatches('DynamoDB:get*', 'dynamodb:GetItem'); // true
 * actionMatches('dynamodb:Get?tem', 'dynamodb:GetItems'); // false
 * ```
 */
export function actionMatches(pattern: string, action: string): boolean {
  return globToRegExp(pattern, true).test(action);
}

/** Splits an ARN into its six components; the resource keeps its own colons. */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Whether an IAM resource pattern matches a resource ARN. `*` alone matches everything; in an
 * ARN, each of the six components is matched on its own (a wildcard does not reach across the
 * colons into the next one, but does across the `/` of the resource), case-sensitively.
 *
 * @example
 * ```ts
 * resourceMatches('arn:aws:dynamodb:*:*:table/Orders/index/*', 'arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/gsi1'); // true
 * resourceMatches('arn:aws:dynamodb:*:*:table/Orders', 'arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/gsi1'); // false
 * ```
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.startsWith('arn:')) return globToRegExp(pattern, false).test(resource);
  const wanted = arnComponents(pattern);
  const actual = arnComponents(resource);
  // A pattern without its six components matches nothing, as IAM reads it.
  if (!wanted || !actual) return false;
  return wanted.every((component, index) => globToRegExp(component, false).test(actual[index] ?? ''));
}

const list = (value: string | readonly string[] | undefined): readonly string[] | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? [value] : value;

/** Whether a statement applies to an action on a resource, conditions aside. */
function applies(statement: PolicyStatement, action: string, resource: string): boolean {
  const actions = list(statement.Action);
  const notActions = list(statement.NotAction);
  const actionApplies = actions
    ? actions.some((pattern) => actionMatches(pattern, action))
    : notActions
      ? !notActions.some((pattern) => actionMatches(pattern, action))
      : false;
  if (!actionApplies) return false;
  const resources = list(statement.Resource);
  const notResources = list(statement.NotResource);
  return resources
    ? resources.some((pattern) => resourceMatches(pattern, resource))
    : notResources
      ? !notResources.some((pattern) => resourceMatches(pattern, resource))
      : false;
}

/**
 * Decides, as IAM does for an identity-based policy, whether a principal with `policy` may
 * perform `action` on every one of `resources`: a matching `Deny` wins; otherwise each resource
 * needs a matching `Allow` (by `Action` or `NotAction`, and `Resource` or `NotResource`, with `*`
 * and `?` wildcards); otherwise it is denied implicitly. `Condition` blocks are not evaluated: a
 * statement with one applies as if it held, and is reported in `ignoredConditions`. An action
 * without resource-level permissions is checked against the resource `*`.
 *
 * @example
 * ```ts
 * const policy = [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${tableArn}/index/*` }];
 * evaluatePolicy(policy, 'dynamodb:Query', `${tableArn}/index/gsi1`).allowed; // true
 * evaluatePolicy(policy, 'dynamodb:Query', tableArn); // { allowed: false, reason: 'no-allow', resource: tableArn, ... }
 * ```
 */
export function evaluatePolicy(
  policy: readonly PolicyStatement[],
  action: string,
  resources: string | readonly string[],
): IamDecision {
  const checked = typeof resources === 'string' ? [resources] : resources.length > 0 ? resources : ['*'];
  const ignoredConditions = new Set<PolicyStatement>();
  let denied: { reason: 'explicit-deny' | 'no-allow'; resource: string } | undefined;
  for (const resource of checked) {
    const matching = policy.filter((statement) => applies(statement, action, resource));
    for (const statement of matching) if (statement.Condition) ignoredConditions.add(statement);
    if (matching.some((statement) => statement.Effect === 'Deny')) {
      denied = { reason: 'explicit-deny', resource };
      break;
    }
    if (!denied && !matching.some((statement) => statement.Effect === 'Allow')) {
      denied = { reason: 'no-allow', resource };
    }
  }
  return denied
    ? { allowed: false, ...denied, ignoredConditions: [...ignoredConditions] }
    : { allowed: true, ignoredConditions: [...ignoredConditions] };
}

/**
 * The principal a function calls AWS as: its role's session, named after the function.
 *
 * @example
 * ```ts
 * assumedRoleArn('123456789012', 'arn:aws:iam::123456789012:role/SliceOrders-dev-PlaceOrderRole', 'PlaceOrder');
 * // 'arn:aws:sts::123456789012:assumed-role/SliceOrders-dev-PlaceOrderRole/PlaceOrder'
 * ```
 */
export function assumedRoleArn(accountId: string, roleArn: string, sessionName: string): string {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/**
 * The message AWS answers a denied call with.
 *
 * @example
 * ```ts
 * denialMessage(principal, 'dynamodb:PutItem', { allowed: false, reason: 'no-allow', resource: tableArn, ignoredConditions: [] });
 * // 'User: arn:aws:sts::…:assumed-role/…/PlaceOrder is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:…
 * //  because no identity-based policy allows the dynamodb:PutItem action'
 * ```
 */
export function denialMessage(
  principal: string,
  action: string,
  decision: Extract<IamDecision, { allowed: false }>,
): string {
  const why =
    decision.reason === 'explicit-deny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${principal} is not authorized to perform: ${action} on resource: ${decision.resource} ${why}`;
}
