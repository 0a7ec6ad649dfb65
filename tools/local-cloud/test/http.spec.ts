import { createServer } from 'node:http';
import { InFlightRequests, drainServer, listen } from '../src/http';

describe('drainServer', () => {
  it('closes the connection of a request still unanswered after the grace period, and resolves', async () => {
    // Prepare: a handler that never answers.
    const requests = new InFlightRequests();
    const server = createServer(requests.listener(() => new Promise(() => undefined)));
    const { port } = await listen(server, 0, '127.0.0.1');
    const stuck = fetch(`http://127.0.0.1:${port}/`).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    while (requests.size === 0) await new Promise((done) => setTimeout(done, 5));

    // Act
    const began = Date.now();
    await drainServer(server, requests, 200);

    // Assess
    expect(Date.now() - began).toBeGreaterThanOrEqual(150);
    expect(await stuck).toBe('fetch failed');
    expect(server.listening).toBe(false);
  });

  it('counts a request until its answer is sent, not only until its handler returns', async () => {
    const requests = new InFlightRequests();
    let answer: () => void = () => undefined;
    const server = createServer(
      requests.listener((_request, response) => {
        answer = () => response.end('late');
      }),
    );
    const { port } = await listen(server, 0, '127.0.0.1');
    const reply = fetch(`http://127.0.0.1:${port}/`).then((response) => response.text());
    while (requests.size === 0) await new Promise((done) => setTimeout(done, 5));

    const draining = drainServer(server, requests, 5_000);
    await new Promise((done) => setTimeout(done, 50));
    const countWhileUnanswered = requests.size;
    answer();
    await draining;

    expect(countWhileUnanswered).toBe(1);
    expect(await reply).toBe('late');
    expect(requests.size).toBe(0);
  });
});
