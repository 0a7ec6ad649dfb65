/** A Lambda proxy integration's answer, checked and ready to write. */
export interface ProxyResponse {
  readonly statusCode: number;
  /** Header name and value pairs, in order; a name may repeat. */
  readonly headers: readonly (readonly [string, string])[];
  /** The body: text as a string, a base64-encoded answer decoded to bytes. */
  readonly body: string | Buffer;
}

const allowedKeys = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Response headers API Gateway does not pass through from a proxy integration: it renames them
 * `x-amzn-Remapped-<name>` (they describe the integration's connection, not the client's).
 */
const remapped = new Set([
  'authorization',
  'connection',
  'content-length',
  'date',
  'server',
  'transfer-encoding',
  'www-authenticate',
]);

type Scalar = string | number | boolean;
const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks what a function returned to a REST API proxy integration, as API Gateway does, and turns
 * it into a response; a string says why it is malformed (API Gateway then answers 502). The answer
 * must be an object with only `statusCode` (a number or numeric string, 200 when absent),
 * `headers` (scalar values), `multiValueHeaders` (lists of scalars), `body` (a string or null) and
 * `isBase64Encoded`. Header values from both maps are merged, `multiValueHeaders` winning for a
 * name in both; `Content-Type` defaults to `application/json`. A base64 body is decoded only when
 * `binary` says the client's first `Accept` media type is one of the API's binary media types;
 * otherwise API Gateway sends the base64 text as it is.
 *
 * @example
 * ```ts
 * proxyResponse({ statusCode: 201, headers: { Location: '/orders/1' }, body: '{}' });
 * // { statusCode: 201, headers: [['Location', '/orders/1'], ['Content-Type', 'application/json']], body: '{}' }
 * proxyResponse({ statusCode: 200, body: { id: 1 } }); // 'body must be a string, not an object'
 * ```
 */
export function proxyResponse(
  payload: unknown,
  { binary = true }: { readonly binary?: boolean } = {},
): ProxyResponse | string {
  if (!isRecord(payload))
    return `the function returned ${payload === null ? 'null' : Array.isArray(payload) ? 'a list' : typeof payload}, not an object`;
  const extra = Object.keys(payload).filter((key) => !allowedKeys.has(key));
  if (extra.length > 0) return `unexpected field ${extra.join(', ')}`;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = payload;

  const status = statusCode === undefined || statusCode === null ? 200 : Number(statusCode);
  if (
    !Number.isInteger(status) ||
    status < 100 ||
    status > 599 ||
    (typeof statusCode !== 'number' &&
      typeof statusCode !== 'string' &&
      statusCode !== undefined &&
      statusCode !== null)
  ) {
    return `statusCode must be an HTTP status code, not ${JSON.stringify(statusCode)}`;
  }
  if (
    headers !== undefined &&
    headers !== null &&
    (!isRecord(headers) || !Object.values(headers).every(isScalar))
  ) {
    return 'headers must map names to strings';
  }
  if (
    multiValueHeaders !== undefined &&
    multiValueHeaders !== null &&
    (!isRecord(multiValueHeaders) ||
      !Object.values(multiValueHeaders).every((values) => Array.isArray(values) && values.every(isScalar)))
  ) {
    return 'multiValueHeaders must map names to lists of strings';
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return `body must be a string, not ${Array.isArray(body) ? 'a list' : typeof body === 'object' ? 'an object' : typeof body}`;
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    return 'isBase64Encoded must be a boolean';
  }

  const multi = (multiValueHeaders ?? {}) as Record<string, Scalar[]>;
  const inMulti = new Set(Object.keys(multi).map((name) => name.toLowerCase()));
  const pairs: [string, string][] = [
    ...Object.entries((headers ?? {}) as Record<string, Scalar>)
      .filter(([name]) => !inMulti.has(name.toLowerCase()))
      .map(([name, value]): [string, string] => [name, String(value)]),
    ...Object.entries(multi).flatMap(([name, values]) =>
      values.map((value): [string, string] => [name, String(value)]),
    ),
  ].map(([name, value]) => [remapped.has(name.toLowerCase()) ? `x-amzn-Remapped-${name}` : name, value]);
  if (!pairs.some(([name]) => name.toLowerCase() === 'content-type'))
    pairs.push(['Content-Type', 'application/json']);

  const text = typeof body === 'string' ? body : '';
  return {
    statusCode: status,
    headers: pairs,
    body: isBase64Encoded === true && binary ? Buffer.from(text, 'base64') : text,
  };
}
