import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ServiceUnavailableError } from '@slice/contract';
import type { TicketWorkflow } from '@slice/contracts-kitchen';
import type { Workflows } from '../domain/ports';
import { cancelledError } from '../domain/ticket';

/** Options of {@link stepFunctionsWorkflows}. */
export interface StepFunctionsWorkflowsOptions {
  readonly client: SFNClient;
  /** The preparation workflow's state machine. */
  readonly stateMachineArn: string;
}

/** The ARN of a state machine's execution by name: `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>`. */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** A token that no longer waits: the step timed out on its heartbeat, or the execution ended. */
const isClosedToken = (error: unknown) =>
  error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken;

/** A throttled or failing Step Functions API: the caller gets a 503 and retries. */
const unavailable = (error: unknown): never => {
  throw new ServiceUnavailableError('The kitchen workflow is not reachable; try again.', { cause: error });
};

const statuses = new Set<TicketWorkflow['status']>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

/**
 * The preparation workflow through the Step Functions API: one Standard execution per order,
 * named after it, so `ExecutionAlreadyExists` means a redelivery found its work done.
 *
 * @example
 * ```ts
 * const workflows = stepFunctionsWorkflows({ client: new SFNClient({}), stateMachineArn: config.stateMachineArn });
 * await workflows.start(order.id, { order, correlationId }); // false the second time
 * ```
 */
export function stepFunctionsWorkflows({
  client,
  stateMachineArn,
}: StepFunctionsWorkflowsOptions): Workflows {
  return {
    async start(name, input) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return true;
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return false;
        throw error;
      }
    },

    async resume(taskToken, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return true;
      } catch (error) {
        if (isClosedToken(error)) return false;
        return unavailable(error);
      }
    },

    async cancel(taskToken, cause) {
      try {
        await client.send(new SendTaskFailureCommand({ taskToken, error: cancelledError, cause }));
      } catch (error) {
        // A closed token: its step already moved on and finds the ticket cancelled itself.
        if (!isClosedToken(error)) throw error;
      }
    },

    async stop(name, cause) {
      try {
        await client.send(
          new StopExecutionCommand({
            executionArn: executionArnOf(stateMachineArn, name),
            error: cancelledError,
            cause,
          }),
        );
      } catch (error) {
        // No execution (a ticket copied from the monolith, never started): nothing to stop.
        if (!(error instanceof ExecutionDoesNotExist)) throw error;
      }
    },

    async describe(name) {
      try {
        const execution = await client.send(
          new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) }),
        );
        const status = statuses.has(execution.status as TicketWorkflow['status'])
          ? (execution.status as TicketWorkflow['status'])
          : 'UNKNOWN';
        return {
          name,
          status,
          ...(execution.startDate ? { startedAt: execution.startDate.toISOString() } : {}),
          ...(execution.stopDate ? { stoppedAt: execution.stopDate.toISOString() } : {}),
        };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return { name, status: 'UNKNOWN' };
        return unavailable(error);
      }
    },
  };
}
