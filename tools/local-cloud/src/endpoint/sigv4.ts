/** The credential scope of a SigV4-signed request. */
export interface SigV4Credential {
  readonly accessKeyId: string;
  /** `YYYYMMDD`. */
  readonly date: string;
  readonly region: string;
  /** The signing name: `dynamodb`, `events`, `ssm`, `secretsmanager`... */
  readonly service: string;
}

function parseCredential(value: string): SigV4Credential | undefined {
  const [accessKeyId, date, region, service, terminator] = value.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
}

/**
 * Reads who signed a request and for which service from its SigV4 `Authorization` header
 * (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`) or, for a
 * presigned request, its `X-Amz-Credential` query parameter. The signature itself is not
 * verified: the local cloud trusts whoever holds a function's access key id.
 *
 * @example
 * ```ts
 * sigV4Credential('AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250301/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc');
 * // { accessKeyId: 'AKIAEXAMPLE', date: '20250301', region: 'eu-west-1', service: 'dynamodb' }
 * ```
 */
export function sigV4Credential(authorization: string | undefined, url = '/'): SigV4Credential | undefined {
  if (authorization !== undefined) {
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
    const credential = /(?:^|[\s,])Credential=([^,\s]+)/.exec(
      authorization.slice('AWS4-HMAC-SHA256'.length),
    )?.[1];
    return credential === undefined ? undefined : parseCredential(credential);
  }
  const query = new URL(url, 'http://localhost').searchParams.get('X-Amz-Credential');
  return query === null ? undefined : parseCredential(query);
}
