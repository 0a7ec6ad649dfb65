import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One request of a seed file, sent through the front door. */
export interface SeedRequest {
  readonly method: string;
  readonly path: string;
  /** Who sends it: a local staff user, a customer, or nobody. */
  readonly as?: 'staff' | 'customer' | 'anonymous';
  readonly idempotencyKey?: string;
  /** More headers, such as `x-slice-route: monolith` to seed the monolith's copy of a moved route. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * Sends another seed file's requests again with extra headers, before the file's own requests:
 * how the monolith gets the same demo menu as the Menu service, through its own routes.
 */
export interface SeedReplay {
  /** The other seed file, from the workspace root: `apps/menu/seed/menu.json`. */
  readonly file: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A service's seed file: `apps/<service>/seed/*.json`. */
export interface SeedFile {
  readonly file: string;
  readonly requests: readonly SeedRequest[];
}

const readSeed = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as { requests?: SeedRequest[]; replay?: SeedReplay[] };

/** The seed files of every app, in app order; a file's replays come before its own requests. */
export function findSeedFiles(root: string): SeedFile[] {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return [];
  return readdirSync(apps)
    .sort()
    .flatMap((app) => {
      const dir = join(apps, app, 'seed');
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => {
          const path = join(dir, file);
          const { requests = [], replay = [] } = readSeed(path);
          const replayed = replay.flatMap(({ file: other, headers }) =>
            (readSeed(join(root, other)).requests ?? []).map((request) => ({
              ...request,
              headers: { ...request.headers, ...headers },
            })),
          );
          return { file: path, requests: [...replayed, ...requests] };
        });
    });
}

/**
 * Sends every seed request through the running front door, as the user it names. A 2xx or a 409
 * (already there, when data outlives a restart) counts as seeded; anything else is an error that
 * names the file, the request and the answer.
 *
 * @returns how many requests were sent
 */
export async function seed(
  baseUrl: string,
  files: readonly SeedFile[],
  tokenFor: (role: 'staff' | 'customer') => Promise<string>,
): Promise<number> {
  let sent = 0;
  for (const { file, requests } of files) {
    for (const request of requests) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-correlation-id': `seed-${sent}`,
      };
      if (request.as && request.as !== 'anonymous')
        headers.authorization = `Bearer ${await tokenFor(request.as)}`;
      if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
      for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
      const response = await fetch(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const text = await response.text();
      if (!response.ok && response.status !== 409) {
        throw new Error(
          `Seeding ${file}: ${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 300)}`,
        );
      }
      sent += 1;
    }
  }
  return sent;
}
