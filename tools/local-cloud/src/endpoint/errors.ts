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

/** The services the local AWS endpoint answers, by signing name. */
export type LocalService = 'dynamodb' | 'events' | 'ssm' | 'secretsmanager' | 'sqs';

/**
 * The `__type` of a common (Coral) error as a service writes it: DynamoDB qualifies it with the
 * Coral namespace, the newer JSON services do not.
 *
 * @example
 * ```ts
 * commonErrorType('dynamodb', 'AccessDeniedException'); // 'com.amazon.coral.service#AccessDeniedException'
 * commonErrorType('events', 'AccessDeniedException'); // 'AccessDeniedException'
 * ```
 */
export function commonErrorType(service: LocalService | undefined, name: string): string {
  return service === 'dynamodb' || service === undefined ? `com.amazon.coral.service#${name}` : name;
}
