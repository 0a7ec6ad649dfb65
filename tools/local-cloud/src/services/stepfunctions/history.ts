import type { Json } from './json';

/** The event types of an execution history that Slice's local Step Functions records. */
export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | `${'Task' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Parallel' | 'Map'}State${'Entered' | 'Exited'}`
  | 'FailStateEntered'
  | 'TaskScheduled'
  | 'TaskStarted'
  | 'TaskSubmitted'
  | 'TaskSucceeded'
  | 'TaskFailed'
  | 'TaskTimedOut'
  | 'LambdaFunctionScheduled'
  | 'LambdaFunctionStarted'
  | 'LambdaFunctionSucceeded'
  | 'LambdaFunctionFailed'
  | 'LambdaFunctionTimedOut'
  | 'ParallelStateStarted'
  | 'ParallelStateSucceeded'
  | 'ParallelStateFailed'
  | 'ParallelStateAborted'
  | 'MapStateStarted'
  | 'MapStateSucceeded'
  | 'MapStateFailed'
  | 'MapStateAborted'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed'
  | 'MapIterationAborted';

/**
 * One event as `GetExecutionHistory` answers it: `id` counts from 1, `previousEventId` is the
 * event that led to it, `timestamp` is in epoch seconds (the API's wire form), and the details
 * sit under the type's own key (`taskScheduledEventDetails`, `stateEnteredEventDetails`, ...).
 */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: HistoryEventType;
  readonly [details: string]: Json;
}

/** The key AWS puts an event's details under (some events carry none). */
const detailsKey = (type: HistoryEventType): string | undefined => {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  if (
    /^(Parallel|Map)State(Succeeded|Failed|Aborted)$|^ParallelStateStarted$|^LambdaFunctionStarted$/.test(
      type,
    )
  ) {
    return undefined;
  }
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
};

/** The history of one execution; events are appended as the execution runs. */
export class History {
  /** `events` is appended to in place (an execution record's own list); `onEvent` hears each one. */
  constructor(
    private readonly now: () => number,
    readonly events: HistoryEvent[] = [],
    private readonly onEvent: (event: HistoryEvent) => void = () => undefined,
  ) {}

  /** Appends an event after `previousEventId` and answers its id. */
  add(type: HistoryEventType, previousEventId: number, details?: Record<string, Json>): number {
    const id = this.events.length + 1;
    const key = detailsKey(type);
    const event: HistoryEvent = {
      id,
      previousEventId,
      timestamp: this.now() / 1000,
      type,
      ...(key && details ? { [key]: details } : {}),
    };
    this.events.push(event);
    this.onEvent(event);
    return id;
  }
}

/** A JSON value as history details carry it: a JSON text, never truncated locally. */
export const jsonText = (value: Json): string => JSON.stringify(value);
