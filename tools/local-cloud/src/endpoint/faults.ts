import { AwsError } from './errors';

/**
 * How an injected fault fails a call:
 * - `server-error`: HTTP 500 `InternalFailure` (the SDK retries it, up to its attempts);
 * - `throttling`: HTTP 400 `ThrottlingException` (the SDK retries it too);
 * - `failed-entries`: `PutEvents` answers 200 with every entry failed (`InternalFailure`,
 *   `FailedEntryCount` set), which the SDK does not retry: the caller must.
 */
export type FaultKind = 'server-error' | 'throttling' | 'failed-entries';

/** Faults the local AWS endpoint injects into the next calls of an action; for tests only. */
export interface FaultInjector {
  /**
   * Fails the next `times` calls of `action` (`events:PutEvents`, `sqs:SendMessage`,
   * `dynamodb:PutItem`…, case-insensitive) that pass the IAM check; with `from`, only calls of
   * the functions whose id (`SliceOrders-dev/PublishOrderEvents624BCD54`) contains it.
   */
  failNext(action: string, times?: number, kind?: FaultKind, from?: string): void;
  /** Drops every pending fault. */
  clear(): void;
  /** How many calls of `action` are still to fail. */
  pending(action: string): number;
  /** Takes the first pending fault of `action` that applies to the calling function, if any (called by the endpoint). */
  take(action: string, callerId: string): FaultKind | undefined;
}

/**
 * Creates the endpoint's fault injector.
 *
 * @example
 * ```ts
 * cloud.endpoint.faults.failNext('events:PutEvents', 1, 'failed-entries', 'PublishOrderEvents');
 * // the next PutEvents of the Orders outbox function fails its entries; the function must retry
 * ```
 */
export function createFaultInjector(): FaultInjector {
  const faults = new Map<string, Array<{ kind: FaultKind; from?: string }>>();
  const key = (action: string) => action.toLowerCase();
  return {
    failNext(action, times = 1, kind = 'server-error', from) {
      const queue = faults.get(key(action)) ?? [];
      for (let index = 0; index < times; index += 1)
        queue.push({ kind, ...(from === undefined ? {} : { from }) });
      faults.set(key(action), queue);
    },
    clear: () => faults.clear(),
    pending: (action) => faults.get(key(action))?.length ?? 0,
    take(action, callerId) {
      const queue = faults.get(key(action)) ?? [];
      const index = queue.findIndex((fault) => fault.from === undefined || callerId.includes(fault.from));
      return index === -1 ? undefined : queue.splice(index, 1)[0]?.kind;
    },
  };
}

/**
 * The error an injected `server-error` or `throttling` fault answers with (`failed-entries` is
 * answered by the operation itself).
 *
 * @example
 * ```ts
 * throw injectedError('throttling', 'ThrottlingException');
 * ```
 */
export function injectedError(kind: Exclude<FaultKind, 'failed-entries'>, type: string): AwsError {
  return kind === 'throttling'
    ? new AwsError(400, type, 'Rate exceeded (injected by the local cloud).')
    : new AwsError(500, type, 'Internal failure (injected by the local cloud).');
}
