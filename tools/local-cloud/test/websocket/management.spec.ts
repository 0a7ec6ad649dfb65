import { AwsError } from '../../src/endpoint/errors';
import type { FunctionSpec } from '../../src/model';
import {
  type ConnectionLookup,
  createConnectionsService,
  type LiveConnection,
  managementProtocol,
} from '../../src/services/websocket-api';
import type { RawRequest } from '../../src/services/service';

const raw = (method: string, url: string, body = Buffer.alloc(0)): RawRequest => ({
  method,
  url,
  headers: {},
  body,
});

const open = {
  connectionId: 'Ab1=',
  apiId: 'abcdefghij',
  stage: 'dev',
  connectedAt: Date.parse('2026-12-01T10:00:00Z'),
  lastActiveAt: Date.parse('2026-12-01T10:05:00Z'),
  sourceIp: '127.0.0.1',
} as unknown as LiveConnection;

function service(lookup: ConnectionLookup) {
  const calls: string[] = [];
  const apis = {
    lookup: () => lookup,
    post: (id: string, data: Buffer) => (calls.push(`post ${id} ${data.toString()}`), true),
    disconnect: (id: string) => (calls.push(`delete ${id}`), true),
    regionOf: () => 'eu-west-1',
  };
  return {
    calls,
    connections: createConnectionsService({ apis, accountId: '000000000000', region: 'us-east-1' }),
  };
}

const callOf = (connections: ReturnType<typeof service>['connections'], request: RawRequest) => {
  const { operation, input } = managementProtocol.read(request);
  return connections.call({ operation, input, raw: request }, {} as FunctionSpec);
};

describe('the @connections management API', () => {
  it('reads the operation from the method and the id from the path the SDK sends (%40, encoded id)', () => {
    expect(managementProtocol.read(raw('POST', '/dev/%40connections/Ab1%3D'))).toMatchObject({
      operation: 'PostToConnection',
      input: { ConnectionId: 'Ab1=' },
    });
    expect(managementProtocol.read(raw('GET', '/_ws/abcdefghij/dev/@connections/Ab1%3D'))).toMatchObject({
      operation: 'GetConnection',
      input: { ConnectionId: 'Ab1=', ApiId: 'abcdefghij', Stage: 'dev' },
    });
    expect(managementProtocol.read(raw('DELETE', '/@connections/Ab1=')).operation).toBe('DeleteConnection');
    expect(managementProtocol.read(raw('PUT', '/@connections/Ab1=')).operation).toBe('');
  });

  it('needs execute-api:ManageConnections on the connection ARN with the method', () => {
    const { connections } = service({ state: 'open', connection: open, region: 'eu-west-1' });
    for (const method of ['POST', 'GET', 'DELETE']) {
      expect(callOf(connections, raw(method, '/_ws/abcdefghij/dev/@connections/Ab1%3D')).permissions).toEqual(
        [
          {
            action: 'execute-api:ManageConnections',
            resources: [
              `arn:aws:execute-api:eu-west-1:000000000000:abcdefghij/dev/${method}/@connections/Ab1=`,
            ],
          },
        ],
      );
    }
  });

  it('posts, describes and deletes an open connection', async () => {
    const { calls, connections } = service({ state: 'open', connection: open, region: 'eu-west-1' });
    const posted = await callOf(connections, raw('POST', '/@connections/Ab1%3D', Buffer.from('hi'))).answer({
      failEntries: false,
    });
    const described = await callOf(connections, raw('GET', '/@connections/Ab1%3D')).answer({
      failEntries: false,
    });
    const deleted = await callOf(connections, raw('DELETE', '/@connections/Ab1%3D')).answer({
      failEntries: false,
    });
    expect(calls).toEqual(['post Ab1= hi', 'delete Ab1=']);
    expect(posted).toMatchObject({ kind: 'raw', status: 200 });
    expect(deleted).toMatchObject({ kind: 'raw', status: 204 });
    expect(described).toEqual({
      kind: 'json',
      body: {
        connectedAt: '2026-12-01T10:00:00.000Z',
        identity: { sourceIp: '127.0.0.1' },
        lastActiveAt: '2026-12-01T10:05:00.000Z',
      },
    });
  });

  it('answers GoneException (410) for a closed connection, after checking its ARN', async () => {
    const { connections } = service({
      state: 'gone',
      connection: { connectionId: 'Ab1=', apiId: 'abcdefghij', stage: 'dev' },
      region: 'eu-west-1',
    });
    const call = callOf(connections, raw('POST', '/@connections/Ab1%3D', Buffer.from('hi')));
    expect(call.permissions[0]?.resources).toEqual([
      'arn:aws:execute-api:eu-west-1:000000000000:abcdefghij/dev/POST/@connections/Ab1=',
    ]);
    await expect(Promise.resolve().then(() => call.answer({ failEntries: false }))).rejects.toMatchObject({
      status: 410,
      type: 'GoneException',
    });
  });

  it('answers GoneException for a connection of another stage', async () => {
    const { calls, connections } = service({ state: 'open', connection: open, region: 'eu-west-1' });
    const call = callOf(
      connections,
      raw('POST', '/_ws/abcdefghij/prod/@connections/Ab1%3D', Buffer.from('hi')),
    );
    await expect(Promise.resolve().then(() => call.answer({ failEntries: false }))).rejects.toMatchObject({
      status: 410,
    });
    expect(calls).toEqual([]);
  });

  it('refuses data over 128 KB with PayloadTooLargeException (413)', async () => {
    const { calls, connections } = service({ state: 'open', connection: open, region: 'eu-west-1' });
    const call = callOf(connections, raw('POST', '/@connections/Ab1%3D', Buffer.alloc(128 * 1024 + 1)));
    await expect(Promise.resolve().then(() => call.answer({ failEntries: false }))).rejects.toMatchObject({
      status: 413,
      type: 'PayloadTooLargeException',
    });
    expect(calls).toEqual([]);
  });

  it('writes an IAM denial as execute-api does: 403 AccessDeniedException', () => {
    const answer = managementProtocol.error(
      new AwsError(400, 'AccessDeniedException', 'User: x is not authorized'),
    );
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-ErrorType']).toBe('AccessDeniedException');
    expect(JSON.parse(answer.body.toString())).toEqual({ message: 'User: x is not authorized' });
  });
});
