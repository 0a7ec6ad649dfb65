import { lambdaContext, restApiEvent } from '@slice/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { defineRoute } from '@slice/contract';
import * as z from 'zod';
import { http, parseJsonBody, parseRequest } from '../src';
import { orderPizza } from './sample';

const customer = { sub: 'alice', 'cognito:groups': 'customer' };
const body = (response: APIGatewayProxyResult) =>
  JSON.parse(response.body) as { errors?: Array<{ path: string }>; detail?: string };

describe('http() request bodies', () => {
  const fn = jest.fn((request: { body: { name: string; quantity: number }; user: { id: string } }) =>
    Promise.resolve({ id: `${request.user.id}-1`, ...request.body }),
  );
  // Idempotency is tested against a real table in idempotency.spec.ts; here the route is used without it.
  const handler = http({ ...orderPizza, idempotencyKey: false }, fn);
  const post = (
    raw: string | null,
    headers: Record<string, string> = { 'Content-Type': 'application/json' },
  ) =>
    handler(
      restApiEvent({
        method: 'POST',
        path: '/pizzas',
        resource: '/pizzas',
        body: raw ?? undefined,
        headers,
        claims: customer,
      }),
      lambdaContext(),
    );

  it('passes a valid body to the handler, typed and parsed', async () => {
    const response = await post('{"name":"Margherita","quantity":2}');
    expect(response.statusCode).toBe(201);
    expect(fn).toHaveBeenCalledWith(
      expect.objectContaining({ body: { name: 'Margherita', quantity: 2 } }),
      expect.anything(),
    );
  });

  it('answers 400 for malformed JSON, without calling the handler', async () => {
    const response = await post('{"name":');
    expect(response.statusCode).toBe(400);
    expect(body(response).detail).toMatch(/not valid JSON/);
    expect(fn).not.toHaveBeenCalled();
  });

  it('answers 400 naming each unknown field (mass assignment)', async () => {
    const response = await post('{"name":"M","quantity":1,"customerId":"bob","status":"PAID"}');
    expect(response.statusCode).toBe(400);
    expect(body(response).errors?.map((error) => error.path)).toEqual(['body.customerId', 'body.status']);
    expect(fn).not.toHaveBeenCalled();
  });

  it('answers 400 naming a field of the wrong type', async () => {
    const response = await post('{"name":"M","quantity":"two"}');
    expect(body(response).errors?.map((error) => error.path)).toEqual(['body.quantity']);
  });

  it('answers 415 for another content type, naming it without its parameters', async () => {
    const response = await post('name=M', {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(response.statusCode).toBe(415);
    expect(body(response).detail).toBe(
      'The body must be application/json, not application/x-www-form-urlencoded.',
    );
    expect(body(await post('{}', {})).detail).toBe('The body must be application/json, not untyped.');
  });

  it('reads a base64-encoded body as UTF-8', () => {
    const event = restApiEvent({
      method: 'POST',
      path: '/pizzas',
      resource: '/pizzas',
      body: Buffer.from('{"name":"Margherita ✓","quantity":1}').toString('base64'),
      // parseJsonBody reads lower-cased headers, as http() hands them on.
      headers: { 'content-type': 'application/json' },
      claims: customer,
    });
    expect(parseJsonBody({ ...event, isBase64Encoded: true })).toEqual({ name: 'Margherita ✓', quantity: 1 });
  });

  it('accepts a JSON content type with a charset', async () => {
    const response = await post('{"name":"M","quantity":1}', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(response.statusCode).toBe(201);
  });

  it('answers 400 for a missing body', async () => {
    expect((await post(null)).statusCode).toBe(400);
  });

  it('answers 413 for a huge body', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(200_000), quantity: 1 }));
    expect(response.statusCode).toBe(413);
  });

  it('answers 400 for a deeply nested body', async () => {
    const response = await post(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`);
    expect(response.statusCode).toBe(400);
    expect(body(response).detail).toMatch(/nested deeper/);
  });
});

describe('parseRequest headers', () => {
  const route = defineRoute({
    method: 'PUT',
    path: '/pizzas/{pizzaId}',
    operationId: 'replacePizza',
    summary: 'Replace a pizza',
    auth: 'staff',
    request: {
      path: z.strictObject({ pizzaId: z.string() }),
      headers: z.strictObject({ 'If-Match': z.string().regex(/^\d+$/) }),
    },
    status: 204,
  });
  const event = (headers: Record<string, string>) =>
    restApiEvent({
      method: 'PUT',
      path: '/pizzas/p-1',
      resource: '/pizzas/{pizzaId}',
      pathParameters: { pizzaId: 'p-1' },
      headers,
    });

  it('validates only the headers the route declares, read by their lower-cased names', () => {
    expect(parseRequest(route, event({ 'if-match': '3', 'x-other': 'x' })).headers).toEqual({
      'If-Match': '3',
    });
  });

  it('names a declared header that is missing', () => {
    let refused: unknown;
    try {
      parseRequest(route, event({}));
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ status: 400, errors: [{ path: 'headers.If-Match' }] });
  });
});
