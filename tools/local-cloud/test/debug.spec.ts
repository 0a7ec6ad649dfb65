import { join } from 'node:path';
import { DEBUG_TIMEOUT_SECONDS, debugModel } from '../src/debug';
import type { FunctionSpec, LocalModel, RestApiSpec } from '../src/model';
import { createLambdaRuntime, type LocalLambdaRuntime } from '../src/services/lambda';

const codeDir = join(__dirname, 'fixtures', 'lambda');

function fn(name: string): FunctionSpec {
  return {
    id: `SliceTest-dev/${name}`,
    stackName: 'SliceTest-dev',
    logicalId: name,
    functionName: `SliceTest-dev-${name}`,
    arn: `arn:aws:lambda:eu-west-1:123456789012:function:SliceTest-dev-${name}`,
    handler: 'debugged.handler',
    codeDir,
    runtime: 'nodejs24.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    roleArn: `arn:aws:iam::123456789012:role/SliceTest-dev-${name}Role`,
    policy: [],
  };
}

const proxy = (functionId: string) => ({
  httpMethod: 'GET',
  authorizationType: 'NONE' as const,
  apiKeyRequired: false,
  requestParameters: {},
  validateRequestParameters: false,
  validateRequestBody: false,
  integration: { type: 'AWS_PROXY' as const, uri: '', functionArn: '', functionId, timeoutMs: 29_000 },
});

const model = {
  functions: [fn('GetOrderAAAAAAAA'), fn('ListOrdersBBBBBBBB')],
  restApis: [
    {
      resources: [
        { id: 'a', path: '/orders/{orderId}', methods: [proxy('SliceTest-dev/GetOrderAAAAAAAA')] },
        { id: 'b', path: '/orders', methods: [proxy('SliceTest-dev/ListOrdersBBBBBBBB')] },
      ],
    } as unknown as RestApiSpec,
  ],
} as unknown as LocalModel;

describe('--inspect <function>', () => {
  it("lifts the debugged function's timeout and its integrations' timeouts, and nothing else", () => {
    const debugged = debugModel(model, 'get-order');
    expect(debugged.functions.map((each) => each.timeoutSeconds)).toEqual([DEBUG_TIMEOUT_SECONDS, 3]);
    const timeouts = debugged.restApis[0]?.resources.map(
      (resource) => resource.methods[0]?.integration.timeoutMs,
    );
    expect(timeouts).toEqual([DEBUG_TIMEOUT_SECONDS * 1000, 29_000]);
  });

  it('refuses a name no function has, listing the known ones', () => {
    expect(() => debugModel(model, 'place-order')).toThrow(
      '--inspect: No function "place-order" runs in the local cloud. Known: test/get-order, test/list-orders.',
    );
  });

  describe('in the runtime', () => {
    let runtime: LocalLambdaRuntime | undefined;
    afterEach(() => runtime?.stop());

    it('starts its environments under the inspector and runs its invocations one at a time', async () => {
      const [debugged, other] = model.functions as [FunctionSpec, FunctionSpec];
      runtime = createLambdaRuntime({
        awsEndpoint: 'http://127.0.0.1:9',
        region: 'eu-west-1',
        credentialsFor: () => ({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' }),
        // Port 0: the inspector takes a free port, so the test never collides.
        inspect: { functionId: debugged.id, port: 0 },
      });
      runtime.register(debugged);
      runtime.register(other);
      const results = await Promise.all([
        runtime.invoke(debugged.id, { delayMs: 300 }),
        runtime.invoke(debugged.id, { delayMs: 300 }),
        runtime.invoke(other.id, {}),
      ]);
      const payloads = results.map((result) => {
        if (!result.ok) throw new Error(`${result.errorType}: ${result.errorMessage}`);
        return result.payload as { execArgv: string[]; pid: number; started: number; ended: number };
      });
      const [first, second, plain] = payloads as [
        (typeof payloads)[0],
        (typeof payloads)[0],
        (typeof payloads)[0],
      ];
      expect(first.execArgv).toContain('--inspect=127.0.0.1:0');
      expect(plain.execArgv.some((flag) => flag.startsWith('--inspect'))).toBe(false);
      // The second waited for the first (one environment, reused), instead of a second environment.
      expect(second.pid).toBe(first.pid);
      const [earlier, later] = [first, second].sort((left, right) => left.started - right.started);
      expect(later?.started).toBeGreaterThanOrEqual(earlier?.ended ?? Number.POSITIVE_INFINITY);
    }, 30_000);
  });
});
