/**
 * Per-service redeploy into the running local cloud: `nx run <service>:deploy --configuration=local`
 * posts the service's freshly synthesized assembly to `POST /_local/redeploy`, and the cloud swaps
 * that service's tables, functions, APIs and stream event sources while every other service keeps
 * its warm environments and its data.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EventSourceMappingSpec, LocalModel } from './assembly';
import {
  type FailedStreamBatch,
  type StreamEventSources,
  type StreamEventSourcesOptions,
  startStreamEventSources,
} from './services/lambda';
import type { FunctionSpec } from './model';
import type { LocalPart, ModelChange, ModelChanges, ResourceChanges } from './services/service';

export type { ResourceChanges } from './services/service';

/** One step of a redeploy: a part of the local cloud taking the new model. */
export type RedeployStep = Pick<LocalPart, 'update'>;

/** The answer of `POST /_local/redeploy`. */
export interface RedeploySummary {
  /** The assembly folder that was redeployed. */
  readonly assembly: string;
  /** The stacks of that assembly. */
  readonly stacks: readonly string[];
  /** A changed function got fresh environments; an unchanged one (same code, environment and settings) kept its warm ones. */
  readonly functions: ResourceChanges;
  /** Functions whose role policy changed: the new policy is checked from now on; their environments stay warm. */
  readonly policies: readonly string[];
  readonly apis: ResourceChanges;
  /** An added table is created empty; a changed or removed one keeps its data (see `notes`). */
  readonly tables: ResourceChanges;
  readonly eventSourceMappings: ResourceChanges;
  /** What the local cloud did not apply, one sentence each. */
  readonly notes: readonly string[];
  readonly durationMs: number;
}

/** A redeploy request the local cloud refuses (not an assembly, outside `dist/`, unresolvable). */
export class RedeployError extends Error {
  override readonly name = 'RedeployError';
}

interface Identified {
  readonly stackName: string;
}

const idOf = (item: Identified & { readonly id?: string; readonly logicalId: string }): string =>
  item.id ?? `${item.stackName}/${item.logicalId}`;

const count = (changes: ResourceChanges) =>
  `${changes.added.length} added, ${changes.changed.length} changed, ${changes.unchanged.length} unchanged, ${changes.removed.length} removed`;

/** A function's spec without its policy: what decides whether its environments can stay warm. */
const runnable = ({ policy: _policy, ...rest }: FunctionSpec) => rest;

function diff<T extends Identified & { readonly id?: string; readonly logicalId: string }>(
  before: readonly T[],
  after: readonly T[],
  stacks: ReadonlySet<string>,
  same: (left: T, right: T) => boolean = isDeepStrictEqual,
): ResourceChanges {
  const old = new Map(before.filter((item) => stacks.has(item.stackName)).map((item) => [idOf(item), item]));
  const changes = { added: [] as string[], changed: [] as string[], unchanged: [] as string[] };
  const seen = new Set<string>();
  for (const item of after) {
    if (!stacks.has(item.stackName)) continue;
    const id = idOf(item);
    seen.add(id);
    const previous = old.get(id);
    if (!previous) changes.added.push(id);
    else if (same(previous, item)) changes.unchanged.push(id);
    else changes.changed.push(id);
  }
  return { ...changes, removed: [...old.keys()].filter((id) => !seen.has(id)) };
}

/** What redeploying `stacks` from `next` changes in the running `current` model. */
export interface RedeployPlan extends ModelChanges {
  /** The model to run: `current` with the resources of `stacks` taken from `next`. */
  readonly model: LocalModel;
}

/**
 * Compares the resources of `stacks` in the running model with a freshly loaded one and builds
 * the model to run next: every other stack's resources stay exactly as they run now (a service
 * synthesized but not redeployed is not picked up), the routing rules, parameters and secrets
 * are the fresh model's.
 *
 * @example
 * ```ts
 * const plan = planRedeploy(cloud.model, loadAssemblies(dirs, options), new Set(['SliceMenu-dev']));
 * plan.functions.changed; // ['SliceMenu-dev/GetMenuItem1A2B3C4D']
 * ```
 */
export function planRedeploy(
  current: LocalModel,
  next: LocalModel,
  stacks: ReadonlySet<string>,
): RedeployPlan {
  const pick = <T extends Identified>(before: readonly T[], after: readonly T[]): T[] => [
    ...before.filter((item) => !stacks.has(item.stackName)),
    ...after.filter((item) => stacks.has(item.stackName)),
  ];
  const functions = diff(current.functions, next.functions, stacks, (left, right) =>
    isDeepStrictEqual(runnable(left), runnable(right)),
  );
  const before = new Map(current.functions.map((fn) => [fn.id, fn]));
  const policies = next.functions
    .filter((fn) => stacks.has(fn.stackName))
    .filter((fn) => {
      const previous = before.get(fn.id);
      return previous !== undefined && !isDeepStrictEqual(previous.policy, fn.policy);
    })
    .map((fn) => fn.id);
  return {
    functions,
    policies,
    apis: diff(current.restApis, next.restApis, stacks),
    tables: diff(current.tables, next.tables, stacks, (left, right) =>
      isDeepStrictEqual(
        { ...left.createTableInput, ttl: left.timeToLiveAttribute },
        { ...right.createTableInput, ttl: right.timeToLiveAttribute },
      ),
    ),
    eventSourceMappings: diff(current.eventSourceMappings, next.eventSourceMappings, stacks),
    model: {
      ...next,
      stacks: [
        ...current.stacks.filter((stack) => !stacks.has(stack.name)),
        ...next.stacks.filter((stack) => stacks.has(stack.name)),
      ],
      functions: pick(current.functions, next.functions),
      tables: pick(current.tables, next.tables),
      queues: pick(current.queues, next.queues),
      restApis: pick(current.restApis, next.restApis),
      eventSourceMappings: pick(current.eventSourceMappings, next.eventSourceMappings),
      permissions: pick(current.permissions, next.permissions),
      stateMachines: pick(current.stateMachines ?? [], next.stateMachines ?? []),
    },
  };
}

/** The stream event sources of the local cloud, one poller per mapping, so a redeploy can swap some and keep the others. */
export interface StreamSourcePool extends StreamEventSources {
  /**
   * Runs `mappings` from now on: an unchanged mapping keeps polling from its checkpoint (its
   * function's new code gets the next batch), a changed one restarts at its starting position, a
   * removed one stops after its batch in flight.
   */
  update(mappings: readonly EventSourceMappingSpec[], functions: readonly FunctionSpec[]): void;
}

/**
 * Starts the stream event sources of `mappings`, each mapping on its own, so that
 * {@link StreamSourcePool.update} can replace the mappings of one service.
 *
 * @example
 * ```ts
 * const pool = createStreamSourcePool({ mappings: model.eventSourceMappings, streams, runtime, functions: model.functions });
 * pool.update(nextModel.eventSourceMappings, nextModel.functions);
 * ```
 */
export function createStreamSourcePool(options: StreamEventSourcesOptions): StreamSourcePool {
  const running = new Map<string, { spec: EventSourceMappingSpec; sources: StreamEventSources }>();
  const retiredFailures: FailedStreamBatch[] = [];
  const start = (spec: EventSourceMappingSpec, functions: readonly FunctionSpec[]) =>
    running.set(spec.id, {
      spec,
      sources: startStreamEventSources({ ...options, mappings: [spec], functions }),
    });
  const stopOne = (id: string) => {
    const entry = running.get(id);
    if (!entry) return;
    running.delete(id);
    retiredFailures.push(...entry.sources.failed);
    void entry.sources.stop();
  };
  for (const spec of options.mappings) start(spec, options.functions ?? []);

  return {
    get failed() {
      return [...retiredFailures, ...[...running.values()].flatMap((entry) => entry.sources.failed)].sort(
        (left, right) => left.timestamp.localeCompare(right.timestamp),
      );
    },
    get active() {
      return [...running.values()].flatMap((entry) => entry.sources.active);
    },
    update(mappings, functions) {
      const wanted = new Map(mappings.map((spec) => [spec.id, spec]));
      for (const [id, entry] of running) {
        const spec = wanted.get(id);
        if (spec && isDeepStrictEqual(spec, entry.spec)) continue;
        stopOne(id);
        // A changed mapping starts over at its starting position; a removed one's position is gone.
        options.checkpoints?.forget(id);
      }
      for (const spec of mappings) if (!running.has(spec.id)) start(spec, functions);
    },
    async stop() {
      const all = [...running.values()];
      running.clear();
      await Promise.all(all.map((entry) => entry.sources.stop()));
    },
  };
}

/** What {@link createRedeployer} swaps resources in. */
export interface RedeployTargets {
  /** The workspace root: only assemblies under its `dist/` are accepted. */
  readonly root: string;
  /** Every assembly folder the cloud runs (the platform, the services, the front door). */
  assemblyDirs(): string[];
  /** Loads assemblies into a model exactly as the start did (same resolver, same SSM values). */
  load(dirs: readonly string[]): LocalModel;
  /** The model being served, and where the new one goes. */
  readonly model: { current: LocalModel };
  /**
   * The parts that take the new model, in the order that keeps every request answered: the AWS
   * services (new tables first), the functions, their event sources and rules, the gateway, and
   * last the removal of functions the gateway no longer routes to.
   */
  readonly steps: readonly RedeployStep[];
  /** @default discarded */
  readonly log?: (line: string) => void;
}

/** A function's freshly bundled code, as `npm run dev` hot-swaps it. */
export interface CodeSwap {
  readonly functionId: string;
  /** The folder of the new bundle: under the root's `dist/`. */
  readonly codeDir: string;
}

/** Swaps one assembly into the running local cloud; see {@link createRedeployer}. */
export interface Redeployer {
  /** Redeploys the assembly in `assemblyDir` (absolute, or relative to the root); one redeploy at a time. */
  redeploy(assemblyDir: string): Promise<RedeploySummary>;
  /**
   * Runs new code for some functions, everything else as it runs now (a hot swap: no template
   * is loaded). Their busy environments finish on the old code; the next call cold-starts the new.
   */
  swapCode(swaps: readonly CodeSwap[]): Promise<RedeploySummary>;
}

/** The assembly folder a client named, if it is one under `dist/`; a {@link RedeployError} if not. */
function assemblyUnder(root: string, assemblyDir: string): string {
  const dist = resolve(root, 'dist');
  const assembly = resolve(root, assemblyDir);
  const inside = relative(dist, assembly);
  if (inside.startsWith('..') || inside === '' || resolve(dist, inside) !== assembly)
    throw new RedeployError(`Only assemblies under ${dist} can be redeployed, not ${assembly}.`);
  if (!existsSync(join(assembly, 'manifest.json')))
    throw new RedeployError(
      `${assembly} is not a cloud assembly (it has no manifest.json): synthesize the service first.`,
    );
  return assembly;
}

/** Every assembly loaded afresh, with the redeployed one, and the stacks that one holds. */
function loadWith(targets: RedeployTargets, assembly: string): { next: LocalModel; stacks: Set<string> } {
  const dirs = targets.assemblyDirs().map((dir) => resolve(dir));
  if (!dirs.includes(assembly)) dirs.push(assembly);
  let next: LocalModel;
  try {
    next = targets.load(dirs);
  } catch (error) {
    throw new RedeployError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const stacks = new Set(
    next.stacks
      .filter((stack) => stack.assemblyDir === assembly || stack.assemblyDir.startsWith(`${assembly}${sep}`))
      .map((stack) => stack.name),
  );
  return { next, stacks };
}

async function redeployOnce(targets: RedeployTargets, assemblyDir: string): Promise<RedeploySummary> {
  const started = performance.now();
  const assembly = assemblyUnder(targets.root, assemblyDir);
  const { next, stacks } = loadWith(targets, assembly);
  const previous = targets.model.current;
  const { model, ...changes } = planRedeploy(previous, next, stacks);
  const change: ModelChange = { previous, next: model, stacks, changes };
  const notes: string[] = [];
  for (const step of targets.steps) notes.push(...((await step.update(change)).notes ?? []));
  targets.model.current = model;
  const summary: RedeploySummary = {
    assembly,
    stacks: [...stacks],
    ...changes,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
  const log = targets.log ?? (() => undefined);
  log(
    `redeployed ${summary.stacks.join(', ') || assembly}: functions ${count(changes.functions)}; APIs ${count(changes.apis)}; tables ${count(changes.tables)}`,
  );
  for (const note of notes) log(note);
  return summary;
}

const noChanges: ResourceChanges = { added: [], changed: [], unchanged: [], removed: [] };

async function swapOnce(targets: RedeployTargets, swaps: readonly CodeSwap[]): Promise<RedeploySummary> {
  const started = performance.now();
  const dist = resolve(targets.root, 'dist');
  const previous = targets.model.current;
  const byId = new Map(swaps.map((swap) => [swap.functionId, resolve(swap.codeDir)]));
  for (const [id, dir] of byId) {
    if (!previous.functions.some((fn) => fn.id === id)) throw new RedeployError(`No function ${id} runs.`);
    if (relative(dist, dir).startsWith('..')) throw new RedeployError(`Code outside ${dist}: ${dir}`);
  }
  const functions = previous.functions.map((fn) => {
    const codeDir = byId.get(fn.id);
    return codeDir === undefined ? fn : { ...fn, codeDir };
  });
  const stacks = new Set(functions.filter((fn) => byId.has(fn.id)).map((fn) => fn.stackName));
  const changes: ModelChanges = {
    functions: {
      ...noChanges,
      changed: [...byId.keys()],
      unchanged: functions.filter((fn) => stacks.has(fn.stackName) && !byId.has(fn.id)).map((fn) => fn.id),
    },
    policies: [],
    apis: noChanges,
    tables: noChanges,
    eventSourceMappings: noChanges,
  };
  const model = { ...previous, functions };
  const change: ModelChange = { previous, next: model, stacks, changes };
  const notes: string[] = [];
  for (const step of targets.steps) notes.push(...((await step.update(change)).notes ?? []));
  targets.model.current = model;
  targets.log?.(`swapped the code of ${[...byId.keys()].join(', ')}`);
  return {
    assembly: '',
    stacks: [...stacks],
    ...changes,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Redeploys one cloud assembly into the running local cloud: loads every assembly afresh with
 * it, plans what changed in its stacks, and asks each part of the cloud to take the new model, in
 * the order of `steps` (see {@link RedeployTargets.steps}). Unchanged functions keep their warm
 * environments; every other service keeps its data and its stream positions.
 *
 * @example
 * ```ts
 * const redeployer = createRedeployer({ root, assemblyDirs, load, model, steps: [endpoint.services, functionsPart(...), gatewayPart(gateway)] });
 * const summary = await redeployer.redeploy('dist/apps/menu/cdk.out');
 * summary.functions.changed; // ['SliceMenu-dev/GetMenuItem1A2B3C4D']
 * ```
 */
export function createRedeployer(targets: RedeployTargets): Redeployer {
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    redeploy: (assemblyDir) => inTurn(() => redeployOnce(targets, assemblyDir)),
    swapCode: (swaps) => inTurn(() => swapOnce(targets, swaps)),
  };
}
