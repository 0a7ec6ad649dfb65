/**
 * The Step Functions API as a service of the local AWS endpoint (`AWSStepFunctions.<Operation>`,
 * AWS JSON 1.0, signing name `states`): the endpoint identifies the caller and checks the
 * permission {@link planOperation} names against its policy, then the registry answers.
 */
import { AwsError } from '../../endpoint/errors';
import { awsJsonProtocol } from '../../endpoint/json-protocol';
import { type AwsService, jsonAnswer } from '../service';
import { StepFunctionsError } from './api-errors';
import { OPERATIONS, type OperationPlan, planOperation } from './operations';
import type { StepFunctions } from './step-functions';

const protocol = awsJsonProtocol({ version: '1.0' });

/** A refusal of the API, as AWS answers it: HTTP 400 with the error's name as `__type`. */
const asAwsError = (error: unknown): unknown =>
  error instanceof StepFunctionsError ? new AwsError(error.statusCode, error.code, error.message) : error;

function plan(sfn: StepFunctions, operation: string, input: unknown): OperationPlan {
  if (!OPERATIONS.includes(operation)) {
    throw new AwsError(
      400,
      'UnknownOperationException',
      `The local Step Functions does not serve ${operation || 'this operation'}: it serves ${OPERATIONS.join(', ')}.`,
    );
  }
  try {
    return planOperation(sfn, operation, input);
  } catch (error) {
    throw asAwsError(error);
  }
}

/**
 * Creates the Step Functions service over a {@link StepFunctions} registry. It takes no part in a
 * redeploy itself: the state machines are put by the local cloud's Step Functions part.
 *
 * @example
 * ```ts
 * endpoint.services.register(createStepFunctionsService(sfn));
 * // an SDK's SFNClient at endpoint.url: StartExecution, DescribeExecution, SendTaskSuccess, ...
 * ```
 */
export function createStepFunctionsService(sfn: StepFunctions): AwsService {
  return {
    signingName: 'states',
    targetPrefix: 'AWSStepFunctions',
    protocol,
    describe: 'Step Functions (executions, task tokens, state machines)',
    call(request) {
      const planned = plan(sfn, request.operation, request.input);
      return {
        permissions: [{ action: planned.permission.action, resources: [planned.permission.resource] }],
        answer: async () => {
          try {
            return jsonAnswer(await planned.run());
          } catch (error) {
            throw asAwsError(error);
          }
        },
      };
    },
    update: () => Promise.resolve({}),
    stop: () => sfn.stop(),
  };
}
