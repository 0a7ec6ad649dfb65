/**
 * How each part of the local cloud that no SDK calls takes a redeploy: the functions, their
 * event sources, the rules and the gateway, each as a {@link LocalPart}. The AWS services take it
 * themselves (see `services/service.ts`); the redeployer hands a change to every step in order.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AwsEndpoint, LocalIdentities } from './endpoint';
import type { FunctionSpec } from './model';
import type { Gateway } from './services/apigateway';
import type { EventRules } from './services/events/rules';
import type { LocalLambdaRuntime, QueueEventSources } from './services/lambda';
import type { ModelChange, ResourceChanges } from './services/service';
import type { LocalStepFunctions } from './services/stepfunctions/local';
import type { RedeployStep, StreamSourcePool } from './redeploy';

const none = () => Promise.resolve({});

const anyChange = (changes: ResourceChanges) =>
  changes.added.length + changes.changed.length + changes.removed.length > 0;

/** The added and changed functions of a redeploy, and those whose policy alone changed. */
function swappedFunctions({ next, changes }: ModelChange) {
  const byId = new Map(next.functions.map((fn) => [fn.id, fn]));
  const specs = (ids: readonly string[]): FunctionSpec[] => ids.flatMap((id) => byId.get(id) ?? []);
  return {
    swapped: specs([...changes.functions.added, ...changes.functions.changed]),
    repolicied: specs(changes.policies),
  };
}

/**
 * The functions: their keys and new policies first (the endpoint checks a call against the new
 * policy from now), then the new and changed code (a changed function's busy environments finish
 * on the old code; the next call cold-starts the new one). Unchanged functions stay warm.
 *
 * @example
 * ```ts
 * const parts = [functionsPart(runtime, identities, endpoint), gatewayPart(gateway), retiredFunctionsPart(runtime)];
 * ```
 */
export function functionsPart(
  runtime: Pick<LocalLambdaRuntime, 'register'>,
  identities: Pick<LocalIdentities, 'credentialsFor'>,
  endpoint: Pick<AwsEndpoint, 'setFunctions'>,
): RedeployStep {
  return {
    update(change) {
      const { swapped, repolicied } = swappedFunctions(change);
      for (const fn of [...swapped, ...repolicied]) identities.credentialsFor(fn);
      endpoint.setFunctions(change.next.functions);
      for (const fn of swapped) runtime.register(fn);
      return none();
    },
  };
}

/** The functions a redeploy removed: forgotten last, once the gateway no longer routes to them. */
export function retiredFunctionsPart(runtime: Pick<LocalLambdaRuntime, 'deregister'>): RedeployStep {
  return {
    update({ changes }) {
      for (const id of changes.functions.removed) runtime.deregister(id);
      return none();
    },
  };
}

/** The stream event sources: a changed mapping restarts at its starting position, the others keep their checkpoints. */
export function streamSourcesPart(pool: Pick<StreamSourcePool, 'update'>): RedeployStep {
  return {
    update({ next, changes }) {
      if (!anyChange(changes.eventSourceMappings)) return none();
      pool.update(next.eventSourceMappings, next.functions);
      return Promise.resolve({
        notes: changes.eventSourceMappings.changed.map(
          (id) => `The event source mapping ${id} changed: it restarted at its starting position.`,
        ),
      });
    },
  };
}

/** The SQS event sources of the new model. */
export function queueSourcesPart(sources: Pick<QueueEventSources, 'update'>): RedeployStep {
  return {
    update({ next }) {
      sources.update(next.eventSourceMappings, next.functions);
      return none();
    },
  };
}

/** The EventBridge rules of the new model, with its async invoke settings and permissions. */
export function rulesPart(rules: Pick<EventRules, 'update'>): RedeployStep {
  return {
    update({ next }) {
      rules.update({
        rules: next.eventRules ?? [],
        asyncInvokeConfigs: next.asyncInvokeConfigs ?? [],
        permissions: next.permissions,
      });
      return none();
    },
  };
}

/**
 * The state machines of the new model: new and changed ones put (an execution already running
 * finishes on the definition it started with), removed ones deleted, their executions kept.
 */
export function stateMachinesPart(stepFunctions: Pick<LocalStepFunctions, 'load'>): RedeployStep {
  return {
    update({ next }) {
      return Promise.resolve({ notes: stepFunctions.load(next.stateMachines ?? []) });
    },
  };
}

/**
 * The gateway serves the new APIs last, requests in flight finishing on the old ones. A redeploy
 * that changes nothing it serves keeps it as it is: its throttling buckets and authorizer caches too.
 */
export function gatewayPart(gateway: Pick<Gateway, 'update'>): RedeployStep {
  return {
    async update({ previous, next, changes }) {
      const unchanged =
        changes.functions.added.length +
          changes.functions.changed.length +
          changes.functions.removed.length ===
          0 &&
        !anyChange(changes.apis) &&
        isDeepStrictEqual(previous.routingRules, next.routingRules) &&
        isDeepStrictEqual(previous.permissions, next.permissions);
      if (!unchanged) await gateway.update(next);
      return {};
    },
  };
}
