import { randomUUID } from 'node:crypto';
import { StatesError } from '../errors';
import { type Json, type JsonObject, isRecord, parseJson } from '../json';
import type { TaskResource, TaskService } from './resources';

/** One call a Task state makes, as the state machine's role. */
export interface IntegrationRequest {
  readonly service: TaskService;
  /** The API operation: `Invoke`, `PutEvents`, `Publish`, `SendMessage`, `GetItem`, `StartExecution`, ... */
  readonly operation: string;
  /** What IAM must allow the role, e.g. `dynamodb:PutItem` (the wiring adds the resource). */
  readonly iamAction: string;
  /**
   * The API request, as the service's API takes it (`FunctionName` and `Payload` for Lambda,
   * `QueueUrl` and `MessageBody` for SQS, ...). Bodies Step Functions serializes (`Payload`
   * stays JSON; `MessageBody`, `Message`, `Detail`, `Input`) are already JSON text.
   */
  readonly request: JsonObject;
  readonly roleArn: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
}

/**
 * What an integration answered: the API's response (for Lambda: `StatusCode`, `Payload` as the
 * function's JSON answer, `FunctionError` when it threw, `ExecutedVersion`), or the error the API
 * answered (`AccessDeniedException` when the role lacks the grant).
 */
export type IntegrationOutcome =
  | { readonly ok: true; readonly response: JsonObject }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly statusCode: number };

/**
 * How Step Functions reaches other services. The local cloud's wiring maps it onto the local
 * Lambda runtime and the local AWS endpoint, with IAM checked against the state machine's role;
 * tests give their own.
 */
export interface TaskIntegrations {
  call(request: IntegrationRequest, signal: AbortSignal): Promise<IntegrationOutcome>;
}

/** Fields Step Functions sends as JSON text when the state gives JSON. */
const SERIALIZED: Partial<Record<TaskService, readonly string[]>> = {
  sqs: ['MessageBody'],
  sns: ['Message'],
  states: ['Input'],
};

/** The API request for a state's arguments, with bodies serialized as Step Functions does. */
export const integrationRequest = (resource: TaskResource, args: Json): JsonObject => {
  if (resource.style === 'function-arn')
    return { FunctionName: resource.functionArn as string, Payload: args };
  if (!isRecord(args))
    throw new StatesError(
      'States.Runtime',
      `The arguments of ${resource.resourceType}:${resource.resource} must be an object.`,
    );
  const request: JsonObject = { ...args };
  for (const name of SERIALIZED[resource.service] ?? []) {
    const value = request[name];
    if (value !== undefined && typeof value !== 'string') request[name] = JSON.stringify(value);
  }
  if (resource.service === 'events' && Array.isArray(request.Entries)) {
    request.Entries = request.Entries.map((entry) =>
      isRecord(entry) && entry.Detail !== undefined && typeof entry.Detail !== 'string'
        ? { ...entry, Detail: JSON.stringify(entry.Detail) }
        : entry,
    );
  }
  return request;
};

const metadata = (requestId: string): JsonObject => ({
  SdkHttpMetadata: {
    AllHttpHeaders: { 'x-amzn-RequestId': [requestId] },
    HttpHeaders: { 'x-amzn-RequestId': requestId },
    HttpStatusCode: 200,
  },
  SdkResponseMetadata: { RequestId: requestId },
});

/**
 * The task's result from a successful answer, shaped as Step Functions shapes it:
 * `lambda:invoke` answers `{ ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata,
 * StatusCode }`, a bare function ARN the payload alone; a function error fails the task with the
 * function's `errorType` and its error as cause; a `PutEvents` with failed entries fails with
 * `EventBridge.FailedEntry`.
 */
export const taskResult = (resource: TaskResource, response: JsonObject): Json => {
  const requestId = randomUUID();
  if (resource.service === 'lambda') {
    const payload =
      typeof response.Payload === 'string'
        ? (parseJson(response.Payload) ?? response.Payload)
        : (response.Payload ?? null);
    if (response.FunctionError !== undefined) {
      const errorType =
        isRecord(payload) && typeof payload.errorType === 'string' ? payload.errorType : 'Lambda.Unknown';
      throw new StatesError(errorType, typeof payload === 'string' ? payload : JSON.stringify(payload));
    }
    if (resource.style === 'function-arn') return payload;
    return {
      ExecutedVersion: response.ExecutedVersion ?? '$LATEST',
      Payload: payload,
      ...metadata(requestId),
      StatusCode: response.StatusCode ?? 200,
    };
  }
  if (
    resource.service === 'events' &&
    typeof response.FailedEntryCount === 'number' &&
    response.FailedEntryCount > 0
  ) {
    throw new StatesError('EventBridge.FailedEntry', JSON.stringify(response));
  }
  return { ...response, ...metadata(requestId) };
};

/** The SDK client names and generic exception classes AWS's errors for each service carry. */
const SERVICES: Record<TaskService, { prefix: string; generic: string; sdk: string }> = {
  lambda: { prefix: 'Lambda', generic: 'AWSLambdaException', sdk: 'AWSLambda' },
  dynamodb: { prefix: 'DynamoDB', generic: 'AmazonDynamoDBException', sdk: 'AmazonDynamoDBv2' },
  sqs: { prefix: 'SQS', generic: 'AmazonSQSException', sdk: 'AmazonSQS' },
  sns: { prefix: 'SNS', generic: 'AmazonSNSException', sdk: 'AmazonSNS' },
  events: { prefix: 'EventBridge', generic: 'AmazonEventBridgeException', sdk: 'AmazonEventBridge' },
  states: { prefix: 'StepFunctions', generic: 'AWSStepFunctionsException', sdk: 'AWSStepFunctions' },
};

/** Error codes no SDK models as their own exception class: AWS names them by the generic class. */
const GENERIC_CODES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'AuthorizationError',
  'ValidationException',
  'UnrecognizedClientException',
]);

/**
 * The error a failed call fails the task with, named as AWS names it: the service's prefix and
 * the exception class (`Lambda.AWSLambdaException` for a role that may not invoke the function,
 * `DynamoDB.ConditionalCheckFailedException`), the cause in the SDK's words.
 */
export const integrationError = (
  service: TaskService,
  outcome: { code: string; message: string; statusCode: number },
): StatesError => {
  const { prefix, generic, sdk } = SERVICES[service];
  const code = outcome.code.replace(/^.*#/, '');
  const name = GENERIC_CODES.has(code) ? generic : code.endsWith('Exception') ? code : `${code}Exception`;
  const cause = `${outcome.message} (Service: ${sdk}; Status Code: ${outcome.statusCode}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`;
  return new StatesError(`${prefix}.${name}`, cause);
};
