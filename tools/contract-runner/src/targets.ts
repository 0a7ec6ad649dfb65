import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { httpTarget, localTokens, type Target, type TargetUser } from '@slice/contract-tests';
import { findSeedFiles, seed, startLocalCloud, type LocalCloud } from '@slice/local-cloud';

const run = promisify(execFile);

/** Fails with what to do when no local cloud answers at `baseUrl` (its health route, within 2 s). */
async function expectLocalCloud(baseUrl: string): Promise<void> {
  const answer = await fetch(new URL('/_local/health', baseUrl), { signal: AbortSignal.timeout(2000) }).catch(
    () => undefined,
  );
  if (!answer?.ok) {
    throw new Error(
      `No local Slice cloud answers at ${baseUrl}: start it with \`npm start\` (or point BASE_URL at it), then run this again.`,
    );
  }
}

/** Where the suite runs: in process (the local cloud on a loopback port), `npm start`, or a deployed stage. */
export type TargetKind = 'in-process' | 'local' | 'remote';

/** A target and how to let it go. */
export interface RunningTarget {
  readonly target: Target;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The environment a target reads. */
export interface TargetEnvironment {
  /** The workspace root, with the synthesized assemblies in `dist/`. */
  readonly root: string;
  /** `BASE_URL`: the platform domain. */
  readonly baseUrl?: string;
  /** `TOKEN_COMMAND`: prints a token for `SLICE_TOKEN_ROLE` (customer, other-customer or staff). */
  readonly tokenCommand?: string;
  /** Where the in-process local cloud's own log lines go. @default dropped */
  readonly log?: (line: string) => void;
}

const role = (user: TargetUser, customer: string) =>
  user.staff ? 'staff' : user.sub === customer ? 'customer' : 'other-customer';

/**
 * Starts (or reaches) the target of a contract run.
 *
 * - `in-process`: starts the local cloud from `dist/` on a free loopback port, loads the demo
 *   seed, mints tokens (also expired and foreign ones) with its issuer; no network beyond loopback.
 * - `local`: a running `npm start` at `BASE_URL` (default `http://localhost:3000`), tokens from
 *   `POST /_local/token`.
 * - `remote`: a deployed stage at `BASE_URL`; `TOKEN_COMMAND` prints a token for the role in
 *   `SLICE_TOKEN_ROLE`. Users are real accounts there: the first customer the suite asks for is
 *   `customer`, any other `other-customer`.
 *
 * @example
 * ```ts
 * const running = await startTarget('in-process', { root });
 * try { await runContracts({ service: 'menu', target: running.target, runs: 25, out: 'dist/contract' }); } finally { await running.stop(); }
 * ```
 */
export async function startTarget(kind: TargetKind, env: TargetEnvironment): Promise<RunningTarget> {
  if (kind === 'in-process') {
    const cloud: LocalCloud = await startLocalCloud({
      root: env.root,
      port: 0,
      log: env.log ?? (() => undefined),
    });
    try {
      await seed(cloud.url, findSeedFiles(env.root), (seedRole) =>
        cloud.token({ sub: `seed-${seedRole}`, groups: [seedRole] }),
      );
    } catch (error) {
      await cloud.stop();
      throw error;
    }
    const groups = (user: TargetUser) => [...(user.groups ?? [user.staff ? 'staff' : 'customer'])];
    const target = httpTarget({
      name: 'in-process',
      baseUrl: cloud.url,
      token: (user) => cloud.token({ sub: user.sub, groups: groups(user) }),
      mintsAnyIdentity: true,
    });
    return {
      baseUrl: cloud.url,
      stop: () => cloud.stop(),
      target: {
        ...target,
        badTokens: async (user) => ({
          expired: await cloud.token({ sub: user.sub, groups: groups(user) }, { age: '2h', expiresIn: '1h' }),
          wrongIssuer: await cloud.token(
            { sub: user.sub, groups: groups(user) },
            { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Forged' },
          ),
          wrongAudience: await cloud.token(
            { sub: user.sub, groups: groups(user) },
            { audience: 'another-app-client' },
          ),
        }),
      },
    };
  }
  const baseUrl = env.baseUrl ?? 'http://localhost:3000';
  if (kind === 'local') {
    await expectLocalCloud(baseUrl);
    return {
      baseUrl,
      stop: () => Promise.resolve(),
      target: httpTarget({ name: 'local', baseUrl, token: localTokens(baseUrl), mintsAnyIdentity: true }),
    };
  }
  const command = env.tokenCommand;
  if (!env.baseUrl || !command) {
    throw new Error(
      'The remote target needs BASE_URL (the stage domain) and TOKEN_COMMAND (prints a token for SLICE_TOKEN_ROLE).',
    );
  }
  let firstCustomer: string | undefined;
  const cache = new Map<string, Promise<string>>();
  const token = (user: TargetUser) => {
    if (!user.staff) firstCustomer ??= user.sub;
    const wanted = role(user, firstCustomer ?? user.sub);
    let found = cache.get(wanted);
    if (!found) {
      found = run('sh', ['-c', command], {
        env: { ...process.env, SLICE_TOKEN_ROLE: wanted },
        timeout: 30_000,
      }).then(({ stdout }) => {
        const value = stdout.trim();
        if (!value) throw new Error(`TOKEN_COMMAND printed no token for ${wanted}.`);
        return value;
      });
      cache.set(wanted, found);
    }
    return found;
  };
  return { baseUrl, stop: () => Promise.resolve(), target: httpTarget({ name: 'remote', baseUrl, token }) };
}
