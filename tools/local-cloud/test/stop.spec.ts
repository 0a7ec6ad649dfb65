import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from '../src/cloud';
import { synthesizeService } from './service-fixture';

describe('stopping the local cloud', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-stop-'));
    synthesizeService(root, 'gamma', 'v1', true);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers a request in flight through the gateway before it stops the functions', async () => {
    // Prepare: a slow request (1.5 s in the function) running when the cloud is told to stop.
    const cloud = await startLocalCloud({ root, port: 0, log: () => undefined });
    const functionId = cloud.model.functions[0]?.id ?? '';
    const inFlight = fetch(`${cloud.url}/gamma/slow`).then(async (response) => ({
      status: response.status,
      connection: response.headers.get('connection'),
      body: await response.json(),
    }));
    while (!cloud.runtime.environments(functionId).some((environment) => environment.state === 'busy'))
      await new Promise((done) => setTimeout(done, 10));

    // Act
    await cloud.stop();
    const answer = await inFlight;

    // Assess: the function finished its invocation (a stopped runtime would have made it a 5xx) and
    // its answer went out whole, saying the connection ends; then everything stopped.
    expect(answer).toEqual({
      status: 200,
      connection: 'close',
      body: { version: 'v1', pid: expect.any(Number) },
    });
    expect(cloud.runtime.environments()).toEqual([]);
  }, 30_000);
});
