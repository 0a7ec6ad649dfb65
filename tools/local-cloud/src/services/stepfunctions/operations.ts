import { StepFunctionsError } from './api-errors';
import { isRecord } from './json';
import type { StepFunctions } from './step-functions';

/** What a caller must be allowed, and how to answer once IAM allowed it. */
export interface OperationPlan {
  readonly permission: { readonly action: string; readonly resource: string };
  run(): Promise<unknown>;
}

type Body = Record<string, unknown>;

const text = (body: Body, name: string): string => {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new StepFunctionsError(
      'ValidationException',
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
};

/** Answers through a promise, so a refusal rejects rather than throws. */
const answer = (run: () => unknown) => (): Promise<unknown> => Promise.resolve().then(run);

const optionalText = (body: Body, name: string): string | undefined =>
  typeof body[name] === 'string' ? body[name] : undefined;

/** The state machine ARN an execution ARN belongs to (`...:execution:Name:run` → `...:stateMachine:Name`). */
const machineOf = (executionArn: string): string =>
  executionArn.replace(/:(execution|express):([^:]+):.*$/, ':stateMachine:$2');

/** `SendTask*` is allowed on the state machine whose task holds the token. */
const tokenResource = (sfn: StepFunctions, body: Body): string => {
  const execution = sfn.executionOfToken(text(body, 'taskToken'));
  return execution ? machineOf(execution) : '*';
};

const PLANS: Record<string, (sfn: StepFunctions, body: Body) => OperationPlan> = {
  StartExecution: (sfn, body) => ({
    permission: { action: 'states:StartExecution', resource: text(body, 'stateMachineArn') },
    run: answer(() => sfn.startExecution({ stateMachineArn: text(body, 'stateMachineArn'), ...names(body) })),
  }),
  StartSyncExecution: (sfn, body) => ({
    permission: { action: 'states:StartSyncExecution', resource: text(body, 'stateMachineArn') },
    run: answer(() =>
      sfn.startSyncExecution({ stateMachineArn: text(body, 'stateMachineArn'), ...names(body) }),
    ),
  }),
  DescribeExecution: (sfn, body) => ({
    permission: { action: 'states:DescribeExecution', resource: text(body, 'executionArn') },
    run: answer(() => sfn.describeExecution({ executionArn: text(body, 'executionArn') })),
  }),
  GetExecutionHistory: (sfn, body) => ({
    permission: { action: 'states:GetExecutionHistory', resource: text(body, 'executionArn') },
    run: answer(() =>
      sfn.getExecutionHistory({
        executionArn: text(body, 'executionArn'),
        ...(typeof body.maxResults === 'number' ? { maxResults: body.maxResults } : {}),
        ...(typeof body.reverseOrder === 'boolean' ? { reverseOrder: body.reverseOrder } : {}),
        ...(typeof body.includeExecutionData === 'boolean'
          ? { includeExecutionData: body.includeExecutionData }
          : {}),
        ...(optionalText(body, 'nextToken') !== undefined
          ? { nextToken: optionalText(body, 'nextToken')! }
          : {}),
      }),
    ),
  }),
  StopExecution: (sfn, body) => ({
    permission: { action: 'states:StopExecution', resource: text(body, 'executionArn') },
    run: answer(() => sfn.stopExecution({ executionArn: text(body, 'executionArn'), ...errorFields(body) })),
  }),
  ListExecutions: (sfn, body) => ({
    permission: { action: 'states:ListExecutions', resource: text(body, 'stateMachineArn') },
    run: answer(() =>
      sfn.listExecutions({
        stateMachineArn: text(body, 'stateMachineArn'),
        ...paging(body),
        ...(optionalText(body, 'statusFilter') !== undefined
          ? { statusFilter: optionalText(body, 'statusFilter')! }
          : {}),
      }),
    ),
  }),
  DescribeStateMachine: (sfn, body) => ({
    permission: { action: 'states:DescribeStateMachine', resource: text(body, 'stateMachineArn') },
    run: answer(() => sfn.describeStateMachine({ stateMachineArn: text(body, 'stateMachineArn') })),
  }),
  ListStateMachines: (sfn, body) => ({
    permission: { action: 'states:ListStateMachines', resource: '*' },
    run: answer(() => sfn.listStateMachines(paging(body))),
  }),
  SendTaskSuccess: (sfn, body) => ({
    permission: { action: 'states:SendTaskSuccess', resource: tokenResource(sfn, body) },
    run: answer(() =>
      sfn.sendTaskSuccess({ taskToken: text(body, 'taskToken'), output: text(body, 'output') }),
    ),
  }),
  SendTaskFailure: (sfn, body) => ({
    permission: { action: 'states:SendTaskFailure', resource: tokenResource(sfn, body) },
    run: answer(() => sfn.sendTaskFailure({ taskToken: text(body, 'taskToken'), ...errorFields(body) })),
  }),
  SendTaskHeartbeat: (sfn, body) => ({
    permission: { action: 'states:SendTaskHeartbeat', resource: tokenResource(sfn, body) },
    run: answer(() => sfn.sendTaskHeartbeat({ taskToken: text(body, 'taskToken') })),
  }),
};

const paging = (body: Body): { maxResults?: number; nextToken?: string } => ({
  ...(typeof body.maxResults === 'number' ? { maxResults: body.maxResults } : {}),
  ...(optionalText(body, 'nextToken') !== undefined ? { nextToken: optionalText(body, 'nextToken')! } : {}),
});

const names = (body: Body): { name?: string; input?: string } => ({
  ...(optionalText(body, 'name') !== undefined ? { name: optionalText(body, 'name')! } : {}),
  ...(body.input !== undefined ? { input: body.input as string } : {}),
});

const errorFields = (body: Body): { error?: string; cause?: string } => ({
  ...(optionalText(body, 'error') !== undefined ? { error: optionalText(body, 'error')! } : {}),
  ...(optionalText(body, 'cause') !== undefined ? { cause: optionalText(body, 'cause')! } : {}),
});

/** The Step Functions API operations the local cloud serves. */
export const OPERATIONS = Object.keys(PLANS);

/**
 * Plans one Step Functions API call (the `X-Amz-Target` operation and its JSON body): the
 * permission IAM must grant the caller, and the answer to give once it does. An unknown
 * operation or a malformed body is a {@link StepFunctionsError}.
 *
 * @example
 * ```ts
 * const plan = planOperation(sfn, 'StartExecution', { stateMachineArn, input: '{}' });
 * // plan.permission: { action: 'states:StartExecution', resource: stateMachineArn }
 * const answer = await plan.run(); // { executionArn, startDate }
 * ```
 */
export const planOperation = (sfn: StepFunctions, operation: string, body: unknown): OperationPlan => {
  const plan = PLANS[operation];
  if (!plan)
    throw new StepFunctionsError(
      'ValidationException',
      `The operation ${operation} is not served by the local Step Functions.`,
    );
  if (!isRecord(body))
    throw new StepFunctionsError('ValidationException', 'The request body must be a JSON object.');
  return plan(sfn, body);
};
