import { createHash } from 'node:crypto';

const digits = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A stable id of `length` lower-case letters and digits derived from `seed`: what the local cloud
 * uses where AWS would generate an id (REST API ids, resource ids, name suffixes).
 *
 * @example
 * ```ts
 * stableId('SliceOrders-dev/ApiCD79AAA0', 10); // 'k3w9…' — the same on every start
 * ```
 */
export function stableId(seed: string, length: number): string {
  const hash = createHash('sha256').update(seed).digest();
  let id = '';
  for (let index = 0; id.length < length; index++) {
    id += digits[(hash[index % hash.length] ?? 0) % digits.length] ?? '0';
  }
  return id;
}

/**
 * The name CloudFormation would generate for a resource without an explicit name, made
 * deterministic: `<stackName>-<logicalId>`, shortened with a stable suffix when it is longer than
 * the service allows.
 *
 * @example
 * ```ts
 * generatedName('SliceOrders-dev', 'PlaceOrderC1FF4CFE'); // 'SliceOrders-dev-PlaceOrderC1FF4CFE'
 * ```
 */
export function generatedName(stackName: string, logicalId: string, maxLength = 64): string {
  const name = `${stackName}-${logicalId}`;
  if (name.length <= maxLength) return name;
  const suffix = stableId(name, 8);
  return `${name.slice(0, maxLength - suffix.length - 1)}-${suffix}`;
}

/** The fixed label of every local stream ARN: tables are created once per local cloud. */
export const streamLabel = '1970-01-01T00:00:00.000';

/** ARNs and URLs of the resources the local cloud knows, in the account and region given. */
export interface Arns {
  table(name: string): string;
  stream(tableName: string): string;
  function(name: string): string;
  role(name: string, path?: string): string;
  policy(name: string, path?: string): string;
  queue(name: string): string;
  queueUrl(name: string): string;
  topic(name: string): string;
  secret(name: string): string;
  parameter(name: string): string;
  logGroup(name: string): string;
  eventBus(name: string): string;
  rule(name: string): string;
  stateMachine(name: string): string;
  key(id: string): string;
  userPool(id: string): string;
}

/**
 * The ARN builders for one account and region (partition `aws`).
 *
 * @example
 * ```ts
 * arns('000000000000', 'eu-west-1').table('orders'); // 'arn:aws:dynamodb:eu-west-1:000000000000:table/orders'
 * ```
 */
export function arns(accountId: string, region: string): Arns {
  const arn = (service: string, resource: string, inRegion = region) =>
    `arn:aws:${service}:${inRegion}:${accountId}:${resource}`;
  const withPath = (path = '/') => (path.endsWith('/') ? path : `${path}/`);
  return {
    table: (name) => arn('dynamodb', `table/${name}`),
    stream: (tableName) => `${arn('dynamodb', `table/${tableName}`)}/stream/${streamLabel}`,
    function: (name) => arn('lambda', `function:${name}`),
    role: (name, path) => arn('iam', `role${withPath(path)}${name}`, ''),
    policy: (name, path) => arn('iam', `policy${withPath(path)}${name}`, ''),
    queue: (name) => arn('sqs', name),
    queueUrl: (name) => `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
    topic: (name) => arn('sns', name),
    secret: (name) => arn('secretsmanager', `secret:${name}-${stableId(`secret:${name}`, 6)}`),
    parameter: (name) => arn('ssm', `parameter/${name.replace(/^\//, '')}`),
    logGroup: (name) => arn('logs', `log-group:${name}:*`),
    eventBus: (name) => arn('events', `event-bus/${name}`),
    rule: (name) => arn('events', `rule/${name}`),
    stateMachine: (name) => arn('states', `stateMachine:${name}`),
    key: (id) => arn('kms', `key/${id}`),
    userPool: (id) => arn('cognito-idp', `userpool/${id}`),
  };
}

/**
 * The function ARN inside an API Gateway integration or authorizer URI
 * (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`).
 *
 * @example
 * ```ts
 * functionArnOfUri('arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:0:function:f/invocations');
 * // 'arn:aws:lambda:eu-west-1:0:function:f'
 * ```
 */
export function functionArnOfUri(uri: string): string | undefined {
  return /:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(uri)?.[1];
}
