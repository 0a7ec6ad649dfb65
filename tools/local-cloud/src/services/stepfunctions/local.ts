/**
 * Step Functions in the running local cloud: the templates' state machines put into one
 * {@link StepFunctions} on the cloud's clock, each with an identity of its role at the local AWS
 * endpoint (so its tasks are checked against the role's policy), the API registered on the
 * endpoint, and executions kept in the data directory.
 */
import type { Clock } from '../../clock';
import { stableId } from '../../assembly/names';
import type { FunctionSpec, StateMachineSpec } from '../../model';
import type { AwsService } from '../service';
import type { ExecutionRecord } from './executions';
import { createEndpointIntegrations } from './endpoint-integrations';
import { type ExecutionStore, openExecutionStore } from './file-journal';
import type { HistoryEvent } from './history';
import { createStepFunctionsService } from './service';
import { StepFunctions } from './step-functions';

/** What {@link createLocalStepFunctions} wires Step Functions with. */
export interface LocalStepFunctionsOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** The local AWS endpoint every task calls. */
  readonly endpointUrl: () => string;
  /** Gives a caller its access key at the endpoint (see `createLocalIdentities`). */
  readonly credentialsFor: (caller: FunctionSpec) => { readonly accessKeyId: string };
  /** Keeps executions across restarts. @default in memory */
  readonly dataDir?: string;
  readonly log: (line: string) => void;
}

/** An execution as `GET /_local/executions` lists it: its record and its state machine's name. */
export type ExecutionView = ExecutionRecord & { readonly stateMachineName: string };

/** Step Functions as the local cloud runs it. */
export interface LocalStepFunctions {
  readonly sfn: StepFunctions;
  /** The API, to register on the local AWS endpoint. */
  readonly service: AwsService;
  /**
   * Puts the state machines of the model served from now (at start and on every redeploy): new
   * and changed ones are put, removed ones deleted. Running executions finish on the definition
   * they started with. Answers one note per changed or removed state machine.
   */
  load(machines: readonly StateMachineSpec[]): string[];
  /** Every execution, oldest started first; `stateMachine` (a name or an ARN) narrows it to one. */
  executions(filter?: { readonly stateMachine?: string }): ExecutionView[];
  /** Aborts the running executions (recorded as `ExecutionAborted`) and closes the journal. */
  stop(): Promise<void>;
}

/** The error an execution that was running when the local cloud's process ended is closed with. */
export const RESTART_ERROR = 'LocalCloud.Restarted';

/**
 * A state machine's identity at the endpoint: its role's policy, and as session name a stable
 * 32-character id, as Step Functions names the sessions of the roles it assumes.
 */
const identityOf = (spec: StateMachineSpec): FunctionSpec => ({
  id: spec.id,
  stackName: spec.stackName,
  logicalId: spec.logicalId,
  functionName: stableId(`states-session:${spec.id}`, 32),
  arn: spec.arn,
  handler: '',
  codeDir: '',
  runtime: '',
  timeoutSeconds: 0,
  memoryMb: 0,
  environment: {},
  roleArn: spec.roleArn,
  policy: spec.policy,
});

/**
 * An execution that was running when the process ended: it cannot resume (its position in the
 * states is not kept), so it is closed as failed, saying why, with the history it had.
 */
function closedAfterRestart(record: ExecutionRecord, now: number): ExecutionRecord {
  const cause =
    'The local cloud stopped while this execution was running, without stopping it; the local Step Functions does not resume executions after a restart.';
  const last = record.events.at(-1);
  const event: HistoryEvent = {
    id: record.events.length + 1,
    previousEventId: last?.id ?? 0,
    timestamp: now / 1000,
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: RESTART_ERROR, cause },
  };
  return {
    ...record,
    status: 'FAILED',
    stopDate: now / 1000,
    error: RESTART_ERROR,
    cause,
    events: [...record.events, event],
  };
}

/** Ended executions come back; running ones are closed (see {@link closedAfterRestart}) and kept closed. */
function restore(sfn: StepFunctions, store: ExecutionStore, now: number, log: (line: string) => void): void {
  const interrupted = sfn.restore(store.restored).map((record) => closedAfterRestart(record, now));
  sfn.restore(interrupted);
  for (const record of interrupted) store.save(record);
  if (store.restored.length > 0) {
    log(
      `restored ${store.restored.length} executions` +
        (interrupted.length > 0
          ? `; ${interrupted.length} that were running failed with ${RESTART_ERROR}`
          : ''),
    );
  }
}

/** Whether a state machine must be put again: its definition or settings differ. */
const sameMachine = (left: StateMachineSpec, right: StateMachineSpec): boolean =>
  JSON.stringify(left) === JSON.stringify(right);

/**
 * Creates Step Functions for the local cloud.
 *
 * @example
 * ```ts
 * const stepFunctions = createLocalStepFunctions({ clock, region, accountId, endpointUrl: () => endpoint.url, credentialsFor, log });
 * endpoint.services.register(stepFunctions.service);
 * stepFunctions.load(model.stateMachines ?? []); // throws InvalidDefinition naming the state machine
 * ```
 */
export function createLocalStepFunctions(options: LocalStepFunctionsOptions): LocalStepFunctions {
  const accessKeys = new Map<string, string>();
  const store = options.dataDir === undefined ? undefined : openExecutionStore(options.dataDir, options.log);
  const sfn = new StepFunctions({
    clock: options.clock,
    region: options.region,
    accountId: options.accountId,
    integrations: createEndpointIntegrations({
      endpointUrl: options.endpointUrl,
      region: options.region,
      accessKeyOf: (arn) => accessKeys.get(arn),
    }),
    ...(store ? { journal: store } : {}),
  });
  if (store) restore(sfn, store, options.clock.now(), options.log);
  let loaded = new Map<string, StateMachineSpec>();
  return {
    sfn,
    service: createStepFunctionsService(sfn),
    load(machines) {
      const notes: string[] = [];
      const next = new Map(machines.map((spec) => [spec.arn, spec]));
      for (const spec of machines) {
        const previous = loaded.get(spec.arn);
        if (previous && sameMachine(previous, spec)) continue;
        accessKeys.set(spec.arn, options.credentialsFor(identityOf(spec)).accessKeyId);
        sfn.putStateMachine({
          name: spec.name,
          definition: spec.definition,
          definitionSubstitutions: spec.definitionSubstitutions,
          roleArn: spec.roleArn,
          type: spec.type,
        });
        if (previous)
          notes.push(
            `The state machine ${spec.id} changed: running executions finish on the definition they started with.`,
          );
      }
      for (const [arn, spec] of loaded) {
        if (next.has(arn)) continue;
        // Its access key stays: executions still running finish their tasks as its role.
        sfn.deleteStateMachine(arn);
        notes.push(`The state machine ${spec.id} was removed: its executions stay readable.`);
      }
      loaded = next;
      return notes;
    },
    executions(filter = {}) {
      const wanted = filter.stateMachine;
      return sfn
        .executions()
        .map((record) => ({ ...record, stateMachineName: record.stateMachineArn.split(':').at(-1) ?? '' }))
        .filter(
          (view) =>
            wanted === undefined || view.stateMachineArn === wanted || view.stateMachineName === wanted,
        )
        .sort((left, right) => left.startDate - right.startDate);
    },
    async stop() {
      await sfn.stop();
      store?.close();
    },
  };
}
