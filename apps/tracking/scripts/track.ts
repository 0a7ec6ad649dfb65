/**
 * `npm run track -- <orderId> [--user alice] [--url ws://…]`: follows an order over Tracking's
 * WebSocket API and prints each status as it arrives, until Ctrl-C.
 *
 * Against `npm start` (the default) the token comes from the local issuer (`POST /_local/token`,
 * as `npm run token` does) and the connection goes to Tracking's domain, `ws.localhost:<port>`
 * (`PORT`, default 3000). With `--url` (a deployed `wss://ws.<domain>`), pass the token in `TOKEN`.
 */
import { parseArgs } from 'node:util';
import { ServerMessage } from '@slice/contracts-tracking';
import { WebSocket } from 'ws';

const { values, positionals } = parseArgs({
  options: { user: { type: 'string', default: 'alice' }, url: { type: 'string' } },
  allowPositionals: true,
});
const [orderId] = positionals;
const port = process.env.PORT ?? '3000';

async function localToken(sub: string): Promise<string> {
  const response = await fetch(`http://localhost:${port}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, groups: ['customer'] }),
  }).catch(() => undefined);
  const body = (await response?.json().catch(() => ({}))) as { token?: string } | undefined;
  if (!response?.ok || !body?.token)
    throw new Error('No token from the local cloud. Is `npm start` running?');
  return body.token;
}

/** One line per message: the time, and the status or what went wrong. */
function describe(message: ServerMessage): string {
  const time = new Date().toISOString().slice(11, 19);
  if (message.type === 'status') return `${time}  ${message.status.padEnd(10)} (since ${message.at})`;
  if (message.type === 'pending') return `${time}  pending    ${message.message}`;
  return `${time}  error      ${message.code}: ${message.message}`;
}

async function main(): Promise<void> {
  if (!orderId) throw new Error('Usage: npm run track -- <orderId> [--user alice] [--url wss://ws.<domain>]');
  const token = values.url ? process.env.TOKEN : await localToken(values.user);
  if (!token) throw new Error('Pass the token in TOKEN with --url.');
  const url = `${values.url ?? `ws://127.0.0.1:${port}/`}?token=${encodeURIComponent(token)}`;
  // Node does not resolve *.localhost: the local domain is reached by its Host header.
  const socket = new WebSocket(url, values.url ? {} : { headers: { host: `ws.localhost:${port}` } });
  socket.on('unexpected-response', (_request, response) => {
    console.error(`Tracking refused the connection: ${response.statusCode}.`);
    process.exit(1);
  });
  socket.on('error', (error) => {
    console.error(`Cannot reach Tracking at ${values.url ?? `ws.localhost:${port}`}: ${error.message}`);
    process.exit(1);
  });
  socket.on('open', () => {
    console.log(`Following ${orderId} as ${values.user}; Ctrl-C to stop.`);
    socket.send(JSON.stringify({ action: 'track', orderId }));
  });
  socket.on('message', (data: Buffer) => {
    const parsed = ServerMessage.safeParse(JSON.parse(data.toString('utf8')));
    if (!parsed.success)
      return void console.log(`(a message outside the contract: ${data.toString('utf8')})`);
    console.log(describe(parsed.data));
    if (parsed.data.type === 'error' && parsed.data.code === 'order-not-found') socket.close();
  });
  socket.on('close', (code) => {
    console.log(`Connection closed (${code}).`);
    process.exit(0);
  });
  process.once('SIGINT', () => socket.close(1000));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
