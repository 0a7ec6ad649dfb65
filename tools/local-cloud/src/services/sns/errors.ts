/** The error codes of the SNS API that Slice's local SNS answers. */
export type SnsErrorCode =
  | 'InvalidParameter'
  | 'InvalidParameterValue'
  | 'NotFound'
  | 'TooManyEntriesInBatchRequest'
  | 'EmptyBatchRequest'
  | 'BatchEntryIdsNotDistinct'
  | 'InvalidBatchEntryId'
  | 'BatchRequestTooLong';

const STATUS: Readonly<Record<SnsErrorCode, number>> = {
  InvalidParameter: 400,
  InvalidParameterValue: 400,
  NotFound: 404,
  TooManyEntriesInBatchRequest: 400,
  EmptyBatchRequest: 400,
  BatchEntryIdsNotDistinct: 400,
  InvalidBatchEntryId: 400,
  BatchRequestTooLong: 400,
};

/**
 * An API call SNS refuses: the code is the error `Code` AWS answers with, the status its HTTP
 * status, the message in AWS's words.
 *
 * @example
 * ```ts
 * throw new SnsError('NotFound', 'Topic does not exist');
 * ```
 */
export class SnsError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: SnsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
    this.statusCode = STATUS[code];
  }
}

/** A topic or subscription of a template the local SNS cannot serve; names the resource. */
export class SnsTemplateError extends Error {
  override readonly name = 'SnsTemplateError';
}
