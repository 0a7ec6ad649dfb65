/**
 * `nx run tracking:contract [--configuration=local|remote]`: the socket suite of a WebSocket
 * contract against a target, over a real connection, and `dist/contract/<service>/summary.txt`.
 *
 *   tsx tools/contract-runner/src/socket-contract-cli.ts tracking --target in-process
 *
 * `in-process` starts the local cloud from `dist/`; `local` reaches `npm start` at `BASE_URL`
 * (default `http://localhost:3000`); `remote` needs `WS_URL` (`wss://ws.<domain>/`) and `TOKEN_COMMAND`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { socketContracts } from './services';
import { runSocketSuite, type SocketEndpoint } from './socket-suite';
import { startTarget, type TargetKind } from './targets';

function endpointOf(kind: TargetKind, baseUrl: string, subdomain: string): SocketEndpoint {
  if (kind === 'remote') {
    const url = process.env.WS_URL;
    if (!url) throw new Error("Set WS_URL to the stage's wss://ws.<domain>/ for a remote run.");
    return { url };
  }
  const { port } = new URL(baseUrl);
  // The local cloud serves a custom domain's first label as <label>.localhost.
  return { url: `ws://127.0.0.1:${port}/`, host: `${subdomain}.localhost:${port}` };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      target: { type: 'string', default: 'in-process' },
      out: { type: 'string', default: 'dist/contract' },
    },
    allowPositionals: true,
  });
  const [service] = positionals;
  const contract = service ? socketContracts[service] : undefined;
  const kind = values.target as TargetKind;
  if (!service || !contract || !['in-process', 'local', 'remote'].includes(kind)) {
    console.error(
      `Usage: socket-contract-cli <${Object.keys(socketContracts).join('|')}> [--target in-process|local|remote]`,
    );
    return 2;
  }
  const root = resolve(__dirname, '../../..');
  const running = await startTarget(kind, {
    root,
    ...(process.env.BASE_URL ? { baseUrl: process.env.BASE_URL } : {}),
    ...(process.env.TOKEN_COMMAND ? { tokenCommand: process.env.TOKEN_COMMAND } : {}),
  });
  try {
    const endpoint = endpointOf(kind, running.baseUrl, contract.service.subdomain);
    const results = await runSocketSuite(contract, running.target, endpoint);
    const lines = results.map(
      (result) => `${result.passed ? '✓' : '✗'} ${result.name}${result.message ? `: ${result.message}` : ''}`,
    );
    const failed = results.filter((result) => !result.passed).length;
    const summary = [
      `Socket contract ${service} ${contract.service.version} against ${kind}: ${results.length - failed} passed, ${failed} failed.`,
      ...lines,
    ].join('\n');
    const dir = join(resolve(root, values.out), service);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.txt'), `${summary}\n`);
    console.log(summary);
    return failed > 0 ? 1 : 0;
  } finally {
    await running.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
