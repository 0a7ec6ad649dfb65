import { badTokens, createLocalIssuer, type LocalIssuer } from '@slice/testing';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AuthorizerSpec } from '../src/assembly/types';
import {
  cognitoAuthorizer,
  fakeRuntime,
  type Handler,
  json,
  lambdaMethod,
  model,
  region,
  restApi,
  serve,
  sliceGatewayResponses,
} from './gateway-fixtures';

const echo: Handler = (event) => json(200, event);
let issuer: LocalIssuer;
beforeAll(() => {
  issuer = createLocalIssuer({ issuer: 'http://localhost:3000/_local/issuer', audience: 'slice-local' });
});

describe('Cognito user-pool authorizer', () => {
  const api = restApi({
    id: 'ordersapi1',
    name: 'orders',
    authorizers: [cognitoAuthorizer],
    gatewayResponses: sliceGatewayResponses,
    resources: {
      '/orders': [
        lambdaMethod('GET', 'Orders/Fn', {
          authorizationType: 'COGNITO_USER_POOLS',
          authorizerId: cognitoAuthorizer.id,
        }),
      ],
      '/orders/admin': [
        lambdaMethod('GET', 'Orders/Fn', {
          authorizationType: 'COGNITO_USER_POOLS',
          authorizerId: cognitoAuthorizer.id,
          authorizationScopes: ['orders/admin'],
        }),
      ],
    },
  });

  async function withServer(
    run: (url: string, calls: { event: Record<string, unknown> }[]) => Promise<void>,
  ) {
    const { runtime, calls } = fakeRuntime({ 'Orders/Fn': echo });
    const server = await serve({
      model: model({ apis: [api], functionIds: ['Orders/Fn'] }),
      runtime,
      issuer,
    });
    try {
      await run(server.url, calls);
    } finally {
      await server.close();
    }
  }

  it('passes the claims of a valid token, raw or as a Bearer token, as API Gateway does', async () => {
    await withServer(async (url) => {
      const token = await issuer.token({
        sub: 'user-1',
        groups: ['staff', 'admin'],
        email: 'ana@example.com',
      });
      for (const authorization of [token, `Bearer ${token}`]) {
        const response = await fetch(`${url}/orders`, { headers: { Authorization: authorization } });
        const event = (await response.json()) as APIGatewayProxyEvent;

        expect(response.status).toBe(200);
        expect(event.requestContext.authorizer?.['claims']).toMatchObject({
          sub: 'user-1',
          'cognito:groups': 'staff,admin',
          email: 'ana@example.com',
          aud: 'slice-local',
          token_use: 'id',
        });
        expect(event.requestContext.authorizer?.['claims']['exp']).toMatch(
          /^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/,
        );
      }
    });
  });

  it('answers 401 with the API UNAUTHORIZED response before the function runs for a missing token', async () => {
    await withServer(async (url, calls) => {
      const response = await fetch(`${url}/orders`);

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as Record<string, unknown>)['type']).toBe(
        'urn:slice:problem:unauthorized',
      );
      expect(calls).toHaveLength(0);
    });
  });

  it.each([
    'expired',
    'wrongIssuer',
    'wrongAudience',
    'algNone',
    'badSignature',
    'unknownKey',
    'malformed',
  ] as const)('answers 401 for a token that is %s', async (kind) => {
    const tokens = await badTokens(issuer, { sub: 'user-1' });
    await withServer(async (url, calls) => {
      const response = await fetch(`${url}/orders`, { headers: { Authorization: `Bearer ${tokens[kind]}` } });

      expect(response.status).toBe(401);
      expect(calls).toHaveLength(0);
    });
  });

  it('refuses an HS256 token signed with the public key as secret (algorithm confusion)', async () => {
    const { keys } = await issuer.jwks();
    const header = Buffer.from(
      JSON.stringify({ alg: 'HS256', kid: (keys[0] as { kid: string }).kid }),
    ).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'x',
        iss: issuer.issuer,
        aud: issuer.audience,
        token_use: 'id',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    ).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', JSON.stringify(keys[0]))
      .update(`${header}.${payload}`)
      .digest('base64url');
    await withServer(async (url) => {
      const response = await fetch(`${url}/orders`, {
        headers: { Authorization: `${header}.${payload}.${signature}` },
      });

      expect(response.status).toBe(401);
    });
  });

  it('takes an access token with one of the method scopes where the method lists scopes', async () => {
    await withServer(async (url) => {
      const idToken = await issuer.token({ sub: 'user-1' });
      const withoutScope = await issuer.token({ sub: 'user-1' }, { tokenUse: 'access' });
      const withScope = await issuer.token(
        { sub: 'user-1' },
        { tokenUse: 'access', scopes: ['orders/admin'] },
      );
      const status = async (token: string) =>
        (await fetch(`${url}/orders/admin`, { headers: { Authorization: token } })).status;

      expect(await status(idToken)).toBe(401);
      expect(await status(withoutScope)).toBe(401);
      expect(await status(withScope)).toBe(200);
    });
  });
});

describe('Lambda authorizers', () => {
  const lambdaAuthorizer = {
    providerArns: [],
    resultTtlSeconds: 300,
    functionArn: `arn:aws:lambda:${region}:000000000000:function:Auth-Fn`,
    functionId: 'Auth/Fn',
  };
  const tokenAuthorizer: AuthorizerSpec = {
    ...lambdaAuthorizer,
    id: 'tok123',
    name: 'TokenAuthorizer',
    type: 'TOKEN',
    identitySource: 'method.request.header.Authorization',
    identityValidationExpression: 'Bearer .+',
  };
  const requestAuthorizer: AuthorizerSpec = {
    ...lambdaAuthorizer,
    id: 'req123',
    name: 'RequestAuthorizer',
    type: 'REQUEST',
    identitySource: 'method.request.header.X-Api-Team, method.request.querystring.tenant',
  };
  const api = restApi({
    id: 'kitchenap1',
    name: 'kitchen',
    authorizers: [tokenAuthorizer, requestAuthorizer],
    resources: {
      '/tickets': [
        lambdaMethod('GET', 'Kitchen/Fn', { authorizationType: 'CUSTOM', authorizerId: tokenAuthorizer.id }),
        lambdaMethod('POST', 'Kitchen/Fn', { authorizationType: 'CUSTOM', authorizerId: tokenAuthorizer.id }),
      ],
      '/stations': [
        lambdaMethod('GET', 'Kitchen/Fn', {
          authorizationType: 'CUSTOM',
          authorizerId: requestAuthorizer.id,
        }),
      ],
    },
  });
  const policy = (effect: 'Allow' | 'Deny', resource: string) => ({
    principalId: 'chef-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    context: { team: 'kitchen', level: 3, lead: true },
  });
  const authorizer: Handler = (event) => {
    const token = typeof event['authorizationToken'] === 'string' ? event['authorizationToken'] : '';
    if (token === 'Bearer nobody') throw new Error('Unauthorized');
    if (token === 'Bearer broken') throw new Error('database down');
    if (token === 'Bearer get-only')
      return policy('Allow', `${String(event['methodArn']).split('/').slice(0, 2).join('/')}/GET/*`);
    if (token === 'Bearer denied') return policy('Deny', '*');
    return policy('Allow', 'arn:aws:execute-api:*');
  };

  async function withServer(
    run: (url: string, calls: { functionId: string; event: Record<string, unknown> }[]) => Promise<void>,
  ) {
    const { runtime, calls } = fakeRuntime({ 'Kitchen/Fn': echo, 'Auth/Fn': authorizer });
    const server = await serve({
      model: model({ apis: [api], functionIds: ['Kitchen/Fn', 'Auth/Fn'] }),
      runtime,
      issuer,
    });
    try {
      await run(server.url, calls);
    } finally {
      await server.close();
    }
  }
  const authorizerCalls = <T extends { functionId: string }>(calls: T[]) =>
    calls.filter((call) => call.functionId === 'Auth/Fn');

  it('lets an allowed caller through with principalId and context in requestContext.authorizer', async () => {
    await withServer(async (url, calls) => {
      const response = await fetch(`${url}/tickets`, { headers: { Authorization: 'Bearer chef' } });
      const event = (await response.json()) as APIGatewayProxyEvent;

      expect(response.status).toBe(200);
      expect(event.requestContext.authorizer).toMatchObject({
        principalId: 'chef-1',
        team: 'kitchen',
        level: 3,
        lead: true,
      });
      expect(authorizerCalls(calls)[0]?.event).toEqual({
        type: 'TOKEN',
        authorizationToken: 'Bearer chef',
        methodArn: `arn:aws:execute-api:${region}:000000000000:kitchenap1/dev/GET/tickets`,
      });
    });
  });

  it('serves the second request with the same token from the cache, evaluated against the new method', async () => {
    await withServer(async (url, calls) => {
      const first = await fetch(`${url}/tickets`, { headers: { Authorization: 'Bearer get-only' } });
      const second = await fetch(`${url}/tickets`, { headers: { Authorization: 'Bearer get-only' } });
      const post = await fetch(`${url}/tickets`, {
        method: 'POST',
        headers: { Authorization: 'Bearer get-only' },
      });

      expect([first.status, second.status, post.status]).toEqual([200, 200, 403]);
      expect(await post.json()).toEqual({ message: 'User is not authorized to access this resource' });
      expect(authorizerCalls(calls)).toHaveLength(1);
    });
  });

  it('answers 403 for an explicit deny, 401 for Unauthorized and 500 for a failing authorizer', async () => {
    await withServer(async (url, calls) => {
      const denied = await fetch(`${url}/tickets`, { headers: { Authorization: 'Bearer denied' } });
      const nobody = await fetch(`${url}/tickets`, { headers: { Authorization: 'Bearer nobody' } });
      const broken = await fetch(`${url}/tickets`, { headers: { Authorization: 'Bearer broken' } });

      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({
        message: 'User is not authorized to access this resource with an explicit deny',
      });
      expect(nobody.status).toBe(401);
      expect(await nobody.json()).toEqual({ message: 'Unauthorized' });
      expect(broken.status).toBe(500);
      expect(await broken.json()).toEqual({ message: null });
      expect(calls.filter((call) => call.functionId === 'Kitchen/Fn')).toHaveLength(0);
    });
  });

  it('answers 401 without calling the authorizer when the token is missing or fails the validation expression', async () => {
    await withServer(async (url, calls) => {
      const missing = await fetch(`${url}/tickets`);
      const invalid = await fetch(`${url}/tickets`, { headers: { Authorization: 'Basic abc' } });

      expect([missing.status, invalid.status]).toEqual([401, 401]);
      expect(authorizerCalls(calls)).toHaveLength(0);
    });
  });

  it('gives a REQUEST authorizer the request, and answers 401 when an identity source is missing', async () => {
    await withServer(async (url, calls) => {
      const missing = await fetch(`${url}/stations`, { headers: { 'X-Api-Team': 'kitchen' } });
      const complete = await fetch(`${url}/stations?tenant=t-1`, { headers: { 'X-Api-Team': 'kitchen' } });

      expect(missing.status).toBe(401);
      expect(complete.status).toBe(200);
      expect(authorizerCalls(calls)).toHaveLength(1);
      expect(authorizerCalls(calls)[0]?.event).toMatchObject({
        type: 'REQUEST',
        methodArn: `arn:aws:execute-api:${region}:000000000000:kitchenap1/dev/GET/stations`,
        resource: '/stations',
        path: '/stations',
        httpMethod: 'GET',
        queryStringParameters: { tenant: 't-1' },
        headers: { 'X-Api-Team': 'kitchen' },
      });
    });
  });
});
