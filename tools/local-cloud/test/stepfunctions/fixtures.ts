import { TestClock } from '../../src/clock';
import {
  type HistoryEvent,
  type IntegrationOutcome,
  type IntegrationRequest,
  type Json,
  type JsonObject,
  StepFunctions,
  type TaskIntegrations,
} from '../../src/services/stepfunctions';

/** A function the fake Lambda runs: its answer, or a thrown error (a function error). */
export type FakeFunction = (payload: Json) => Json | Promise<Json>;

/** A function error as Lambda reports it. */
export class FunctionFailure extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/KitchenWorkflowRole';
export const START = new Date('2026-12-01T09:00:00.000Z');

/**
 * Integrations standing in for the local Lambda runtime and endpoint: functions by name, the
 * other services answered from `responses`, and `denied` IAM actions answered with
 * AccessDenied as the endpoint would.
 */
export class FakeIntegrations implements TaskIntegrations {
  readonly calls: IntegrationRequest[] = [];
  readonly functions = new Map<string, FakeFunction>();
  readonly responses = new Map<string, JsonObject>();
  readonly denied = new Set<string>();

  async call(request: IntegrationRequest): Promise<IntegrationOutcome> {
    this.calls.push(request);
    if (this.denied.has(request.iamAction)) {
      const resource = JSON.stringify(
        request.request.FunctionName ?? request.request.TableName ?? request.request.QueueUrl ?? '*',
      );
      return {
        ok: false,
        code: 'AccessDeniedException',
        statusCode: request.service === 'lambda' ? 403 : 400,
        message: `User: ${request.roleArn.replace(':role/', ':assumed-role/').replace('iam::', 'sts::')}/session is not authorized to perform: ${request.iamAction} on resource: ${resource} because no identity-based policy allows the ${request.iamAction} action`,
      };
    }
    if (request.service !== 'lambda')
      return { ok: true, response: this.responses.get(request.operation) ?? {} };
    const name =
      (typeof request.request.FunctionName === 'string' ? request.request.FunctionName : '')
        .split(':')
        .at(-1) ?? '';
    const fn = this.functions.get(name);
    if (!fn)
      return {
        ok: false,
        code: 'ResourceNotFoundException',
        statusCode: 404,
        message: `Function not found: ${name}`,
      };
    try {
      return {
        ok: true,
        response: {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          Payload: await fn(request.request.Payload ?? null),
        },
      };
    } catch (error) {
      const failure = error instanceof FunctionFailure ? error : new FunctionFailure('Error', String(error));
      return {
        ok: true,
        response: {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          Payload: { errorType: failure.errorType, errorMessage: failure.message, trace: [] },
        },
      };
    }
  }
}

/** A local Step Functions on a test clock, with fake integrations. */
export const harness = () => {
  const clock = new TestClock(START);
  const integrations = new FakeIntegrations();
  const sfn = new StepFunctions({
    clock,
    integrations,
    region: 'eu-west-1',
    accountId: '000000000000',
    random: () => 0.5,
  });
  return { clock, integrations, sfn };
};

/** The events' types, in order. */
export const types = (events: readonly HistoryEvent[]): string[] => events.map((event) => event.type);

/** The first event of a type, with its details. */
export const eventOf = (events: readonly HistoryEvent[], type: string, nth = 0): HistoryEvent => {
  const found = events.filter((event) => event.type === type)[nth];
  if (!found) throw new Error(`No ${type} event #${nth} in ${types(events).join(', ')}`);
  return found;
};

/** The execution's events after it ended. */
export const historyOf = async (sfn: StepFunctions, executionArn: string): Promise<HistoryEvent[]> => {
  await sfn.whenDone(executionArn);
  return [...sfn.getExecutionHistory({ executionArn, maxResults: 1000 }).events];
};

export const lambdaArn = (name: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;

/** The error a call throws (a test fails when it throws nothing). */
export const thrown = (call: () => unknown): unknown => {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw.');
};
