/** The error codes of the Step Functions API that Slice's local Step Functions answers. */
export type StepFunctionsErrorCode =
  | 'StateMachineDoesNotExist'
  | 'StateMachineTypeNotSupported'
  | 'ExecutionDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'ExecutionNotRedrivable'
  | 'InvalidArn'
  | 'InvalidName'
  | 'InvalidExecutionInput'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'InvalidDefinition'
  | 'TaskTimedOut'
  | 'TaskDoesNotExist'
  | 'ValidationException';

/**
 * An API call Step Functions refuses: the code is the `__type` AWS answers with (HTTP 400), the
 * message in AWS's words.
 */
export class StepFunctionsError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly code: StepFunctionsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
