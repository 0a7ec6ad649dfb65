import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckAnswer, CheckRequest } from './typecheck';

/**
 * The dev loop's type checker, in a worker thread (`typecheck.ts`): asks for a check of some
 * handler files after some changes and answers the errors, if any, without blocking the cloud.
 *
 * @example
 * ```ts
 * const checker = new TypeChecker(root);
 * const errors = await checker.check(['/repo/apps/menu/src/handlers/get-menu-item.ts'], changed);
 * await checker.close();
 * ```
 */
export class TypeChecker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (answer: CheckAnswer) => void>();
  private next = 0;

  constructor(root: string) {
    this.worker = new Worker(join(__dirname, 'typecheck.ts'), { workerData: { root } });
    this.worker.on('message', (answer: CheckAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
    this.worker.on('error', (error: Error) => {
      for (const done of this.waiting.values()) done({ id: -1, failure: error.message });
      this.waiting.clear();
    });
  }

  /** The type errors of `entries` (and what they import) once `changed` changed; `undefined` when clean. */
  async check(entries: readonly string[], changed: readonly string[] = []): Promise<string | undefined> {
    this.next += 1;
    const request: CheckRequest = { id: this.next, entries, changed };
    const answer = await new Promise<CheckAnswer>((resolve) => {
      this.waiting.set(request.id, resolve);
      this.worker.postMessage(request);
    });
    if (answer.failure !== undefined) throw new Error(`The type check failed: ${answer.failure}`);
    return answer.errors;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
