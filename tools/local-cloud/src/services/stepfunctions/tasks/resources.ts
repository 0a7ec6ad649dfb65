import { isRecord } from '../json';

/** The services a Task state reaches, by the name its resource ARN uses. */
export type TaskService = 'lambda' | 'events' | 'sns' | 'sqs' | 'dynamodb' | 'states';

/** What a Task state's `Resource` calls, and how. */
export interface TaskResource {
  readonly service: TaskService;
  /** The API operation (`Invoke`, `PutEvents`, `GetItem`, ...). */
  readonly operation: string;
  /** What the state machine's role must allow (`lambda:InvokeFunction`, `dynamodb:GetItem`, ...). */
  readonly iamAction: string;
  /** `lambda:invoke` and the integrations (`arn:aws:states:::...`), or a bare function ARN. */
  readonly style: 'integration' | 'function-arn';
  /** Request/response, or wait for `SendTaskSuccess`/`SendTaskFailure` with the task token. */
  readonly pattern: 'request-response' | 'wait-for-task-token';
  /** The history's `resourceType` and `resource` (`lambda` / `invoke.waitForTaskToken`). */
  readonly resourceType: string;
  readonly resource: string;
  /** The function ARN of a bare-ARN Lambda task. */
  readonly functionArn?: string;
}

const OPERATIONS: Record<string, { service: TaskService; operation: string; iamAction: string }> = {
  'lambda:invoke': { service: 'lambda', operation: 'Invoke', iamAction: 'lambda:InvokeFunction' },
  'events:putEvents': { service: 'events', operation: 'PutEvents', iamAction: 'events:PutEvents' },
  'sns:publish': { service: 'sns', operation: 'Publish', iamAction: 'sns:Publish' },
  'sqs:sendMessage': { service: 'sqs', operation: 'SendMessage', iamAction: 'sqs:SendMessage' },
  'dynamodb:getItem': { service: 'dynamodb', operation: 'GetItem', iamAction: 'dynamodb:GetItem' },
  'dynamodb:putItem': { service: 'dynamodb', operation: 'PutItem', iamAction: 'dynamodb:PutItem' },
  'dynamodb:updateItem': { service: 'dynamodb', operation: 'UpdateItem', iamAction: 'dynamodb:UpdateItem' },
  'dynamodb:deleteItem': { service: 'dynamodb', operation: 'DeleteItem', iamAction: 'dynamodb:DeleteItem' },
  'states:startExecution': {
    service: 'states',
    operation: 'StartExecution',
    iamAction: 'states:StartExecution',
  },
};

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

/**
 * Reads a Task state's `Resource`; `undefined` for one Slice's local Step Functions does not run
 * (activities, `.sync`, SDK integrations other than these).
 *
 * @example
 * ```ts
 * parseResource('arn:aws:states:::lambda:invoke.waitForTaskToken');
 * // { service: 'lambda', operation: 'Invoke', pattern: 'wait-for-task-token', resource: 'invoke.waitForTaskToken', ... }
 * ```
 */
export const parseResource = (arn: string): TaskResource | undefined => {
  if (FUNCTION_ARN.test(arn)) {
    return {
      service: 'lambda',
      operation: 'Invoke',
      iamAction: 'lambda:InvokeFunction',
      style: 'function-arn',
      pattern: 'request-response',
      resourceType: 'lambda',
      resource: arn,
      functionArn: arn,
    };
  }
  const match = /^arn:aws[a-z-]*:states:::([a-z]+:[A-Za-z]+)(\.waitForTaskToken)?$/.exec(arn);
  const known = match && OPERATIONS[match[1] as string];
  if (!match || !known) return undefined;
  const [resourceType, action] = (match[1] as string).split(':') as [string, string];
  const waits = match[2] !== undefined;
  return {
    ...known,
    style: 'integration',
    pattern: waits ? 'wait-for-task-token' : 'request-response',
    resourceType,
    resource: waits ? `${action}.waitForTaskToken` : action,
  };
};

/** Every Task resource of a definition (branches and processors included) that Slice cannot run. */
export const unsupportedResources = (definition: unknown): string[] => {
  if (Array.isArray(definition)) return definition.flatMap(unsupportedResources);
  if (!isRecord(definition)) return [];
  const own =
    definition.Type === 'Task' &&
    typeof definition.Resource === 'string' &&
    !parseResource(definition.Resource)
      ? [definition.Resource]
      : [];
  return [...own, ...Object.values(definition).flatMap(unsupportedResources)];
};
