import { randomUUID } from 'node:crypto';
import { type Clock, RealClock } from '../../clock';
import { StepFunctionsError } from './api-errors';
import {
  type ExecutionJournal,
  type ExecutionRecord,
  type ExecutionServices,
  type RunningExecution,
  executionInput,
  startRun,
  taskOutput,
  validName,
} from './executions';
import type { HistoryEvent } from './history';
import { type StateMachine, type StateMachineConfig, buildStateMachine } from './state-machines';
import type { TaskIntegrations } from './tasks/integrations';
import { TaskTokenError, TaskTokens } from './task-tokens';

/** Options of {@link StepFunctions}. */
export interface StepFunctionsOptions {
  /** How tasks reach Lambda and the other services. */
  readonly integrations: TaskIntegrations;
  /** @default a {@link RealClock} */
  readonly clock?: Clock;
  /** @default 'eu-west-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Saves executions as they change; @default none (in memory only) */
  readonly journal?: ExecutionJournal;
  /** Numbers in [0, 1) for retry jitter. @default Math.random */
  readonly random?: () => number;
}

/** What `StartExecution` answers. */
export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate: number;
}

/** What `GetExecutionHistory` answers. */
export interface ExecutionHistoryPage {
  readonly events: readonly HistoryEvent[];
  readonly nextToken?: string;
}

/**
 * Slice's local Step Functions: the state machines of the templates and their executions, with
 * the operations of the Step Functions API. Its dependencies come in (clock, integrations,
 * journal), so the local cloud's wiring decides how tasks reach the local Lambda runtime and the
 * local AWS endpoint, and tests run it on a {@link TestClock}.
 *
 * @example
 * ```ts
 * const sfn = new StepFunctions({ integrations, clock });
 * const machine = sfn.putStateMachine({ name: 'Kitchen', definition, roleArn });
 * const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, name: 'order-1', input: '{"id":"1"}' });
 * await clock.advance(10 * 60_000);
 * sfn.describeExecution({ executionArn }).status; // 'SUCCEEDED'
 * ```
 */
export class StepFunctions {
  private readonly machines = new Map<string, StateMachine>();
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, RunningExecution>();
  private readonly tokens = new TaskTokens();
  private readonly services: ExecutionServices;

  constructor(options: StepFunctionsOptions) {
    this.services = {
      clock: options.clock ?? new RealClock(),
      integrations: options.integrations,
      tokens: this.tokens,
      region: options.region ?? 'eu-west-1',
      accountId: options.accountId ?? '000000000000',
      random: options.random ?? Math.random,
      ...(options.journal ? { journal: options.journal } : {}),
    };
  }

  /**
   * Creates or replaces a state machine (a start or a redeploy); throws `InvalidDefinition`
   * naming it. Running executions finish on the definition they started with.
   */
  putStateMachine(config: StateMachineConfig): StateMachine {
    const { region, accountId, clock } = this.services;
    const machine = buildStateMachine(config, region, accountId, clock.now());
    this.machines.set(machine.arn, machine);
    return machine;
  }

  /** Removes a state machine; its executions stay readable, as in AWS. */
  deleteStateMachine(stateMachineArn: string): void {
    this.machines.delete(stateMachineArn);
  }

  /** Every state machine, for the local cloud's listings. */
  stateMachines(): StateMachine[] {
    return [...this.machines.values()];
  }

  /** Every execution record (Standard and Express), for `GET /_local/executions`. */
  executions(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  /**
   * `StartExecution`. Idempotent as AWS documents it for Standard workflows: the same name and
   * input as a running execution answers that execution; a name already used otherwise is
   * `ExecutionAlreadyExists`.
   */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): StartedExecution {
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!validName(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const input = executionInput(request.input);
    const existing = machine.type === 'STANDARD' ? this.records.get(this.arnOf(machine, name)) : undefined;
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input)
        return { executionArn: existing.executionArn, startDate: existing.startDate };
      throw new StepFunctionsError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${existing.executionArn}'`,
      );
    }
    const run = this.launch(machine, name, input);
    return { executionArn: run.record.executionArn, startDate: run.record.startDate };
  }

  /** `StartSyncExecution`: runs an Express execution and answers how it ended. */
  async startSyncExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<Record<string, unknown>> {
    const machine = this.machine(request.stateMachineArn);
    if (machine.type !== 'EXPRESS') {
      throw new StepFunctionsError(
        'StateMachineTypeNotSupported',
        'This operation is only supported by EXPRESS state machines.',
      );
    }
    const name = request.name ?? randomUUID();
    if (!validName(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const record = await this.launch(machine, name, executionInput(request.input)).done;
    return {
      ...summary(record),
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: billedMs(record) },
    };
  }

  /** `DescribeExecution` (Standard executions; AWS keeps Express ones in logs only). */
  describeExecution(request: { executionArn: string }): Record<string, unknown> {
    return summary(this.standardRecord(request.executionArn));
  }

  /** `GetExecutionHistory`, with `maxResults` (default 100), `reverseOrder` and `nextToken`. */
  getExecutionHistory(request: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  }): ExecutionHistoryPage {
    const record = this.standardRecord(request.executionArn);
    const events = request.reverseOrder ? [...record.events].reverse() : record.events;
    const start = request.nextToken === undefined ? 0 : Number.parseInt(request.nextToken, 10);
    if (!Number.isInteger(start) || start < 0 || start > events.length) {
      throw new StepFunctionsError('ValidationException', 'Invalid nextToken.');
    }
    const size = request.maxResults && request.maxResults > 0 ? Math.min(request.maxResults, 1000) : 100;
    const page = events
      .slice(start, start + size)
      .map((event) => (request.includeExecutionData === false ? withoutData(event) : event));
    return start + size < events.length
      ? { events: page, nextToken: String(start + size) }
      : { events: page };
  }

  /** `StopExecution`: aborts a running execution and answers when it stopped. */
  async stopExecution(request: {
    executionArn: string;
    error?: string;
    cause?: string;
  }): Promise<{ stopDate: number }> {
    const record = this.standardRecord(request.executionArn);
    const run = this.running.get(record.executionArn);
    if (run) {
      run.stop(request.error, request.cause);
      await run.done;
    }
    return { stopDate: record.stopDate ?? this.services.clock.now() / 1000 };
  }

  /**
   * `ListExecutions` of a Standard state machine, newest first, with `statusFilter`,
   * `maxResults` (default 100, at most 1000) and `nextToken`. Express executions are not listed,
   * as in AWS (`StateMachineTypeNotSupported`).
   */
  listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: string;
    maxResults?: number;
    nextToken?: string;
  }): { executions: Record<string, unknown>[]; nextToken?: string } {
    const machine = this.machine(request.stateMachineArn);
    if (machine.type === 'EXPRESS') {
      throw new StepFunctionsError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine',
      );
    }
    const matching = [...this.records.values()]
      .filter((record) => record.stateMachineArn === machine.arn)
      .filter((record) => request.statusFilter === undefined || record.status === request.statusFilter)
      .sort((left, right) => right.startDate - left.startDate)
      .map(listed);
    return page(matching, request, 'executions');
  }

  /** `DescribeStateMachine`. */
  describeStateMachine(request: { stateMachineArn: string }): Record<string, unknown> {
    const machine = this.machine(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: machine.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  /** `ListStateMachines`, by name, with `maxResults` and `nextToken`. */
  listStateMachines(request: { maxResults?: number; nextToken?: string }): {
    stateMachines: Record<string, unknown>[];
    nextToken?: string;
  } {
    const machines = this.stateMachines()
      .sort((left, right) => left.name.localeCompare(right.name))
      .map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: machine.type,
        creationDate: machine.creationDate,
      }));
    return page(machines, request, 'stateMachines');
  }

  /** `SendTaskSuccess`. */
  sendTaskSuccess(request: { taskToken: string; output: string }): Record<string, never> {
    const output = taskOutput(request.output);
    return this.answerToken(() => this.tokens.succeed(request.taskToken, output));
  }

  /** `SendTaskFailure`. */
  sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    return this.answerToken(() =>
      this.tokens.fail(request.taskToken, request.error ?? '', request.cause ?? ''),
    );
  }

  /** `SendTaskHeartbeat`. */
  sendTaskHeartbeat(request: { taskToken: string }): Record<string, never> {
    return this.answerToken(() => this.tokens.heartbeat(request.taskToken));
  }

  /** The execution a task token belongs to (for the IAM check of `SendTask*`), if it is open. */
  executionOfToken(taskToken: string): string | undefined {
    return this.tokens.executionOf(taskToken);
  }

  /** Resolves when the execution has ended, with its record. */
  async whenDone(executionArn: string): Promise<ExecutionRecord> {
    const run = this.running.get(executionArn);
    if (run) return run.done;
    return this.record(executionArn);
  }

  /**
   * Brings back executions a journal saved. Ended ones are readable again; running ones cannot
   * resume (their position in the states is not saved yet) and are answered, not restored.
   */
  restore(records: readonly ExecutionRecord[]): ExecutionRecord[] {
    const notRestored: ExecutionRecord[] = [];
    for (const record of records) {
      if (record.status === 'RUNNING') notRestored.push(record);
      else this.records.set(record.executionArn, structuredClone(record));
    }
    return notRestored;
  }

  /** Stops every running execution (the local cloud stopping). */
  async stop(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) run.stop('States.Aborted', 'The local cloud stopped.');
    await Promise.all(runs.map((run) => run.done));
  }

  private launch(machine: StateMachine, name: string, input: string): RunningExecution {
    const run = startRun(machine, name, input, this.services);
    const arn = run.record.executionArn;
    this.records.set(arn, run.record);
    this.running.set(arn, run);
    void run.done.finally(() => this.running.delete(arn));
    return run;
  }

  private answerToken(action: () => void): Record<string, never> {
    try {
      action();
      return {};
    } catch (error) {
      if (error instanceof TaskTokenError) throw new StepFunctionsError(error.code, error.message);
      throw error;
    }
  }

  private machine(stateMachineArn: string): StateMachine {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(stateMachineArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    }
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    return machine;
  }

  private arnOf(machine: StateMachine, name: string): string {
    return `arn:aws:states:${this.services.region}:${this.services.accountId}:execution:${machine.name}:${name}`;
  }

  private record(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (!record)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private standardRecord(executionArn: string): ExecutionRecord {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):/.test(executionArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    }
    const record = this.record(executionArn);
    if (record.type === 'EXPRESS')
      throw new StepFunctionsError(
        'InvalidArn',
        `Invalid Arn: 'Resource type not valid in this context: express'`,
      );
    return record;
  }
}

/** One entry of `ListExecutions`. */
const listed = (record: ExecutionRecord): Record<string, unknown> => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: record.startDate,
  ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
});

/** A page of a listing: `nextToken` is the offset of the next page, as `GetExecutionHistory` pages. */
const page = <K extends string>(
  items: Record<string, unknown>[],
  request: { maxResults?: number; nextToken?: string },
  key: K,
): Record<K, Record<string, unknown>[]> & { nextToken?: string } => {
  const start = request.nextToken === undefined ? 0 : Number.parseInt(request.nextToken, 10);
  if (!Number.isInteger(start) || start < 0 || start > items.length)
    throw new StepFunctionsError('ValidationException', 'Invalid nextToken.');
  const size = request.maxResults && request.maxResults > 0 ? Math.min(request.maxResults, 1000) : 100;
  const slice = { [key]: items.slice(start, start + size) } as Record<K, Record<string, unknown>[]>;
  return start + size < items.length ? { ...slice, nextToken: String(start + size) } : slice;
};

/** `DescribeExecution`'s answer for a record. */
const summary = (record: ExecutionRecord): Record<string, unknown> => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: record.startDate,
  ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
  input: record.input,
  inputDetails: { included: true },
  ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
  ...(record.error !== undefined ? { error: record.error } : {}),
  ...(record.cause !== undefined ? { cause: record.cause } : {}),
});

const billedMs = (record: ExecutionRecord): number =>
  Math.max(100, Math.ceil((((record.stopDate ?? record.startDate) - record.startDate) * 1000) / 100) * 100);

/** `includeExecutionData: false` leaves out inputs, outputs and parameters. */
const withoutData = (event: HistoryEvent): HistoryEvent => {
  const copy: Record<string, unknown> = structuredClone(event);
  for (const value of Object.values(copy)) {
    if (typeof value === 'object' && value !== null) {
      for (const key of ['input', 'output', 'parameters', 'assignedVariables'])
        delete (value as Record<string, unknown>)[key];
    }
  }
  return copy as HistoryEvent;
};
