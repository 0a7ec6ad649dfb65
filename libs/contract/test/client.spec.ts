import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createClient,
  ProblemResponseError,
  ServiceUnavailableError,
  UpstreamUnavailableError,
} from '../src';
import { samplesContract } from './sample-contract';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handle: Handler;
const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      handle(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const json = (response: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  response.writeHead(status, { 'content-type': type });
  response.end(JSON.stringify(body));
};

const margherita = {
  id: 'margherita',
  name: 'Margherita',
  price: { amount: 900, currency: 'EUR' },
  available: true,
};

describe('createClient', () => {
  it('calls the route with its path, query, token and correlation id and returns the parsed answer', async () => {
    handle = (_request, _body, response) => json(response, 200, { items: [margherita] });
    const client = createClient(samplesContract, {
      baseUrl: `${baseUrl}/`,
      token: 't0k',
      correlationId: () => 'corr-1',
    });

    const page = await client.listItems({ query: { limit: 5, cursor: 'abc' } });

    expect(page.items[0]?.price.amount).toBe(900);
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/samples/items?limit=5&cursor=abc',
      headers: expect.objectContaining({ authorization: 'Bearer t0k', 'x-correlation-id': 'corr-1' }),
    });
  });

  it('forwards the trace header it is given, so API Gateway continues the caller’s trace', async () => {
    handle = (_request, _body, response) => json(response, 200, margherita);
    const traceHeader = 'Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=1';

    await createClient(samplesContract, { baseUrl, traceHeader: () => traceHeader }).getItem({
      path: { itemId: 'margherita' },
    });
    await createClient(samplesContract, { baseUrl, traceHeader: () => undefined }).getItem({
      path: { itemId: 'margherita' },
    });

    expect(seen[0]?.headers['x-amzn-trace-id']).toBe(traceHeader);
    expect(seen[1]?.headers).not.toHaveProperty('x-amzn-trace-id');
  });

  it('encodes path parameters', async () => {
    handle = (_request, _body, response) => json(response, 200, margherita);
    await createClient(samplesContract, { baseUrl }).getItem({ path: { itemId: 'a b/c' } });
    expect(seen[0]?.url).toBe('/samples/items/a%20b%2Fc');
  });

  it('sends the JSON body and the idempotency key', async () => {
    handle = (_request, _body, response) => json(response, 201, margherita);
    const client = createClient(samplesContract, { baseUrl, token: () => Promise.resolve('fresh') });

    await client.addItem(
      { body: { name: 'Margherita', price: { amount: 900, currency: 'EUR' } } },
      { idempotencyKey: 'key-00000001' },
    );

    expect(seen[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'key-00000001',
      authorization: 'Bearer fresh',
    });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      name: 'Margherita',
      price: { amount: 900, currency: 'EUR' },
    });
  });

  it('throws a typed problem on a problem+json 4xx', async () => {
    handle = (_request, _body, response) =>
      json(
        response,
        404,
        { type: 'urn:slice:problem:not-found', title: 'Not Found', status: 404, detail: 'No item x.' },
        'application/problem+json',
      );

    const call = createClient(samplesContract, { baseUrl }).getItem({ path: { itemId: 'xxx' } });

    await expect(call).rejects.toBeInstanceOf(ProblemResponseError);
    await expect(call).rejects.toMatchObject({ status: 404, problem: { detail: 'No item x.' } });
  });

  it('turns a 5xx into a 503 for the caller, keeping Retry-After', async () => {
    handle = (_request, _body, response) => {
      response.writeHead(503, { 'retry-after': '7' });
      response.end();
    };
    const call = createClient(samplesContract, { baseUrl }).getItem({ path: { itemId: 'margherita' } });
    await expect(call).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(call).rejects.toMatchObject({ retryAfterSeconds: 7 });
  });

  it('gives up after its timeout with a 503', async () => {
    handle = () => undefined; // never answers
    const started = Date.now();
    const call = createClient(samplesContract, { baseUrl, timeoutMs: 100 }).getItem({
      path: { itemId: 'margherita' },
    });
    await expect(call).rejects.toThrow(UpstreamUnavailableError);
    await expect(call).rejects.toThrow(/no answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports an unreachable service as a 503', async () => {
    const call = createClient(samplesContract, { baseUrl: 'http://127.0.0.1:1' }).getItem({
      path: { itemId: 'margherita' },
    });
    await expect(call).rejects.toThrow(/getItem: unreachable/);
  });

  it('rejects an answer that breaks the contract', async () => {
    handle = (_request, _body, response) => json(response, 200, { ...margherita, price: 9 });
    await expect(
      createClient(samplesContract, { baseUrl }).getItem({ path: { itemId: 'margherita' } }),
    ).rejects.toThrow(/breaks its contract/);
  });

  it('refuses to send an idempotent request without a key', async () => {
    await expect(
      createClient(samplesContract, { baseUrl }).addItem({
        body: { name: 'x', price: { amount: 1, currency: 'EUR' } },
      }),
    ).rejects.toThrow(/needs an idempotency key/);
    expect(seen).toEqual([]);
  });
});
