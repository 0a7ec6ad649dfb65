import { claimsOf, createLocalIssuer, lambdaContext, restApiEvent } from '@slice/testing';
import { decodeJwt } from 'jose';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { http, metrics, reply } from '../src';
import { getPizza, PizzaNotFound, removePizza } from './sample';

const context = () => lambdaContext({ functionName: 'pizzas-get' });
const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;
const staff = { sub: 'dana', 'cognito:groups': 'staff' };
const customer = { sub: 'alice', 'cognito:groups': 'customer' };

const getHandler = http(getPizza, ({ path, query }) => {
  if (path.pizzaId === 'missing') throw new PizzaNotFound(path.pizzaId);
  if (path.pizzaId === 'broken')
    throw new Error('secret detail: table pizzas-prod arn:aws:dynamodb:eu-west-1:123:table/x');
  if (path.pizzaId === 'leaky')
    return Promise.resolve({ id: 'leaky', name: 'x', quantity: 1, pk: 'PIZZA#leaky' } as never);
  return Promise.resolve({ id: path.pizzaId, name: `Pizza ${query.size}`, quantity: 1 });
});

const get = (pizzaId: string, extra: Partial<Parameters<typeof restApiEvent>[0]> = {}) =>
  getHandler(
    restApiEvent({
      method: 'GET',
      path: `/pizzas/${pizzaId}`,
      resource: '/pizzas/{pizzaId}',
      pathParameters: { pizzaId },
      ...extra,
    }),
    context(),
  );

describe('http()', () => {
  it('answers a valid request with the route status and a body matching the schema', async () => {
    const response = await get('margherita', { query: { size: 'l' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(body(response)).toEqual({ id: 'margherita', name: 'Pizza l', quantity: 1 });
  });

  it('applies query defaults from the schema', async () => {
    expect(body(await get('margherita'))).toMatchObject({ name: 'Pizza m' });
  });

  it('rejects an invalid path and query with 400 naming each field', async () => {
    const response = await get('ab', { query: { size: 'xl' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const fields = (body(response).errors as Array<{ path: string }>).map((error) => error.path);
    expect(fields).toEqual(['path.pizzaId', 'query.size']);
  });

  it('rejects unknown query parameters', async () => {
    const response = await get('margherita', { query: { size: 'm', debug: '1' } });
    expect(response.statusCode).toBe(400);
    expect(body(response).errors).toEqual([{ path: 'query.debug', message: 'Unknown field.' }]);
  });

  it('maps a thrown domain error to its status as problem+json', async () => {
    const response = await get('missing');
    expect(response.statusCode).toBe(404);
    expect(body(response)).toMatchObject({
      type: 'urn:slice:problem:not-found',
      status: 404,
      detail: 'Pizza missing is not on the menu.',
    });
  });

  it('answers an unexpected error with 500 and nothing but the correlation id', async () => {
    const response = await get('broken', { headers: { 'X-Correlation-Id': 'corr-500' } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/secret|pizzas-prod|arn:|at .*\.ts/);
    expect(body(response)).toEqual({
      type: 'urn:slice:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      correlationId: 'corr-500',
    });
  });

  it('refuses an answer that breaks the contract when answers are validated', async () => {
    const response = await get('leaky');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/PIZZA#leaky/);
  });

  it('echoes the caller correlation id, or creates one', async () => {
    const echoed = await get('margherita', { headers: { 'x-correlation-id': 'corr-1' } });
    expect(echoed.headers?.['x-correlation-id']).toBe('corr-1');
    const created = await get('margherita');
    expect(created.headers?.['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('adds security headers and CORS', async () => {
    const response = await get('margherita', { headers: { Origin: 'https://app.example.test' } });
    expect(response.headers).toMatchObject({
      'Strict-Transport-Security': expect.stringContaining('max-age'),
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
    });
  });

  it('counts every answer by operation and outcome', async () => {
    const added = jest.spyOn(metrics, 'addMetric');
    await get('margherita');
    await get('broken');
    expect(added).toHaveBeenCalledWith('Success', MetricUnit.Count, 1);
    expect(added).toHaveBeenCalledWith('ServerError', MetricUnit.Count, 1);
  });

  it('lets a handler add headers with reply()', async () => {
    const handler = http(getPizza, ({ path }) =>
      Promise.resolve(
        reply({ id: path.pizzaId, name: 'x', quantity: 1 }, { location: `/pizzas/${path.pizzaId}` }),
      ),
    );
    const response = await handler(
      restApiEvent({
        method: 'GET',
        path: '/pizzas/abc',
        resource: '/pizzas/{pizzaId}',
        pathParameters: { pizzaId: 'abc' },
      }),
      context(),
    );
    expect(response.headers?.location).toBe('/pizzas/abc');
    expect(body(response)).toEqual({ id: 'abc', name: 'x', quantity: 1 });
  });
});

describe('http() auth', () => {
  const remove = http(removePizza, () => Promise.resolve(undefined));
  const event = (claims?: Record<string, string>) =>
    restApiEvent({
      method: 'DELETE',
      path: '/pizzas/abc',
      resource: '/pizzas/{pizzaId}',
      pathParameters: { pizzaId: 'abc' },
      ...(claims ? { claims } : {}),
    });

  it('answers 401 when no authorizer ran', async () => {
    expect((await remove(event(), context())).statusCode).toBe(401);
  });

  it('answers 403 to a customer on a staff route, before the handler runs', async () => {
    const fn = jest.fn(() => Promise.resolve(undefined));
    const response = await http(removePizza, fn)(event(customer), context());
    expect(response.statusCode).toBe(403);
    expect(fn).not.toHaveBeenCalled();
  });

  it('lets staff through with a 204 and no body', async () => {
    const response = await remove(event(staff), context());
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers?.['cache-control']).toBe('no-store');
  });

  it('reads the groups claim in the bracketed form API Gateway uses', async () => {
    expect(
      (await remove(event({ sub: 'dana', 'cognito:groups': '[customer staff]' }), context())).statusCode,
    ).toBe(204);
  });

  describe('with the verified token in the request, as the Cognito authorizer passes it', () => {
    const issuer = createLocalIssuer();
    /** The event API Gateway builds: the token in `Authorization`, its claims rendered as strings. */
    const signedIn = async (groups: string[], claimsGroups?: string) => {
      const token = await issuer.token({ sub: 'erin', groups });
      const claims = claimsOf(decodeJwt(token));
      return restApiEvent({
        method: 'DELETE',
        path: '/pizzas/abc',
        resource: '/pizzas/{pizzaId}',
        pathParameters: { pizzaId: 'abc' },
        headers: { Authorization: `Bearer ${token}` },
        claims: claimsGroups === undefined ? claims : { ...claims, 'cognito:groups': claimsGroups },
      });
    };

    it('answers 403 to a member of one group named customer,staff', async () => {
      const event = await signedIn(['customer,staff']);
      expect(event.requestContext.authorizer?.claims['cognito:groups']).toBe('customer,staff');
      expect((await remove(event, context())).statusCode).toBe(403);
    });

    it('lets a member of both customer and staff through', async () => {
      expect((await remove(await signedIn(['customer', 'staff']), context())).statusCode).toBe(204);
    });

    it('never takes a group from the token that the authorizer did not pass', async () => {
      expect((await remove(await signedIn(['customer', 'staff'], 'customer'), context())).statusCode).toBe(
        403,
      );
    });

    it('answers 403 to a list claim holding one group named customer,staff', async () => {
      const event = await signedIn(['customer,staff']);
      const claims = { ...event.requestContext.authorizer?.claims, 'cognito:groups': ['customer,staff'] };
      const listed = { ...event, requestContext: { ...event.requestContext, authorizer: { claims } } };
      expect((await remove(listed, context())).statusCode).toBe(403);
    });
  });
});
