import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { pathParametersOf, queryParametersOf, requestTime, restApiEvent } from '../src';

const documented = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'rest-api-proxy-event.aws-docs.json'), 'utf8'),
) as APIGatewayProxyEvent;

describe('restApiEvent', () => {
  describe("against AWS's documented proxy event", () => {
    const built = restApiEvent({
      method: 'GET',
      path: '/my/path',
      headers: { header1: 'value1', header2: ['value1', 'value2'] },
      query: { parameter1: ['value1', 'value2'], parameter2: 'value' },
      body: 'Hello from Lambda!',
      // The documented example was captured on a `$default` stage with no authorizer configured
      // but an empty one reported, and through a mutual-TLS domain.
      stage: '$default',
      authorizer: { claims: null, scopes: null },
      clientCert: documented.requestContext.identity.clientCert ?? undefined,
      accountId: '123456789012',
      apiId: 'id',
      domainName: 'id.execute-api.us-east-1.amazonaws.com',
      extendedRequestId: 'request-id',
      requestId: 'id=',
      sourceIp: 'IP',
      userAgent: 'user-agent',
      requestTimeEpoch: 1583349317135,
      resourceId: 'abc123',
    });

    // Where the documented example is not what a REST API sends (see test/fixtures/README.md).
    const expected = {
      ...documented,
      queryStringParameters: { ...documented.queryStringParameters, parameter1: 'value2' },
      requestContext: { ...documented.requestContext, resourceId: 'abc123' },
    };

    it('matches the documented event as a whole', () => {
      expect(built).toEqual(expected);
    });

    it.each(Object.keys(documented))('matches the documented %s', (field) => {
      expect(built[field as keyof APIGatewayProxyEvent]).toEqual(
        expected[field as keyof APIGatewayProxyEvent],
      );
    });

    it.each(Object.keys(documented.requestContext))('matches the documented requestContext.%s', (field) => {
      expect(built.requestContext[field as keyof typeof built.requestContext]).toEqual(
        expected.requestContext[field as keyof typeof expected.requestContext],
      );
    });

    it('has no field the documented event lacks', () => {
      expect(Object.keys(built).sort()).toEqual(Object.keys(documented).sort());
      expect(Object.keys(built.requestContext).sort()).toEqual(Object.keys(documented.requestContext).sort());
      expect(Object.keys(built.requestContext.identity).sort()).toEqual(
        Object.keys(documented.requestContext.identity).sort(),
      );
    });
  });

  describe('for a request without optional parts', () => {
    const event = restApiEvent({ method: 'get', path: '/menu' });

    it('sends null, not an empty map, for absent query strings, path parameters and stage variables', () => {
      expect(event.queryStringParameters).toBeNull();
      expect(event.multiValueQueryStringParameters).toBeNull();
      expect(event.pathParameters).toBeNull();
      expect(event.stageVariables).toBeNull();
    });

    it('sends a null body that is not base64', () => {
      expect(event.body).toBeNull();
      expect(event.isBase64Encoded).toBe(false);
    });

    it('has no authorizer key at all when no authorizer ran', () => {
      expect('authorizer' in event.requestContext).toBe(false);
    });

    it('upper-cases the method and uses the path as the resource', () => {
      expect(event.httpMethod).toBe('GET');
      expect(event.requestContext.httpMethod).toBe('GET');
      expect(event.resource).toBe('/menu');
      expect(event.requestContext.resourcePath).toBe('/menu');
    });

    it('fills the request context as API Gateway does on the default endpoint of the local stage', () => {
      expect(event.requestContext).toMatchObject({
        accountId: '123456789012',
        apiId: 'slicelocal',
        domainName: 'slicelocal.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'slicelocal',
        path: '/local/menu',
        protocol: 'HTTP/1.1',
        stage: 'local',
      });
      expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.requestContext.extendedRequestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
      expect(event.requestContext.resourceId).toMatch(/^[a-z0-9]{6}$/);
    });

    it('sets every identity field to null but the source ip and the missing user agent', () => {
      expect(event.requestContext.identity).toEqual({
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: null,
        userArn: null,
      });
    });
  });

  it('reads path parameters from the path with the resource template', () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/orders/o-1/items/2',
      resource: '/orders/{orderId}/items/{line}',
    });

    expect(event.resource).toBe('/orders/{orderId}/items/{line}');
    expect(event.path).toBe('/orders/o-1/items/2');
    expect(event.pathParameters).toEqual({ orderId: 'o-1', line: '2' });
    expect(event.requestContext.resourcePath).toBe('/orders/{orderId}/items/{line}');
  });

  it('keeps the path and its path parameters percent-encoded, as a REST API passes them', () => {
    const event = restApiEvent({ method: 'GET', path: '/orders/a%2Bb%20c', resource: '/orders/{orderId}' });

    expect(event.path).toBe('/orders/a%2Bb%20c');
    expect(event.pathParameters).toEqual({ orderId: 'a%2Bb%20c' });
  });

  it('prefers explicit path parameters', () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/orders/o-1',
      resource: '/orders/{orderId}',
      pathParameters: { orderId: 'other' },
    });

    expect(event.pathParameters).toEqual({ orderId: 'other' });
  });

  it('gives a resource id that depends on the resource only', () => {
    const first = restApiEvent({ method: 'GET', path: '/orders/1', resource: '/orders/{orderId}' });
    const second = restApiEvent({ method: 'DELETE', path: '/orders/2', resource: '/orders/{orderId}' });
    const other = restApiEvent({ method: 'GET', path: '/orders' });

    expect(first.requestContext.resourceId).toBe(second.requestContext.resourceId);
    expect(first.requestContext.resourceId).not.toBe(other.requestContext.resourceId);
  });

  it('keeps the last value of a repeated header or query parameter in the single-value maps', () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/menu',
      headers: { Accept: ['text/html', 'application/json'], 'X-Trace': 't-1' },
      query: { tag: ['vegan', 'spicy'], limit: '10', empty: [] },
    });

    expect(event.headers).toEqual({ Accept: 'application/json', 'X-Trace': 't-1' });
    expect(event.multiValueHeaders).toEqual({
      Accept: ['text/html', 'application/json'],
      'X-Trace': ['t-1'],
    });
    expect(event.queryStringParameters).toEqual({ tag: 'spicy', limit: '10' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['vegan', 'spicy'], limit: ['10'] });
  });

  it("keeps the caller's header case and takes the user agent from the header", () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/menu',
      headers: { 'user-AGENT': 'curl/8.0', 'X-Api-Thing': 'x' },
    });

    expect(Object.keys(event.headers)).toEqual(['user-AGENT', 'X-Api-Thing']);
    expect(event.requestContext.identity.userAgent).toBe('curl/8.0');
  });

  it('JSON-encodes an object body and adds a JSON content type', () => {
    const event = restApiEvent({
      method: 'POST',
      path: '/orders',
      body: { items: [{ id: 'p-1', quantity: 2 }] },
    });

    expect(event.body).toBe('{"items":[{"id":"p-1","quantity":2}]}');
    expect(event.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(event.multiValueHeaders).toEqual({ 'Content-Type': ['application/json'] });
  });

  it('keeps a content type the caller gave with an object body', () => {
    const event = restApiEvent({
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { note: 'x' },
    });

    expect(event.headers).toEqual({ 'content-type': 'application/merge-patch+json' });
  });

  it('passes a string body through untouched, without adding a content type', () => {
    const event = restApiEvent({ method: 'POST', path: '/orders', body: '{not json' });

    expect(event.body).toBe('{not json');
    expect(event.headers).toEqual({});
  });

  it('base64-encodes a binary body and flags it', () => {
    const event = restApiEvent({
      method: 'PUT',
      path: '/images/1',
      body: new Uint8Array([0xff, 0x00, 0x41]),
    });

    expect(event.body).toBe('/wBB');
    expect(event.isBase64Encoded).toBe(true);
  });

  it('passes Cognito claims under requestContext.authorizer.claims', () => {
    const claims = { sub: 'user-1', 'cognito:groups': 'staff,admin', token_use: 'id' };

    const event = restApiEvent({ method: 'GET', path: '/orders', claims });

    expect(event.requestContext.authorizer).toEqual({ claims });
  });

  it('passes a Lambda authorizer context as given', () => {
    const authorizer = { principalId: 'user-1', tenant: 't-1', integrationLatency: 12 };

    const event = restApiEvent({ method: 'GET', path: '/orders', authorizer });

    expect(event.requestContext.authorizer).toEqual(authorizer);
  });

  it('sets stage variables, and the stage in the request path', () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/menu',
      stage: 'dev',
      stageVariables: { alias: 'live' },
    });

    expect(event.stageVariables).toEqual({ alias: 'live' });
    expect(event.requestContext.stage).toBe('dev');
    expect(event.requestContext.path).toBe('/dev/menu');
  });

  it('leaves the stage out of the request path on a custom domain', () => {
    const event = restApiEvent({
      method: 'GET',
      path: '/menu/pizzas',
      stage: 'prod',
      domainName: 'api.example.com',
    });

    expect(event.requestContext).toMatchObject({
      domainName: 'api.example.com',
      domainPrefix: 'api',
      path: '/menu/pizzas',
    });
  });

  it('adds the api key to the identity when the caller sent one', () => {
    const event = restApiEvent({ method: 'GET', path: '/menu', apiKey: { id: 'k-1', value: 'secret' } });

    expect(event.requestContext.identity).toMatchObject({ apiKey: 'secret', apiKeyId: 'k-1' });
  });

  it('throws when the path does not match the resource', () => {
    expect(() => restApiEvent({ method: 'GET', path: '/menu', resource: '/orders/{orderId}' })).toThrow(
      'The path /menu does not match the resource /orders/{orderId}.',
    );
  });
});

describe('pathParametersOf', () => {
  it('gives a greedy parameter the rest of the path without its leading slash', () => {
    expect(pathParametersOf('/files/{proxy+}', '/files/a/b/c.txt')).toEqual({ proxy: 'a/b/c.txt' });
  });

  it('matches a single-segment parameter against one segment only', () => {
    expect(() => pathParametersOf('/orders/{orderId}', '/orders/a/b')).toThrow('does not match');
  });

  it('treats regular-expression characters in the resource literally', () => {
    expect(() => pathParametersOf('/v1.0/{id}', '/v1x0/7')).toThrow('does not match');
    expect(pathParametersOf('/v1.0/{id}', '/v1.0/7')).toEqual({ id: '7' });
  });

  it('answers null for a resource without parameters', () => {
    expect(pathParametersOf('/menu', '/menu')).toBeNull();
  });
});

describe('queryParametersOf', () => {
  it('reads a literal + as a space and %2B as a plus', () => {
    expect(queryParametersOf('q=red+pepper&email=a%2Bb%40example.com')).toEqual(
      new Map([
        ['q', ['red pepper']],
        ['email', ['a+b@example.com']],
      ]),
    );
  });

  it('splits on semicolons as well as ampersands, as API Gateway documents', () => {
    expect(queryParametersOf('a=1;b=2&a=3')).toEqual(
      new Map([
        ['a', ['1', '3']],
        ['b', ['2']],
      ]),
    );
  });

  it('gives a name without = the empty value, and skips empty pairs', () => {
    expect(queryParametersOf('flag&&x=')).toEqual(
      new Map([
        ['flag', ['']],
        ['x', ['']],
      ]),
    );
  });

  it('keeps a malformed percent-escape as written', () => {
    expect(queryParametersOf('discount=100%&q=%E0%A4%A')).toEqual(
      new Map([
        ['discount', ['100%']],
        ['q', ['%E0%A4%A']],
      ]),
    );
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'reads a parameter named %s like any other',
    (name) => {
      const parsed = queryParametersOf(`${name}=1&${name}=2`);

      expect(parsed.get(name)).toEqual(['1', '2']);
      expect(restApiEvent({ method: 'GET', path: '/menu', query: Object.fromEntries(parsed) })).toMatchObject(
        {
          multiValueQueryStringParameters: { [name]: ['1', '2'] },
        },
      );
    },
  );
});

describe('requestTime', () => {
  it("formats a time as API Gateway's $context.requestTime", () => {
    expect(requestTime(1428582896000)).toBe('09/Apr/2015:12:34:56 +0000');
    expect(requestTime(Date.UTC(2024, 11, 1, 3, 4, 5))).toBe('01/Dec/2024:03:04:05 +0000');
  });
});
