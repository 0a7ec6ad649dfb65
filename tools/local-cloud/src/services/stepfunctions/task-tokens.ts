import { randomBytes } from 'node:crypto';
import { StatesError } from './errors';
import type { Json } from './json';

/** Why a task token cannot be answered: the errors of `SendTask*` as AWS names them. */
export class TaskTokenError extends Error {
  constructor(
    readonly code: 'InvalidToken' | 'TaskTimedOut' | 'TaskDoesNotExist',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

interface OpenToken {
  readonly executionArn: string;
  readonly resolve: (output: Json) => void;
  readonly reject: (error: StatesError) => void;
  readonly onHeartbeat: () => void;
}

const PREFIX = 'AQ';
const MAX_CLOSED = 10_000;

/**
 * The task tokens of `.waitForTaskToken` tasks: a token is open while its task waits, and
 * `SendTaskSuccess`, `SendTaskFailure` and `SendTaskHeartbeat` answer it. A token that is not
 * one of ours is `InvalidToken`; one whose task ended (answered, timed out, stopped) is
 * `TaskTimedOut`, as AWS answers ("Provided task does not exist anymore").
 */
export class TaskTokens {
  private readonly open = new Map<string, OpenToken>();
  private readonly closed = new Set<string>();

  /** Opens a token for a task; `settle` closes it (the task ended for another reason). */
  issue(
    executionArn: string,
    onHeartbeat: () => void = () => undefined,
  ): { token: string; result: Promise<Json>; settle: () => void } {
    const token = `${PREFIX}${randomBytes(96).toString('base64url')}`;
    const result = new Promise<Json>((resolve, reject) => {
      this.open.set(token, { executionArn, resolve, reject, onHeartbeat });
    });
    result.catch(() => undefined);
    return { token, result, settle: () => this.close(token) };
  }

  /** `SendTaskSuccess`: `output` is the JSON text the task answers. */
  succeed(token: string, output: Json): void {
    const open = this.take(token);
    open.resolve(output);
  }

  /** `SendTaskFailure`: the task fails with that error and cause. */
  fail(token: string, error: string, cause: string): void {
    this.take(token).reject(new StatesError(error, cause));
  }

  /** `SendTaskHeartbeat`: restarts the task's heartbeat time-out. */
  heartbeat(token: string): void {
    this.get(token).onHeartbeat();
  }

  /** The execution a token belongs to, for the caller's IAM check (`states:SendTaskSuccess` on it). */
  executionOf(token: string): string | undefined {
    return this.open.get(token)?.executionArn;
  }

  private take(token: string): OpenToken {
    const open = this.get(token);
    this.close(token);
    return open;
  }

  private get(token: string): OpenToken {
    const open = this.open.get(token);
    if (open) return open;
    if (this.closed.has(token))
      throw new TaskTokenError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    throw new TaskTokenError('InvalidToken', "Invalid Token: 'Invalid token'");
  }

  private close(token: string): void {
    if (!this.open.delete(token)) return;
    this.closed.add(token);
    // Remember enough ended tokens to answer late callers with TaskTimedOut, not all of them forever.
    if (this.closed.size > MAX_CLOSED) this.closed.delete(this.closed.values().next().value as string);
  }
}
