import type { StatesDefinition } from '../definition';
import { StatesError, StatesErrors, stateFailure } from '../errors';
import { evaluateJsonataTemplate } from '../expressions/jsonata';
import { readPath } from '../expressions/jsonpath';
import { applyPayloadTemplate } from '../expressions/payload-template';
import type { HistoryEventType } from '../history';
import { effectiveInput, jsonataScope, pathScope } from '../io';
import type { Json } from '../json';
import type { Lane, StateStep } from '../runtime';
import type { Handled, RunBranch } from '../interpreter';
import { type BranchWork, runBranches } from './branches';
import { withRetryAndCatch } from './guarded';

/**
 * An inline Map state: runs its `ItemProcessor` (or the older `Iterator`) once per item of
 * `ItemsPath` (JSONPath) or `Items` (JSONata), `MaxConcurrency` at a time, each item shaped by
 * `ItemSelector` (or the older `Parameters`) with `$$.Map.Item.Index` and `.Value`; the result
 * is the list of outputs. Records `MapStateStarted` with the length, `MapIterationStarted`,
 * `MapIterationSucceeded` or `MapIterationFailed` per item, then `MapStateSucceeded` or
 * `MapStateFailed`.
 */
export const runMap = async (step: StateStep, runBranch: RunBranch): Promise<Handled> => {
  const effective = effectiveInput(step);
  const processor = (step.state.ItemProcessor ?? step.state.Iterator) as unknown as StatesDefinition;
  return withRetryAndCatch(step, async () => {
    const items = await itemsOf(step, effective);
    record(step, 'MapStateStarted', { length: items.length });
    const works: BranchWork[] = [];
    for (const [index, value] of items.entries()) {
      const mapItem = { Index: index, Value: value };
      works.push({
        definition: processor,
        input: await itemInput(step, effective, mapItem),
        mapItem,
        onStart: (lane) => iteration(step, lane, 'MapIterationStarted', index),
        onSuccess: (lane) => iteration(step, lane, 'MapIterationSucceeded', index),
        onFailure: (lane) => iteration(step, lane, 'MapIterationFailed', index),
      });
    }
    const concurrency = typeof step.state.MaxConcurrency === 'number' ? step.state.MaxConcurrency : 0;
    try {
      const outputs = await runBranches(step, runBranch, works, concurrency);
      record(step, 'MapStateSucceeded');
      return outputs;
    } catch (error) {
      if (error instanceof StatesError) record(step, 'MapStateFailed');
      throw error;
    }
  });
};

const itemsOf = async (step: StateStep, effective: Json): Promise<Json[]> => {
  let items: Json;
  if (step.language === 'JSONata') {
    items =
      step.state.Items === undefined
        ? step.rawInput
        : await evaluateJsonataTemplate(step.state.Items, jsonataScope(step), 'Items');
  } else {
    const path = step.state.ItemsPath;
    items = typeof path === 'string' ? readPath(path, pathScope(step, effective)) : effective;
  }
  if (!Array.isArray(items)) {
    throw new StatesError(
      StatesErrors.Runtime,
      stateFailure(
        step.name,
        step.enteredEventId,
        `The Map state's items must be an array, got ${JSON.stringify(items)}.`,
      ),
    );
  }
  return items;
};

const itemInput = async (
  step: StateStep,
  effective: Json,
  mapItem: { Index: number; Value: Json },
): Promise<Json> => {
  const selector = step.state.ItemSelector ?? step.state.Parameters;
  if (selector === undefined) return mapItem.Value;
  const itemStep = { ...step, lane: { ...step.lane, mapItem } };
  if (step.language === 'JSONata')
    return evaluateJsonataTemplate(selector, jsonataScope(itemStep), 'ItemSelector');
  return applyPayloadTemplate(selector, pathScope(itemStep, effective));
};

const record = (step: StateStep, type: HistoryEventType, details?: Record<string, Json>) => {
  step.lane.lastEventId = step.runtime.history.add(type, step.lane.lastEventId, details);
};

const iteration = (step: StateStep, lane: Lane, type: HistoryEventType, index: number) => {
  lane.lastEventId = step.runtime.history.add(type, lane.lastEventId, { name: step.name, index });
};
