import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAssemblies, type LocalModel } from '../../src/assembly';
import { localizeWebSocketUrls } from '../../src/services/websocket-api';
import { synthesizeSocketService } from './fixture';

describe('loading WebSocket APIs from a synthesized WebSocketApi', () => {
  let root: string;
  let model: LocalModel;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-websocket-load-'));
    model = loadAssemblies([synthesizeSocketService(root)], { accountId: '000000000000', ssm: new Map() });
  }, 60_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const api = () => {
    const found = model.webSocketApis?.[0];
    if (!found) throw new Error('no WebSocket API loaded');
    return found;
  };
  const route = (key: string) => api().routes.find((candidate) => candidate.routeKey === key);

  it('loads the API with its route selection expression, stage and a stable ten-character id', () => {
    expect(api()).toMatchObject({
      stackName: 'SliceSocket-dev',
      region: 'eu-west-1',
      routeSelectionExpression: '$request.body.action',
      stages: [{ name: 'dev', variables: {} }],
    });
    expect(api().id).toMatch(/^[a-z0-9]{10}$/);
  });

  it('loads each route with its Lambda integration, authorizer and whether it answers (a $default route response)', () => {
    const routes = model.functions.find((fn) => fn.logicalId.startsWith('Routes'));
    expect(route('$connect')).toMatchObject({
      authorizationType: 'CUSTOM',
      twoWay: false,
      integration: { type: 'AWS_PROXY', functionId: routes?.id, timeoutMs: 29_000 },
    });
    expect(route('echo')?.twoWay).toBe(true);
    expect(route('$default')?.twoWay).toBe(false);
    expect(api().authorizers).toEqual([
      expect.objectContaining({
        id: route('$connect')?.authorizerId,
        identitySources: ['route.request.querystring.token'],
        functionId: model.functions.find((fn) => fn.logicalId.startsWith('Auth'))?.id,
      }),
    ]);
  });

  it('maps its custom domain onto it, and leaves the mapping out of the front door’s rules', () => {
    expect(api().domains).toEqual([{ domainName: 'ws.slice.example', stage: 'dev', mappingKey: '' }]);
    expect(model.routingRules).toEqual([]);
  });

  it('resolves the stage callbackUrl as AWS does, and the local cloud turns it into the local domain’s', () => {
    const routes = model.functions.find((fn) => fn.logicalId.startsWith('Routes'));
    expect(routes?.environment['CALLBACK_URL']).toBe(
      `https://${api().id}.execute-api.eu-west-1.amazonaws.com/dev`,
    );
    const local = localizeWebSocketUrls(model, 'http://localhost:3300');
    const localRoutes = local.functions.find((fn) => fn.id === routes?.id);
    expect(localRoutes?.environment['CALLBACK_URL']).toBe(`http://localhost:3300/_ws/${api().id}/dev`);
    expect(routes?.environment['API_ENDPOINT']).toBe(`wss://${api().id}.execute-api.eu-west-1.amazonaws.com`);
    expect(localRoutes?.environment['API_ENDPOINT']).toBe(`ws://localhost:3300/_ws/${api().id}`);
    expect(local.parameters.get('/slice/dev/socket/ws-url')).toBe(`ws://localhost:3300/_ws/${api().id}/dev`);
  });

  it('turns wss:// and custom-domain URLs into the local ones, and leaves other values alone', () => {
    const [fn] = model.functions;
    if (!fn) throw new Error('no function');
    const id = api().id;
    const withUrls: LocalModel = {
      ...model,
      functions: [
        {
          ...fn,
          environment: {
            WS: `wss://${id}.execute-api.eu-west-1.amazonaws.com/dev`,
            DOMAIN: 'https://ws.slice.example',
            OTHER: `https://${id}.execute-api.eu-west-1.amazonaws.com.evil.example/dev`,
            PLAIN: 'hello',
          },
        },
      ],
    };
    expect(localizeWebSocketUrls(withUrls, 'http://localhost:3300').functions[0]?.environment).toEqual({
      WS: `ws://localhost:3300/_ws/${id}/dev`,
      DOMAIN: `http://localhost:3300/_ws/${id}/dev`,
      OTHER: `https://${id}.execute-api.eu-west-1.amazonaws.com.evil.example/dev`,
      PLAIN: 'hello',
    });
  });
});
