import { defineRoute } from '@slice/contract';
import type { HttpHandler } from '@slice/middleware';
import { lambdaContext, restApiEvent } from '@slice/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { compileRoutes, createRouter, matchRoute } from '../src/router';

const route = (method: 'GET' | 'POST', path: string, auth: 'public' | 'user' | 'staff') =>
  defineRoute({
    method,
    path,
    operationId: `op${method}${path.replace(/[^a-z]/gi, '')}`,
    summary: path,
    auth,
    ...(path.includes('{')
      ? {
          request: {
            path: z.strictObject(Object.fromEntries([[/\{(\w+)\}/.exec(path)?.[1] ?? '', z.string()]])),
          },
        }
      : {}),
    status: 200,
    response: z.unknown(),
  });

/** A stand-in for an `http()` handler: records the event it got and answers 200. */
function fakeHandler(method: 'GET' | 'POST', path: string, auth: 'public' | 'user' | 'staff') {
  const seen: APIGatewayProxyEvent[] = [];
  const handler = Object.assign(
    (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      seen.push(event);
      return Promise.resolve({ statusCode: 200, body: '' });
    },
    { route: route(method, path, auth) },
  );
  return { handler: handler as unknown as HttpHandler, seen };
}

const items = fakeHandler('GET', '/menu/items', 'public');
const item = fakeHandler('GET', '/menu/items/{itemId}', 'public');
const cancel = fakeHandler('POST', '/orders/{orderId}/cancel', 'user');
const sales = fakeHandler('GET', '/reports/daily-sales', 'staff');
const verified = { sub: 'alice', 'cognito:groups': 'customer' };
const verify = jest.fn((authorization: string | undefined) =>
  Promise.resolve(authorization === 'Bearer good' ? verified : undefined),
);
const router = createRouter([item.handler, items.handler, cancel.handler, sales.handler], { verify });

const proxied = (method: string, path: string, headers: Record<string, string> = {}) =>
  router(restApiEvent({ method, path, resource: '/{proxy+}', headers }), lambdaContext());

beforeEach(() => {
  for (const fake of [items, item, cancel, sales]) fake.seen.length = 0;
  verify.mockClear();
});

describe('the monolith router', () => {
  it('hands a route the event API Gateway builds for its own resource, decoded path parameters included', async () => {
    await proxied('GET', '/menu/items/caf%C3%A9-latte');
    const [event] = item.seen;
    expect(event).toMatchObject({
      resource: '/menu/items/{itemId}',
      path: '/menu/items/caf%C3%A9-latte',
      pathParameters: { itemId: 'café-latte' },
      requestContext: { resourcePath: '/menu/items/{itemId}', authorizer: null },
    });
  });

  it('prefers the literal route and gives it no path parameters', async () => {
    await proxied('GET', '/menu/items');
    expect(items.seen[0]).toMatchObject({ resource: '/menu/items', pathParameters: null });
    expect(item.seen).toHaveLength(0);
  });

  it('answers 404 problem+json, as the gateway does, for an unknown path or method', async () => {
    for (const [method, path] of [
      ['GET', '/pizzas'],
      ['DELETE', '/menu/items'],
      ['GET', '/menu/items/a/b'],
    ] as const) {
      const response = await proxied(method, path);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({
        type: 'urn:slice:problem:not-found',
        status: 404,
        detail: 'No route matches this method and path.',
      });
    }
    expect([...items.seen, ...item.seen]).toHaveLength(0);
  });

  it('passes the verified claims to a signed-in route as the Cognito authorizer would', async () => {
    await proxied('POST', '/orders/o-1/cancel', { Authorization: 'Bearer good' });
    expect(cancel.seen[0]?.requestContext.authorizer).toEqual({ claims: verified });
  });

  it('answers 401 before the route runs when a signed-in route gets no or a bad token', async () => {
    for (const headers of [{}, { authorization: 'Bearer forged' }] as Record<string, string>[]) {
      const response = await proxied('GET', '/reports/daily-sales', headers);
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ type: 'urn:slice:problem:unauthorized' });
    }
    expect(sales.seen).toHaveLength(0);
  });

  it('never verifies a token on a public route, as a route without an authorizer would not', async () => {
    await proxied('GET', '/menu/items', { authorization: 'Bearer good' });
    expect(verify).not.toHaveBeenCalled();
    expect(items.seen[0]?.requestContext.authorizer).toBeNull();
  });

  it('answers 503 with Retry-After, showing nothing, when the user pool keys cannot be read', async () => {
    verify.mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.0.0.1:443'));
    const response = await proxied('GET', '/reports/daily-sales', { authorization: 'Bearer good' });
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(sales.seen).toHaveLength(0);
  });

  it('matches as API Gateway does: one trailing slash ignored, an empty segment matching nothing', async () => {
    await proxied('GET', '/menu/items/');
    expect(items.seen).toHaveLength(1);
    for (const path of ['//menu/items', '/menu//items', '/menu/items//']) {
      expect({ path, status: (await proxied('GET', path)).statusCode }).toEqual({ path, status: 404 });
    }
    expect(items.seen).toHaveLength(1);
  });

  it('keeps an encoded slash inside its path parameter, and a malformed escape as sent', async () => {
    await proxied('GET', '/menu/items/a%2Fb');
    // Built by hand: a malformed escape has no decoded `{proxy+}` value to put in the event.
    await router(
      { ...restApiEvent({ method: 'GET', path: '/x', resource: '/{proxy+}' }), path: '/menu/items/%E0%A4%A' },
      lambdaContext(),
    );
    expect(item.seen.map((event) => event.pathParameters)).toEqual([
      { itemId: 'a/b' },
      { itemId: '%E0%A4%A' },
    ]);
  });

  it('matches literal segments on the decoded path', async () => {
    await proxied('GET', '/men%75/items');
    expect(items.seen).toHaveLength(1);
  });

  it('answers 404 for HEAD and OPTIONS on a GET route (the gateway answers preflights itself)', async () => {
    for (const method of ['HEAD', 'OPTIONS']) {
      expect((await proxied(method, '/menu/items')).statusCode).toBe(404);
    }
    expect(items.seen).toHaveLength(0);
  });

  it('finds the resource before the method: a literal resource without the method is a 404, not a {param} route', async () => {
    const byId = fakeHandler('GET', '/things/{thingId}', 'public');
    const special = fakeHandler('POST', '/things/special', 'public');
    const things = createRouter([byId.handler, special.handler], { verify });
    const context = lambdaContext();
    const get = (path: string) =>
      things(restApiEvent({ method: 'GET', path, resource: '/{proxy+}' }), context);
    expect((await get('/things/special')).statusCode).toBe(404);
    expect((await get('/things/other')).statusCode).toBe(200);
    expect(byId.seen.map((event) => event.pathParameters)).toEqual([{ thingId: 'other' }]);
  });

  it('prefers a literal segment where routes first differ, whatever their order', () => {
    const early = fakeHandler('GET', '/a/b/{x}', 'public');
    const late = fakeHandler('GET', '/a/{y}/c', 'public');
    for (const order of [
      [late.handler, early.handler],
      [early.handler, late.handler],
    ]) {
      expect(matchRoute(compileRoutes(order), 'GET', '/a/b/c')?.handler).toBe(early.handler);
    }
  });

  describe('with route groups moved to a service', () => {
    const movedRouter = (moved: () => Promise<ReadonlySet<string>>) =>
      createRouter([item.handler, items.handler, cancel.handler, sales.handler], {
        verify,
        movedBasePaths: moved,
      });
    const send = (
      moved: () => Promise<ReadonlySet<string>>,
      path: string,
      headers: Record<string, string> = {},
    ) =>
      movedRouter(moved)(
        restApiEvent({ method: 'GET', path, resource: '/{proxy+}', headers }),
        lambdaContext(),
      );
    const menuMoved = () => Promise.resolve(new Set(['menu']));

    it('answers 404 to a moved route without the routing header, whatever the spelling of its path', async () => {
      for (const path of ['/menu/items', '/m%65nu/items', '/%6D%65%6E%75/items/x', '/menu/%69tems']) {
        const response = await send(menuMoved, path);
        expect({ path, status: response.statusCode }).toEqual({ path, status: 404 });
      }
      expect(items.seen).toHaveLength(0);
      expect(item.seen).toHaveLength(0);
    });

    it('serves a moved route to a request with x-slice-route: monolith, and a group that did not move to anyone', async () => {
      expect((await send(menuMoved, '/m%65nu/items', { 'x-slice-route': 'monolith' })).statusCode).toBe(200);
      expect(items.seen).toHaveLength(1);
      expect(
        (await send(menuMoved, '/reports/daily-sales', { authorization: 'Bearer good' })).statusCode,
      ).not.toBe(404);
    });

    it('answers 503 with Retry-After, running no route, when the moved groups cannot be read', async () => {
      const response = await send(() => Promise.reject(new Error('throttled')), '/menu/items');
      expect(response.statusCode).toBe(503);
      expect(response.headers?.['retry-after']).toBe('1');
      expect(response.body).not.toContain('throttled');
      expect(items.seen).toHaveLength(0);
    });
  });

  it('refuses two routes on the same method and path shape', () => {
    const other = fakeHandler('GET', '/menu/items/{id}', 'public');
    expect(() => createRouter([item.handler, other.handler], { verify })).toThrow(/Two routes answer GET/);
  });
});
