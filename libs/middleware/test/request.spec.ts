import { defineRoute } from '@slice/contract';
import { restApiEvent } from '@slice/testing';
import * as z from 'zod';
import { parseJsonBody, parseRequest } from '../src';

/** A POST carrying `body` (untyped when `contentType` is null) with lower-cased headers, as http() hands them on. */
const post = (body: string | undefined, contentType: string | null = 'application/json') =>
  restApiEvent({
    method: 'POST',
    path: '/pizzas',
    body,
    headers: contentType === null ? {} : { 'content-type': contentType },
  });

/** What parseJsonBody throws for `event`, or `undefined` when it accepts the body. */
function refusal(event: ReturnType<typeof post>, limits?: Parameters<typeof parseJsonBody>[1]) {
  try {
    parseJsonBody(event, limits);
    return undefined;
  } catch (error) {
    return error as { status: number; message: string };
  }
}

/** A JSON string of exactly `bytes` bytes: `"xxx…"`. */
const jsonOfBytes = (bytes: number) => JSON.stringify('x'.repeat(bytes - 2));
/** `levels` arrays nested in one another, around `inner`. */
const nested = (levels: number, inner = '1') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

describe('parseJsonBody size limit', () => {
  it('accepts a body of exactly 102400 bytes and refuses one byte more with 413', () => {
    expect(refusal(post(jsonOfBytes(102_400)))).toBeUndefined();
    expect(refusal(post(jsonOfBytes(102_401)))).toMatchObject({
      status: 413,
      message: 'The body is larger than 102400 bytes.',
    });
  });

  it('counts bytes, not characters', () => {
    // 'é' is two bytes in UTF-8: 6 characters, 10 bytes.
    expect(refusal(post('"éééé"'), { maxBodyBytes: 9 })).toMatchObject({ status: 413 });
    expect(refusal(post('"éééé"'), { maxBodyBytes: 10 })).toBeUndefined();
  });

  it('applies a limit the route sets, at the limit and one byte over', () => {
    expect(refusal(post(jsonOfBytes(10)), { maxBodyBytes: 10 })).toBeUndefined();
    expect(refusal(post(jsonOfBytes(11)), { maxBodyBytes: 10 })).toMatchObject({
      status: 413,
      message: 'The body is larger than 10 bytes.',
    });
  });

  it('measures a base64-encoded body after decoding it', () => {
    const event = { ...post(Buffer.from(jsonOfBytes(10)).toString('base64')), isBase64Encoded: true };
    expect(refusal(event, { maxBodyBytes: 10 })).toBeUndefined();
  });

  it('checks the size before the content type', () => {
    expect(refusal(post(jsonOfBytes(11), 'text/plain'), { maxBodyBytes: 10 })).toMatchObject({ status: 413 });
  });
});

describe('parseJsonBody nesting limit', () => {
  it('accepts 32 levels of nesting and refuses 33 with 400', () => {
    expect(parseJsonBody(post(nested(32)))).toEqual(JSON.parse(nested(32)));
    expect(refusal(post(nested(33)))).toMatchObject({
      status: 400,
      message: 'The body is nested deeper than 32 levels.',
    });
  });

  it('counts objects as levels like arrays', () => {
    const objects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    expect(refusal(post(objects(3)), { maxDepth: 3 })).toBeUndefined();
    expect(refusal(post(objects(4)), { maxDepth: 3 })).toMatchObject({
      status: 400,
      message: 'The body is nested deeper than 3 levels.',
    });
  });

  it('finds the deepest branch wherever it is, also past one at the limit', () => {
    const deepFirst = `{"deep":${nested(4)},"atLimit":${nested(2)}}`;
    const deepLast = `{"atLimit":${nested(2)},"deep":${nested(4)}}`;
    expect(refusal(post(deepFirst), { maxDepth: 3 })).toMatchObject({ status: 400 });
    expect(refusal(post(deepLast), { maxDepth: 3 })).toMatchObject({ status: 400 });
    expect(refusal(post(`[${nested(2)},${nested(2)}]`), { maxDepth: 3 })).toBeUndefined();
  });

  it('does not count null, strings or numbers as levels', () => {
    expect(parseJsonBody(post('{"a":null,"b":"[[[[","c":[1,null]}'), { maxDepth: 2 })).toEqual({
      a: null,
      b: '[[[[',
      c: [1, null],
    });
    expect(parseJsonBody(post('null'), { maxDepth: 1 })).toBeNull();
  });
});

describe('parseJsonBody content type', () => {
  it.each([
    'application/json',
    'APPLICATION/JSON',
    'application/json;charset=utf-8',
    'application/json ; charset=utf-8',
    '  application/json  ',
    'application/problem+json',
    'application/vnd.slice.v1+json',
    'application/merge-patch+json',
  ])('accepts %j', (contentType) => {
    expect(parseJsonBody(post('{"a":1}', contentType))).toEqual({ a: 1 });
  });

  it.each([
    'application/jsonp',
    'application/json-seq',
    'application/+json',
    'application/x json',
    'text/json',
    'xapplication/json',
    'text/plain; type=application/json',
    'application/xml',
    '',
  ])('refuses %j with 415', (contentType) => {
    expect(refusal(post('{"a":1}', contentType))).toMatchObject({ status: 415 });
  });

  it('refuses an untyped body with 415', () => {
    expect(refusal(post('{"a":1}', null))).toMatchObject({
      status: 415,
      message: 'The body must be application/json, not untyped.',
    });
  });

  it('reads no body at all from null, undefined or an empty body, whatever its type', () => {
    expect(parseJsonBody({ ...post(undefined, null), body: null })).toBeUndefined();
    expect(parseJsonBody({ ...post(undefined, null), body: undefined as unknown as null })).toBeUndefined();
    expect(parseJsonBody(post('', null))).toBeUndefined();
    expect(parseJsonBody(post('', 'application/json'))).toBeUndefined();
  });

  it("names the parser's error of malformed JSON", () => {
    let parserError = '';
    try {
      JSON.parse('{"a":');
    } catch (error) {
      parserError = (error as SyntaxError).message;
    }

    expect(refusal(post('{"a":'))).toMatchObject({
      status: 400,
      message: `The body is not valid JSON: ${parserError}`,
    });
  });
});

describe('parseRequest', () => {
  const route = defineRoute({
    method: 'GET',
    path: '/pizzas/{pizzaId}',
    operationId: 'getPizza',
    summary: 'Read a pizza',
    auth: 'public',
    request: {
      path: z.strictObject({ pizzaId: z.string().regex(/^p-\d+$/) }),
      query: z.strictObject({ size: z.optional(z.enum(['small', 'large'])) }),
    },
    status: 200,
    response: z.object({ id: z.string() }),
  });
  const get = (options: { pizzaId?: string; query?: Record<string, string>; body?: string }) =>
    restApiEvent({
      method: 'GET',
      path: `/pizzas/${options.pizzaId ?? 'p-1'}`,
      resource: '/pizzas/{pizzaId}',
      pathParameters: { pizzaId: options.pizzaId ?? 'p-1' },
      query: options.query,
      body: options.body,
      headers: options.body === undefined ? {} : { 'content-type': 'text/plain' },
    });
  const errorsOf = (event: ReturnType<typeof get>) => {
    try {
      parseRequest(route, event);
      return [];
    } catch (error) {
      return (error as { errors: Array<{ path: string }> }).errors.map((field) => field.path);
    }
  };

  it('returns the parsed path and query, and no body for a route without one', () => {
    expect(parseRequest(route, get({ query: { size: 'large' } }))).toEqual({
      path: { pizzaId: 'p-1' },
      query: { size: 'large' },
      headers: undefined,
      body: undefined,
      rawBody: undefined,
    });
  });

  it('reads absent path parameters and query strings as empty objects', () => {
    const event = { ...get({}), queryStringParameters: null };
    expect(parseRequest(route, event).query).toEqual({});
    expect(errorsOf({ ...get({}), pathParameters: null })).toEqual(['path.pizzaId']);
  });

  it('ignores the body of a route that declares none, whatever its type', () => {
    expect(parseRequest(route, get({ body: 'not json' })).rawBody).toBeUndefined();
  });

  it('names every invalid field of every part in one 400', () => {
    expect(errorsOf(get({ pizzaId: 'x', query: { size: 'huge' } }))).toEqual(['path.pizzaId', 'query.size']);
  });
});
