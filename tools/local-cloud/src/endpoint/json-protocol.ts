import { AwsError } from './errors';
import { isRecord } from '../json';
import type { AwsProtocol, RawAnswer } from '../services/service';

/** How a JSON-protocol API names the errors every AWS API shares. */
export interface AwsJsonProtocolOptions {
  /** `1.0` (DynamoDB, SQS) or `1.1` (EventBridge, SSM, Secrets Manager): the answer's content type. */
  readonly version: '1.0' | '1.1';
  /**
   * DynamoDB writes the shared errors with the Coral namespace
   * (`com.amazon.coral.service#AccessDeniedException`), the newer APIs without it.
   * @default false
   */
  readonly qualifiedCommonErrors?: boolean;
}

const answer = (contentType: string, status: number, body: unknown): RawAnswer => {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    status,
    headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
    body: bytes,
  };
};

/**
 * The AWS JSON protocol: the operation is the `X-Amz-Target` after its dot, the input the JSON
 * object of the body (an empty body is `{}`), an error is `{"__type", "message"}` with its status.
 *
 * @example
 * ```ts
 * const protocol = awsJsonProtocol({ version: '1.0', qualifiedCommonErrors: true });
 * protocol.commonErrorType('AccessDeniedException'); // 'com.amazon.coral.service#AccessDeniedException'
 * ```
 */
export function awsJsonProtocol(options: AwsJsonProtocolOptions): AwsProtocol {
  const contentType = `application/x-amz-json-${options.version}`;
  const commonErrorType = (name: string) =>
    options.qualifiedCommonErrors ? `com.amazon.coral.service#${name}` : name;
  return {
    read({ headers, body }) {
      const target = headers['x-amz-target'];
      const operation = typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '';
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError(
          400,
          commonErrorType('SerializationException'),
          'The request body is not valid JSON.',
        );
      }
      if (!isRecord(input)) {
        throw new AwsError(
          400,
          commonErrorType('SerializationException'),
          'The request body is not a JSON object.',
        );
      }
      return { operation, input };
    },
    write: (status, body) => answer(contentType, status, body),
    error: (error) => answer(contentType, error.status, error.toJSON()),
    commonErrorType,
  };
}
