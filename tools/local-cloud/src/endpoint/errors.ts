/**
 * An error the local AWS endpoint answers with, in the AWS JSON protocol: HTTP status, a
 * `__type` naming the error (what the SDK throws as the error's `name`) and a message.
 *
 * @example
 * ```ts
 * throw new AwsError(400, 'com.amazon.coral.validate#ValidationException', 'Entries must have 1 to 10 items.');
 * ```
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';

  constructor(
    readonly status: number,
    /** The `__type`: `com.amazon.coral.service#AccessDeniedException`, `ParameterNotFound`... */
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  /** The body AWS sends. */
  toJSON(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}
