import { badTokens, createLocalIssuer } from '@slice/testing';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { tokenVerifier } from '@slice/middleware';
import { authorizeConnection, tokenOf, trackingSubprotocol } from '../src/domain/authorize';

const issuer = createLocalIssuer({ issuer: 'https://issuer.tracking.test', audience: 'slice-test' });
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/$connect';

beforeEach(() => {
  jest.spyOn(globalThis, 'fetch').mockImplementation(
    async () =>
      new Response(JSON.stringify(await issuer.jwks()), {
        headers: { 'content-type': 'application/json' },
      }),
  );
});

const verify = () => tokenVerifier({ issuer: issuer.issuer, audience: issuer.audience });

/** A `$connect` authorizer event as API Gateway sends it for a WebSocket API. */
function connectEvent(
  options: { token?: string; protocols?: string } = {},
): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn,
    headers: {
      Host: 'ws.slice.test',
      'Sec-WebSocket-Version': '13',
      ...(options.protocols ? { 'Sec-WebSocket-Protocol': options.protocols } : {}),
    },
    multiValueHeaders: null,
    queryStringParameters: options.token ? { token: options.token } : null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { routeKey: '$connect', eventType: 'CONNECT' } as never,
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

describe('the $connect authorizer', () => {
  it('lets a valid token in from the query string, with the caller and groups as context', async () => {
    const token = await issuer.token({ sub: 'alice', groups: ['customer'] });
    const decision = await authorizeConnection(connectEvent({ token }), verify());
    expect(decision).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
      },
      context: { sub: 'alice', groups: '["customer"]' },
    });
  });

  it('takes the token from Sec-WebSocket-Protocol next to slice-tracking, as a browser sends it', async () => {
    const token = await issuer.token({ sub: 'alice' });
    const event = connectEvent({ protocols: `${trackingSubprotocol}, ${token}` });
    expect(tokenOf(event)).toBe(token);
    expect(await authorizeConnection(event, verify())).toMatchObject({ principalId: 'alice' });
  });

  it('refuses a connection without a token, or with only the subprotocol', async () => {
    expect(await authorizeConnection(connectEvent(), verify())).toBe('unauthorized');
    expect(await authorizeConnection(connectEvent({ protocols: trackingSubprotocol }), verify())).toBe(
      'unauthorized',
    );
  });

  it('refuses every bad token: expired, wrong issuer or audience, alg none, tampered, unknown key, garbage', async () => {
    const bad = await badTokens(issuer, { sub: 'alice' });
    for (const [kind, token] of Object.entries(bad)) {
      expect({ kind, decision: await authorizeConnection(connectEvent({ token }), verify()) }).toEqual({
        kind,
        decision: 'unauthorized',
      });
    }
  });
});
