import type { SocketContract } from '@slice/contract';
import type { Target } from '@slice/contract-tests';
import { WebSocket } from 'ws';
import * as z from 'zod';

/** Where a WebSocket API answers, and the Host header that reaches it on a local domain. */
export interface SocketEndpoint {
  /** `ws://127.0.0.1:3000/` locally, `wss://ws.<domain>/` on a stage. */
  readonly url: string;
  /** `ws.localhost:3000` locally (Node resolves no `*.localhost`); none on a stage. */
  readonly host?: string;
}

/** The outcome of one case of the socket suite. */
export interface SocketCaseResult {
  readonly name: string;
  readonly passed: boolean;
  readonly message?: string;
}

interface Session {
  readonly socket: WebSocket;
  /** Sends a message and resolves with the next one the API sends. */
  ask(message: unknown): Promise<unknown>;
}

/** Opens a connection with `token` (query parameter); resolves with the refusal status when refused. */
function open(endpoint: SocketEndpoint, token: string | undefined): Promise<Session | { status: number }> {
  return new Promise((done, fail) => {
    const url = new URL(endpoint.url);
    if (token !== undefined) url.searchParams.set('token', token);
    const socket = new WebSocket(url, endpoint.host ? { headers: { host: endpoint.host } } : {});
    const inbox: unknown[] = [];
    const waiting: Array<(value: unknown) => void> = [];
    socket.on('message', (data: Buffer) => {
      const value: unknown = JSON.parse(data.toString('utf8'));
      const wake = waiting.shift();
      if (wake) wake(value);
      else inbox.push(value);
    });
    const ask = (message: unknown) =>
      new Promise<unknown>((answer, timeout) => {
        const timer = setTimeout(() => timeout(new Error('no answer within 10 s')), 10_000);
        waiting.push((value) => {
          clearTimeout(timer);
          answer(value);
        });
        socket.send(typeof message === 'string' ? message : JSON.stringify(message));
      });
    socket.once('open', () => done({ socket, ask }));
    socket.once('unexpected-response', (_request, response) => {
      done({ status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (socket.readyState !== socket.CLOSED) fail(error);
    });
  });
}

/** Which of the contract's sent messages a value is, or why it is none of them. */
function sentIssue(contract: SocketContract, value: unknown): string | undefined {
  const schemas = Object.values(contract.sends).map((message) => message.schema);
  if (schemas.some((schema) => z.safeParse(schema, value).success)) return undefined;
  return `${JSON.stringify(value)} is none of the messages the contract sends (${Object.keys(contract.sends).join(', ')})`;
}

const codeOf = (value: unknown) => z.object({ code: z.string() }).safeParse(value).data?.code;

/**
 * The socket suite of a WebSocket contract against a running API: a connection without a token
 * or with an expired one is refused before it opens; each accepted message's examples, the same
 * with an unknown field, a message with an unknown action and one that is not JSON each get an
 * answer that is one of the contract's sent messages (the invalid ones an error). Every answer is
 * checked against the schemas of `sends`.
 *
 * @example
 * ```ts
 * const results = await runSocketSuite(trackingContract, target, { url: 'ws://127.0.0.1:3000/', host: 'ws.localhost:3000' });
 * ```
 */
export async function runSocketSuite(
  contract: SocketContract,
  target: Target,
  endpoint: SocketEndpoint,
): Promise<SocketCaseResult[]> {
  const results: SocketCaseResult[] = [];
  const check = async (name: string, run: () => Promise<string | undefined>) => {
    try {
      const problem = await run();
      results.push({ name, passed: problem === undefined, ...(problem ? { message: problem } : {}) });
    } catch (error) {
      results.push({ name, passed: false, message: error instanceof Error ? error.message : String(error) });
    }
  };
  const user = { sub: 'contract-socket' };
  const refusedWith = async (token: string | undefined) => {
    const attempt = await open(endpoint, token);
    if ('status' in attempt) return attempt.status;
    attempt.socket.close();
    return 101;
  };
  await check('a connection without a token is refused', async () => {
    const status = await refusedWith(undefined);
    return status === 401 ? undefined : `the handshake answered ${status}, not 401`;
  });
  const bad = await target.badTokens?.(user);
  if (bad?.expired) {
    const expired = bad.expired;
    await check('a connection with an expired token is refused', async () => {
      const status = await refusedWith(expired);
      return status === 401 ? undefined : `the handshake answered ${status}, not 401`;
    });
  }
  const session = await open(endpoint, await target.token(user));
  if ('status' in session) throw new Error(`A valid token was refused with ${session.status}.`);
  try {
    for (const [action, message] of Object.entries(contract.accepts)) {
      for (const example of message.examples) {
        await check(`${action}: its example is answered with a sent message`, async () =>
          sentIssue(contract, await session.ask(example)),
        );
        await check(`${action}: an unknown field is refused`, async () => {
          const answer = await session.ask({ ...(example as object), injected: 'mass-assignment' });
          return sentIssue(contract, answer) ?? (codeOf(answer) ? undefined : 'the answer is no error');
        });
      }
    }
    for (const [name, message] of [
      ['an unknown action', { action: 'no-such-action-anywhere' }],
      ['a message that is not JSON', 'not json at all'],
    ] as const) {
      await check(`${name} is answered with an error the contract declares`, async () => {
        const answer = await session.ask(message);
        return sentIssue(contract, answer) ?? (codeOf(answer) ? undefined : 'the answer is no error');
      });
    }
  } finally {
    session.socket.close();
  }
  return results;
}
