import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

/** The subprotocol a browser offers next to its token; `$connect` selects it in its answer. */
export const trackingSubprotocol = 'slice-tracking';

/** Verified claims of a token, or `undefined` when the token is not acceptable. */
export type VerifyToken = (
  token: string | undefined,
) => Promise<Readonly<Record<string, string | readonly string[]>> | undefined>;

const headerOf = (event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/**
 * The token a client connects with: the `token` query parameter (any client), or an entry of
 * `Sec-WebSocket-Protocol` next to `slice-tracking` (browsers, which cannot set headers:
 * `new WebSocket(url, ['slice-tracking', token])`).
 */
export function tokenOf(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const query = event.queryStringParameters?.token?.trim();
  if (query) return query;
  const offered = (headerOf(event, 'sec-websocket-protocol') ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
  return offered.find((protocol) => protocol !== trackingSubprotocol);
}

/**
 * Decides a `$connect`: an Allow policy on the connect route for a verified token, with the
 * caller's id and groups as context (API Gateway passes it to every route of the connection), or
 * `unauthorized`. A key set that cannot be fetched throws (a 500: the token may be fine).
 */
export async function authorizeConnection(
  event: APIGatewayRequestAuthorizerEvent,
  verify: VerifyToken,
): Promise<APIGatewayAuthorizerResult | 'unauthorized'> {
  const claims = await verify(tokenOf(event));
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') return 'unauthorized';
  const groups = claims?.['cognito:groups'];
  return {
    principalId: sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    // Context values are strings, numbers or booleans: the groups travel as a JSON list.
    context: { sub, groups: JSON.stringify(Array.isArray(groups) ? groups : groups ? [groups] : []) },
  };
}
