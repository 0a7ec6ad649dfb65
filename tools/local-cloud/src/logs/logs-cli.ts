/**
 * `npm run logs -- [function|service] [--correlation-id ID] [--request-id ID] [--follow] [--raw]`:
 * reads the running local cloud's log stream (`GET /_local/logs`), pretty by default (one line per
 * request, Powertools lines pretty-printed, metric blobs and START/END/REPORT hidden), every line
 * as written with `--raw`. `--follow` keeps printing new entries until Ctrl-C.
 *
 *   npm run logs -- orders --correlation-id 5f0c…     every line of that request, across Orders' functions
 *   npm run logs -- get-order --follow                 one function, as it runs
 */
import { parseArgs } from 'node:util';
import { localCloudUrl, NoLocalCloudError } from '../redeploy-cli';
import { formatEntry, type LogMode } from './format';
import type { LogEntry } from './log-stream';

const FOLLOW_INTERVAL_MS = 500;

/** The query of `GET /_local/logs` for the CLI's arguments. */
export function logsQuery(options: {
  readonly target?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly after?: number;
}): string {
  const query = new URLSearchParams();
  if (options.target) query.set('target', options.target);
  if (options.correlationId) query.set('correlationId', options.correlationId);
  if (options.requestId) query.set('requestId', options.requestId);
  if (options.after !== undefined) query.set('after', String(options.after));
  return query.toString();
}

/** Reads the entries after `after`; a cloud that does not answer is a {@link NoLocalCloudError}. */
export async function readLogs(url: string, query: string): Promise<{ entries: LogEntry[]; last: number }> {
  let response: Response;
  try {
    response = await fetch(`${url}/_local/logs?${query}`, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new NoLocalCloudError(url, { cause: error });
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: the text is the message
    }
    throw new Error(message);
  }
  return (await response.json()) as { entries: LogEntry[]; last: number };
}

function print(entries: readonly LogEntry[], mode: LogMode): void {
  for (const entry of entries) {
    const text = formatEntry(entry, mode);
    if (text !== undefined) console.log(text);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      'correlation-id': { type: 'string' },
      'request-id': { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      raw: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 1) throw new Error('Give at most one function or service: npm run logs -- orders');
  const url = localCloudUrl();
  const mode: LogMode = values.raw ? 'raw' : 'pretty';
  const filter = {
    target: positionals[0],
    correlationId: values['correlation-id'],
    requestId: values['request-id'],
  };
  const first = await readLogs(url, logsQuery(filter));
  print(first.entries, mode);
  // The newest entry seen: a follower asks only for what came after it.
  let cursor = first.last;
  while (values.follow) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    const next = await readLogs(url, logsQuery({ ...filter, after: cursor }));
    print(next.entries, mode);
    cursor = next.last;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
