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
import type { AwsEndpoint, LocalIdentities } from './endpoint';
import type { Gateway } from './services/apigateway';
import {
  type FailedStreamBatch,
  type LocalLambdaRuntime,
  type StreamEventSources,
  type StreamEventSourcesOptions,
  startStreamEventSources,
} from './services/lambda';
import type { FunctionSpec } from './model';

/** What a redeploy did to one kind of resource, by id (`<stackName>/<logicalId>`). */
export interface ResourceChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

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
export interface RedeployPlan {
  readonly functions: ResourceChanges;
  readonly policies: readonly string[];
  readonly apis: ResourceChanges;
  readonly tables: ResourceChanges;
  readonly eventSourceMappings: ResourceChanges;
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
        if (!spec || !isDeepStrictEqual(spec, entry.spec)) stopOne(id);
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
  readonly endpoint: Pick<AwsEndpoint, 'addTables' | 'setFunctions'>;
  readonly identities: Pick<LocalIdentities, 'credentialsFor'>;
  readonly runtime: LocalLambdaRuntime;
  readonly gateway: Pick<Gateway, 'update'>;
  readonly streams: Pick<StreamSourcePool, 'update'>;
  /** @default discarded */
  readonly log?: (line: string) => void;
}

/** Swaps one assembly into the running local cloud; see {@link createRedeployer}. */
export interface Redeployer {
  /** Redeploys the assembly in `assemblyDir` (absolute, or relative to the root); one redeploy at a time. */
  redeploy(assemblyDir: string): Promise<RedeploySummary>;
}

/**
 * Redeploys one cloud assembly into the running local cloud, in the order that keeps every
 * request answered: new tables first, then the new policies, then the new and changed functions
 * (a changed function's busy environments finish their invocation on the old code, then stop),
 * the stream event sources, and last the gateway, whose requests in flight finish on the old
 * model before removed functions are forgotten. Unchanged functions keep their warm environments.
 *
 * @example
 * ```ts
 * const redeployer = createRedeployer({ root, assemblyDirs, load, model, endpoint, identities, runtime, gateway, streams });
 * const summary = await redeployer.redeploy('dist/apps/menu/cdk.out');
 * summary.functions.changed; // ['SliceMenu-dev/GetMenuItem1A2B3C4D']
 * ```
 */
export function createRedeployer(targets: RedeployTargets): Redeployer {
  const log = targets.log ?? (() => undefined);
  const dist = resolve(targets.root, 'dist');
  let queue: Promise<unknown> = Promise.resolve();

  const run = async (assemblyDir: string): Promise<RedeploySummary> => {
    const started = performance.now();
    const assembly = resolve(targets.root, assemblyDir);
    const inside = relative(dist, assembly);
    if (inside.startsWith('..') || inside === '' || resolve(dist, inside) !== assembly)
      throw new RedeployError(`Only assemblies under ${dist} can be redeployed, not ${assembly}.`);
    if (!existsSync(join(assembly, 'manifest.json')))
      throw new RedeployError(
        `${assembly} is not a cloud assembly (it has no manifest.json): synthesize the service first.`,
      );
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
        .filter(
          (stack) => stack.assemblyDir === assembly || stack.assemblyDir.startsWith(`${assembly}${sep}`),
        )
        .map((stack) => stack.name),
    );
    const current = targets.model.current;
    const plan = planRedeploy(current, next, stacks);
    const notes: string[] = [];
    const byId = new Map(plan.model.functions.map((fn) => [fn.id, fn]));

    const added = new Set(plan.tables.added);
    await targets.endpoint.addTables(plan.model.tables.filter((table) => added.has(table.id)));
    for (const id of plan.tables.changed)
      notes.push(
        `The table ${id} changed (keys, indexes, stream or TTL): the local cloud keeps it as it was; restart it (npm start) to apply the change.`,
      );
    for (const id of plan.tables.removed)
      notes.push(`The table ${id} is no longer in the template: the local cloud keeps it and its data.`);

    const swapped = [...plan.functions.added, ...plan.functions.changed].flatMap((id) => {
      const fn = byId.get(id);
      return fn ? [fn] : [];
    });
    for (const fn of [...swapped, ...plan.policies.flatMap((id) => byId.get(id) ?? [])])
      targets.identities.credentialsFor(fn);
    targets.endpoint.setFunctions(plan.model.functions);
    for (const fn of swapped) targets.runtime.register(fn);

    const mappingsChanged =
      plan.eventSourceMappings.added.length +
        plan.eventSourceMappings.changed.length +
        plan.eventSourceMappings.removed.length >
      0;
    if (mappingsChanged) targets.streams.update(plan.model.eventSourceMappings, plan.model.functions);
    for (const id of plan.eventSourceMappings.changed)
      notes.push(`The event source mapping ${id} changed: it restarted at its starting position.`);

    const nothingChanged =
      swapped.length === 0 &&
      plan.functions.removed.length === 0 &&
      plan.apis.added.length + plan.apis.changed.length + plan.apis.removed.length === 0 &&
      isDeepStrictEqual(current.routingRules, plan.model.routingRules) &&
      isDeepStrictEqual(current.permissions, plan.model.permissions);
    targets.model.current = plan.model;
    // An unchanged redeploy keeps the gateway as it is: its throttling buckets and authorizer caches too.
    if (!nothingChanged) await targets.gateway.update(plan.model);
    for (const id of plan.functions.removed) targets.runtime.deregister(id);

    const summary: RedeploySummary = {
      assembly,
      stacks: [...stacks],
      functions: plan.functions,
      policies: plan.policies,
      apis: plan.apis,
      tables: plan.tables,
      eventSourceMappings: plan.eventSourceMappings,
      notes,
      durationMs: Math.round(performance.now() - started),
    };
    log(
      `redeployed ${summary.stacks.join(', ') || assembly}: functions ${count(plan.functions)}; APIs ${count(plan.apis)}; tables ${count(plan.tables)}`,
    );
    for (const note of notes) log(note);
    return summary;
  };

  return {
    redeploy(assemblyDir) {
      const result = queue.then(() => run(assemblyDir));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
