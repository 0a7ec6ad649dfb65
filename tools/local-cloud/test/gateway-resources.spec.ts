import { createLocalIssuer } from '@slice/testing';
import { ResourceRouter } from '../src/services/apigateway';
import {
  corsPreflight,
  fakeRuntime,
  json,
  lambdaMethod,
  model,
  restApi,
  serve,
  sliceGatewayResponses,
} from './gateway-fixtures';

const resource = (path: string) => ({ id: path, path, methods: [lambdaMethod('GET', 'S/F')] });

describe('resource matching', () => {
  const router = new ResourceRouter(
    [
      '/',
      '/orders',
      '/orders/{orderId}',
      '/orders/mine',
      '/orders/{orderId}/cancel',
      '/files/{path+}',
      '/a/b/c',
      '/a/{x}/d',
    ].map(resource),
  );
  const matched = (path: string) => {
    const match = router.match(path);
    return match && { resource: match.resource.spec.path, parameters: match.pathParameters };
  };

  it('prefers a literal segment over a {param} at the same place', () => {
    expect(matched('/orders/mine')).toEqual({ resource: '/orders/mine', parameters: {} });
    expect(matched('/orders/o-1')).toEqual({ resource: '/orders/{orderId}', parameters: { orderId: 'o-1' } });
  });

  it('keeps path parameters percent-encoded, as API Gateway passes them', () => {
    expect(matched('/orders/o%201/cancel')).toEqual({
      resource: '/orders/{orderId}/cancel',
      parameters: { orderId: 'o%201' },
    });
    expect(matched('/files/a%2Fb/c')).toEqual({
      resource: '/files/{path+}',
      parameters: { path: 'a%2Fb/c' },
    });
  });

  it('matches a literal segment by its decoded form', () => {
    expect(matched('/orders/mi%6Ee')).toEqual({ resource: '/orders/mine', parameters: {} });
  });

  it('lets a trailing {name+} take the rest of the path, but never nothing', () => {
    expect(matched('/files/a/b/c.txt')).toEqual({
      resource: '/files/{path+}',
      parameters: { path: 'a/b/c.txt' },
    });
    expect(matched('/files')).toBeUndefined();
  });

  it('falls back to a {param} branch when the literal branch leads nowhere', () => {
    expect(matched('/a/b/d')).toEqual({ resource: '/a/{x}/d', parameters: { x: 'b' } });
  });

  it('ignores one trailing slash and refuses empty segments', () => {
    expect(matched('/orders/')).toEqual({ resource: '/orders', parameters: {} });
    expect(matched('/orders//cancel')).toBeUndefined();
    expect(matched('/')).toEqual({ resource: '/', parameters: {} });
  });
});

describe('unknown resources and methods over HTTP', () => {
  const issuer = createLocalIssuer();
  const { runtime } = fakeRuntime({
    'S/Any': () => json(200, { any: true }),
    'S/Get': () => json(200, { get: true }),
  });
  const resources = {
    '/': [corsPreflight],
    '/things': [lambdaMethod('GET', 'S/Get')],
    '/anything': [lambdaMethod('ANY', 'S/Any')],
  };

  it('answers 403 Missing Authentication Token, as API Gateway does, for an unknown path or method', async () => {
    const api = restApi({ id: 'plainapi01', name: 'plain', resources });
    const server = await serve({
      model: model({ apis: [api], functionIds: ['S/Get', 'S/Any'] }),
      runtime,
      issuer,
    });
    try {
      const unknownPath = await fetch(`${server.url}/things/1`);
      const unknownMethod = await fetch(`${server.url}/things`, { method: 'DELETE' });

      expect(unknownPath.status).toBe(403);
      expect(await unknownPath.json()).toEqual({ message: 'Missing Authentication Token' });
      expect(unknownPath.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(unknownMethod.status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('applies the API gateway response for MISSING_AUTHENTICATION_TOKEN when it defines one', async () => {
    const api = restApi({
      id: 'sliceapi01',
      name: 'slice',
      resources,
      gatewayResponses: sliceGatewayResponses,
    });
    const server = await serve({
      model: model({ apis: [api], functionIds: ['S/Get', 'S/Any'] }),
      runtime,
      issuer,
    });
    try {
      const response = await fetch(`${server.url}/things/1`);
      const body = (await response.json()) as Record<string, unknown>;

      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(body).toEqual({
        type: 'urn:slice:problem:not-found',
        title: 'Not Found',
        status: 404,
        detail: 'Missing Authentication Token',
        correlationId: response.headers.get('x-amzn-requestid'),
      });
    } finally {
      await server.close();
    }
  });

  it('serves any method on an ANY method', async () => {
    const api = restApi({ id: 'plainapi01', name: 'plain', resources });
    const server = await serve({
      model: model({ apis: [api], functionIds: ['S/Get', 'S/Any'] }),
      runtime,
      issuer,
    });
    try {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        expect(await (await fetch(`${server.url}/anything`, { method })).json()).toEqual({ any: true });
      }
    } finally {
      await server.close();
    }
  });

  it('answers a CORS preflight from the MOCK integration, without calling a function', async () => {
    const { runtime: recording, calls } = fakeRuntime({});
    const api = restApi({ id: 'plainapi01', name: 'plain', resources: { '/': [corsPreflight] } });
    const routingRules = [{ priority: 1, apiId: api.id, stage: 'dev', stripBasePath: false, source: 'test' }];
    const server = await serve({
      model: model({ apis: [api], functionIds: [], routingRules }),
      runtime: recording,
      issuer,
    });
    try {
      const response = await fetch(`${server.url}/`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' },
      });

      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toBe('OPTIONS,GET,POST');
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'Authorization,Content-Type,Idempotency-Key',
      );
      expect(calls).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
