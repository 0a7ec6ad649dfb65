/**
 * `npm run invoke -- <function> [event options]`: invokes one function of the running local cloud
 * (`POST /_local/invoke`) and prints its result and the lines it logged.
 *
 *   npm run invoke -- get-menu-item --path /menu/items/margherita         a REST proxy event
 *   npm run invoke -- place-order --as alice --body '{"items":[...],...}'  as alice (a Cognito user)
 *   npm run invoke -- record-menu-changes --eventbridge OrderPlaced        an EventBridge event from the contract
 *   npm run invoke -- record-menu-changes --sqs OrderPlaced                that event in an SQS message
 *   npm run invoke -- publish-order-events --stream INSERT --new-image '{"pk":"ORDER#1",...}'  a table's stream record
 *   npm run invoke -- get-order --event event.json                         any event (`-`: standard input)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { claimsOf } from '@slice/emulation';
import type { FunctionListing } from '../admin/functions';
import { formatEntry, type LogEntry, matchesName } from '../logs';
import type { InvokeResult } from '../model';
import { localCloudUrl, NoLocalCloudError } from '../redeploy-cli';
import { eventBridgeEvent, restEvent, sqsEvent, streamEvent } from './events';
import { eventContract, loadContracts, sampleDetail } from './samples';

const root = resolve(__dirname, '../../../..');

const USAGE =
  'Usage: npm run invoke -- <function> [--event file.json|-] [--method GET --path /menu/items/margherita] [--body JSON] [--as alice] [--eventbridge <DetailType>] [--sqs <DetailType>] [--stream INSERT|MODIFY|REMOVE [--new-image JSON] [--old-image JSON]]';

const flags = {
  event: { type: 'string' },
  method: { type: 'string' },
  path: { type: 'string' },
  body: { type: 'string' },
  query: { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  as: { type: 'string' },
  groups: { type: 'string', default: 'customer' },
  eventbridge: { type: 'string' },
  sqs: { type: 'string' },
  stream: { type: 'string' },
  'new-image': { type: 'string' },
  'old-image': { type: 'string' },
  'correlation-id': { type: 'string' },
  logs: { type: 'string', default: 'pretty' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof flags; allowPositionals: true }>>['values'];

/** A call to an admin route; no answer at all is a {@link NoLocalCloudError}. */
async function admin<T>(url: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      ...(body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new NoLocalCloudError(url, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    const message = (JSON.parse(text) as { message?: string; detail?: string }).message ?? text;
    throw new Error(message);
  }
  return JSON.parse(text) as T;
}

/** The event of `--event`: a file, or standard input for `-`. */
function readEvent(source: string): unknown {
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : resolve(process.env.INIT_CWD ?? process.cwd(), source), 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the event ${source === '-' ? 'from standard input' : `file ${source}`}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(
      `The event ${source === '-' ? 'on standard input' : `in ${source}`} is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

const pairs = (list: readonly string[] | undefined, separator: string, flag: string) =>
  Object.fromEntries(
    (list ?? []).map((item) => {
      const at = item.indexOf(separator);
      if (at < 1) throw new Error(`--${flag} takes name${separator}value, not "${item}".`);
      return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
    }),
  );

/** The Cognito claims and token of `--as`, minted by the local issuer as the gateway would verify them. */
async function callerOf(url: string, user: string, groups: string) {
  const { token } = await admin<{ token: string }>(url, '/_local/token', {
    sub: user,
    groups: groups.split(',').filter(Boolean),
  });
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return { token, claims: claimsOf(payload) };
}

/** A JSON flag's value, or an error naming the flag. */
function jsonFlag(flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`--${flag} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`--${flag} must be a JSON object: the item as the service writes it.`);
  return value as Record<string, unknown>;
}

const streamEventNames = new Set(['INSERT', 'MODIFY', 'REMOVE']);

/** The stream record of `--stream` for the table whose stream the function reads. */
function streamEventFor(fn: FunctionListing, functions: readonly FunctionListing[], values: Values) {
  const eventName = values.stream?.toUpperCase() ?? '';
  if (!streamEventNames.has(eventName)) throw new Error('--stream takes INSERT, MODIFY or REMOVE.');
  const streams = fn.eventSources.filter((source) => source.type === 'dynamodb');
  const [source] = streams;
  if (source?.table === undefined) {
    const readers = functions
      .filter((each) => each.eventSources.some((other) => other.table !== undefined))
      .map((each) => each.label)
      .sort();
    throw new Error(
      `${fn.label} reads no DynamoDB stream. The functions a table's stream invokes: ${readers.join(', ') || 'none'}.`,
    );
  }
  if (streams.length > 1)
    throw new Error(`${fn.label} reads ${streams.length} streams: give the event with --event.`);
  return streamEvent(source.arn, source.table, {
    eventName: eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
    newImage: jsonFlag('new-image', values['new-image']),
    oldImage: jsonFlag('old-image', values['old-image']),
  });
}

async function eventFor(
  url: string,
  fn: FunctionListing,
  functions: readonly FunctionListing[],
  values: Values,
  correlationId: string,
): Promise<unknown> {
  if (values.event !== undefined) return readEvent(values.event);
  if (values.stream !== undefined) return streamEventFor(fn, functions, values);
  const detailType = values.eventbridge ?? values.sqs;
  if (detailType !== undefined) {
    const contract = eventContract(await loadContracts(root), detailType);
    const event = eventBridgeEvent(
      contract.source,
      contract.detailType,
      sampleDetail(contract, correlationId),
    );
    return values.sqs === undefined ? event : sqsEvent(JSON.stringify(event));
  }
  if (fn.routes.length === 0)
    throw new Error(
      `${fn.label} is not behind a REST API: give --event <file>, --eventbridge <DetailType>, --sqs <DetailType> or --stream INSERT|MODIFY|REMOVE.`,
    );
  return restEvent(fn.routes, {
    method: values.method,
    path: values.path,
    body: values.body,
    query: pairs(values.query, '=', 'query'),
    headers: { ...pairs(values.header, ':', 'header'), 'x-correlation-id': correlationId },
    ...(values.as === undefined ? {} : { caller: await callerOf(url, values.as, values.groups) }),
  });
}

/** The result as it is printed: a REST answer's status and body, else the payload or error. */
function describe(result: InvokeResult): string {
  if (!result.ok) return `${result.errorType}: ${result.errorMessage}`;
  const answer = result.payload as { statusCode?: unknown; body?: unknown } | null;
  if (typeof answer?.statusCode === 'number' && typeof answer.body === 'string') {
    let body: unknown = answer.body;
    try {
      body = JSON.parse(answer.body);
    } catch {
      // a text body is printed as it is
    }
    return `HTTP ${answer.statusCode}\n${typeof body === 'string' ? body : JSON.stringify(body, null, 2)}`;
  }
  return JSON.stringify(result.payload, null, 2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: flags, allowPositionals: true, strict: true });
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new Error(USAGE);
  if (values.logs !== 'pretty' && values.logs !== 'raw') throw new Error('--logs must be pretty or raw.');
  const url = localCloudUrl();
  const { functions } = await admin<{ functions: FunctionListing[] }>(url, '/_local/functions');
  const fn = functions.find((each) =>
    matchesName([each.id, each.label, each.name, each.functionName, each.logicalId], name),
  );
  if (!fn)
    throw new Error(
      `No function ${JSON.stringify(name)} runs in the local cloud. Known: ${functions
        .map((each) => each.label)
        .sort()
        .join(', ')}.`,
    );
  const correlationId = values['correlation-id'] ?? `invoke-${randomUUID()}`;
  const event = await eventFor(url, fn, functions, values, correlationId);
  const answer = await admin<{ result: InvokeResult; logs: LogEntry[] }>(url, '/_local/invoke', {
    function: fn.id,
    event,
  });
  console.log(`${fn.label} (request ${answer.result.requestId ?? '-'}, correlation ${correlationId}):`);
  console.log(describe(answer.result));
  console.log('\nLogs:');
  for (const entry of answer.logs) {
    const text = formatEntry(entry, values.logs);
    if (text !== undefined) console.log(text);
  }
  if (!answer.result.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
