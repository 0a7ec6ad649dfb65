/**
 * `npx nx run <service>:deploy --configuration=local`: posts the service's synthesized assembly to
 * the running local cloud (`npm start`), which swaps its tables, functions and APIs in while every
 * other service stays warm, and prints what changed.
 *
 *   tsx tools/local-cloud/src/redeploy-cli.ts --project menu --assembly dist/apps/menu/cdk.out
 *
 * The cloud is found at `SLICE_LOCAL_URL`, else `http://localhost:$PORT`, else `http://localhost:3000`.
 * With `--dry-run` (which Nx forwards to every deploy in the graph) it says what it would post and
 * sends nothing, so a dry run is dry for the local configuration too, with or without a cloud.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RedeploySummary, ResourceChanges } from './redeploy';

/** How long the cloud gets to answer its health check before the CLI gives up. */
const HEALTH_TIMEOUT_MS = 2_000;
/** A redeploy waits for requests in flight, at most the 29 s integration timeout, and loads every assembly. */
const REDEPLOY_TIMEOUT_MS = 60_000;

/** The local cloud's URL from the environment: `SLICE_LOCAL_URL`, else `PORT`, else port 3000. */
export function localCloudUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.SLICE_LOCAL_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, '');
}

/** No local cloud answers: the CLI stops with this message, before anything is sent. */
export class NoLocalCloudError extends Error {
  override readonly name = 'NoLocalCloudError';
  constructor(
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(
      `No local Slice cloud answers at ${url}: start it with \`npm start\`, then run this again.`,
      options,
    );
  }
}

/** The cloud refused the redeploy (an unresolvable template, say): its message. */
export class RedeployRefusedError extends Error {
  override readonly name = 'RedeployRefusedError';
}

/**
 * Posts `assembly` to the local cloud at `url` and answers its summary. Fails fast with
 * {@link NoLocalCloudError} when nothing answers there.
 *
 * @example
 * ```ts
 * const summary = await redeploy('http://localhost:3000', '/repo/dist/apps/menu/cdk.out');
 * console.log(formatSummary('menu', summary));
 * ```
 */
export async function redeploy(url: string, assembly: string): Promise<RedeploySummary> {
  try {
    const health = await fetch(`${url}/_local/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    if (!health.ok) throw new Error(`health answered ${health.status}`);
    await health.arrayBuffer();
  } catch (error) {
    throw new NoLocalCloudError(url, { cause: error });
  }
  const response = await fetch(`${url}/_local/redeploy`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assembly }),
    signal: AbortSignal.timeout(REDEPLOY_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: the text itself is the best message there is.
    }
    throw new RedeployRefusedError(`The local cloud refused the redeploy (${response.status}): ${message}`);
  }
  return JSON.parse(text) as RedeploySummary;
}

const line = (kind: string, changes: ResourceChanges) => {
  const parts = (['added', 'changed', 'removed'] as const)
    .filter((key) => changes[key].length > 0)
    .map((key) => `${key} ${changes[key].map((id) => id.split('/').pop() ?? id).join(', ')}`);
  return `  ${kind.padEnd(22)}${[...parts, `${changes.unchanged.length} unchanged`].join('; ')}`;
};

/** The summary as the CLI prints it. */
export function formatSummary(project: string, summary: RedeploySummary): string {
  return [
    `Redeployed ${project} (${summary.stacks.join(', ')}) into the local cloud in ${summary.durationMs} ms:`,
    line('functions', summary.functions),
    line('APIs', summary.apis),
    line('tables', summary.tables),
    line('event source mappings', summary.eventSourceMappings),
    ...(summary.policies.length > 0 ? [`  policies updated for ${summary.policies.join(', ')}`] : []),
    ...summary.notes.map((note) => `  note: ${note}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      assembly: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.assembly) throw new Error('--assembly <dir> is required (dist/<projectRoot>/cdk.out).');
  if (values['dry-run']) {
    console.log(
      `Dry run: would redeploy ${values.project ?? values.assembly} from ${resolve(values.assembly)} into the local cloud at ${localCloudUrl()}; nothing sent.`,
    );
    return;
  }
  const summary = await redeploy(localCloudUrl(), resolve(values.assembly));
  console.log(formatSummary(values.project ?? values.assembly, summary));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
