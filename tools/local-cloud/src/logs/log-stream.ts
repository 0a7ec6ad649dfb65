/**
 * The functions' log stream of the running local cloud, as `npm run logs` and `GET /_local/logs`
 * read it: every line with its function, service and request, and one entry per finished request
 * with its status, duration and correlation ids. Kept in memory up to a bound, oldest dropped
 * first; with a data directory also appended to `<dataDir>/logs/functions.jsonl` (one file of at
 * most 10 MB and the one before it) and read back at the next start.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec, InvokeResult } from '../model';
import type { FunctionLogLine, InvocationRecord } from '../services/lambda';
import { jsonOf } from './format';
import { labelOf, names, serviceOf } from './functions';

/** One entry of the log stream: a line a function wrote, or a finished request. */
export interface LogEntry {
  /** Increasing, so a follower asks for what came after the last one it saw. */
  readonly seq: number;
  readonly time: string;
  readonly kind: 'line' | 'request';
  readonly functionId: string;
  /** `orders/get-order`. */
  readonly function: string;
  readonly service: string;
  readonly requestId?: string;
  /** The correlation ids of the request: of the HTTP request, or of each record of a batch. */
  readonly correlationIds: readonly string[];
  readonly stream: 'stdout' | 'stderr';
  /** The line as the function wrote it; for a request, a short summary. */
  readonly text: string;
  /** A request's HTTP status (`201`), else `ok` or its error type (`Error`, `Timeout`…). */
  readonly status?: string;
  readonly durationMs?: number;
  readonly coldStart?: boolean;
}

/** Which entries {@link LogStream.query} answers; every given field must match. */
export interface LogFilter {
  /** A function (`get-order`, `orders/get-order`, its id or name) or a service (`orders`). */
  readonly target?: string;
  readonly correlationId?: string;
  readonly requestId?: string;
  /** Only entries after this sequence number (what a follower saw last). */
  readonly after?: number;
  /** At most this many, the newest. @default 1,000 */
  readonly limit?: number;
}

/** Options of {@link LogStream}. */
export interface LogStreamOptions {
  /** The function of an id, from the model served now. */
  readonly functionOf: (functionId: string) => FunctionSpec | undefined;
  /** How many entries stay in memory. @default 20,000 */
  readonly maxEntries?: number;
  /** Where the stream is kept across restarts. @default memory only */
  readonly dataDir?: string;
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const DEFAULT_LIMIT = 1_000;

/** The correlation id header the shared middleware reads and echoes. */
const CORRELATION_HEADER = 'x-correlation-id';

const text = (item: unknown): string | undefined =>
  typeof item === 'string' && item.length > 0 ? item : undefined;

/** `x-correlation-id` of a header map, in any case. */
function headerOf(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const map = headers as Record<string, unknown>;
  for (const name in map)
    if (Object.hasOwn(map, name) && name.toLowerCase() === CORRELATION_HEADER) return text(map[name]);
  return undefined;
}

/** The correlation id one record of a batch carries: a stream image's, an event's or a message's. */
function recordCorrelation(record: Record<string, unknown>): string | undefined {
  const image = (record.dynamodb as { NewImage?: Record<string, { S?: string }> } | undefined)?.NewImage;
  const fromImage = text(image?.correlationId?.S);
  if (fromImage) return fromImage;
  const body = typeof record.body === 'string' ? jsonOf(record.body) : undefined;
  const detail = (body?.detail ?? body) as Record<string, unknown> | undefined;
  return text(detail?.correlationId);
}

/**
 * The correlation ids an invocation carries: the `x-correlation-id` of an HTTP request or of its
 * answer (the middleware makes one up when the caller sent none), an EventBridge event's
 * `detail.correlationId`, and each record's of an SQS or stream batch.
 *
 * @example
 * ```ts
 * correlationIdsOf({ headers: { 'X-Correlation-Id': 'c-1' } }, result); // ['c-1']
 * ```
 */
export function correlationIdsOf(event: unknown, result: InvokeResult): string[] {
  const ids = new Set<string>();
  const add = (id: string | undefined) => id && ids.add(id);
  const input = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  add(headerOf(input.headers));
  if (result.ok) add(headerOf((result.payload as { headers?: unknown } | null)?.headers));
  add(text((input.detail as Record<string, unknown> | undefined)?.correlationId));
  if (Array.isArray(input.Records))
    for (const record of input.Records as unknown[])
      if (typeof record === 'object' && record !== null)
        add(recordCorrelation(record as Record<string, unknown>));
  return [...ids];
}

/** A request's status: its HTTP status code, `ok`, or the error type. */
function statusOf(result: InvokeResult): string {
  if (!result.ok) return result.errorType;
  const code = (result.payload as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? String(code) : 'ok';
}

/**
 * The correlation id a structured (Powertools) line carries. Only a line naming the key is parsed:
 * most lines of a request (START, END, REPORT, the metric blob) carry none.
 */
function lineCorrelation(line: string): string | undefined {
  if (!line.includes('"correlation')) return undefined;
  const json = jsonOf(line);
  return text(json?.correlationId) ?? text(json?.correlation_id);
}

type Draft = Omit<LogEntry, 'seq' | 'correlationIds'>;

/**
 * The log stream: {@link add} takes every function line as the runtime logs it, {@link settle}
 * each finished invocation; the lines of a request are kept once it finished, when its
 * correlation ids are known, so each entry carries them.
 *
 * @example
 * ```ts
 * const logs = new LogStream({ functionOf: (id) => model.functions.find((fn) => fn.id === id) });
 * createLambdaRuntime({ ..., log: (line) => logs.add(line), onInvocation: (record) => logs.settle(record) });
 * logs.query({ target: 'orders', correlationId: 'c-1' });
 * ```
 */
export class LogStream {
  /** The entries kept are `entries[first..]`; the ones before are dropped, and spliced off in bulk. */
  private readonly entries: LogEntry[] = [];
  private first = 0;
  /** A function's label and service, worked out once per deployed spec. */
  private readonly described = new WeakMap<FunctionSpec, { function: string; service: string }>();
  private readonly pending = new Map<string, { lines: Draft[]; correlations: Set<string> }>();
  private readonly waiters = new Map<string, () => void>();
  private readonly maxEntries: number;
  private readonly file: string | undefined;
  private seq = 0;

  constructor(private readonly options: LogStreamOptions) {
    this.maxEntries = options.maxEntries ?? 20_000;
    this.file = options.dataDir === undefined ? undefined : join(options.dataDir, 'logs', 'functions.jsonl');
    if (this.file) this.readBack(this.file);
  }

  /** Takes one line a function wrote; a request's lines wait for its end. */
  add(line: FunctionLogLine): LogEntry | Draft {
    const draft: Draft = {
      ...this.describe(line.functionId),
      time: new Date().toISOString(),
      kind: 'line',
      ...(line.requestId === undefined ? {} : { requestId: line.requestId }),
      stream: line.stream,
      text: line.text,
    };
    if (line.requestId === undefined) return this.keep(draft, []);
    const request = this.pendingOf(line.requestId);
    request.lines.push(draft);
    const correlation = lineCorrelation(line.text);
    if (correlation) request.correlations.add(correlation);
    return draft;
  }

  /** Takes a finished invocation: keeps its lines and its request entry, with its correlation ids. */
  settle(record: InvocationRecord): LogEntry {
    const request = this.pendingOf(record.requestId);
    this.pending.delete(record.requestId);
    const correlationIds = [
      ...new Set([...correlationIdsOf(record.event, record.result), ...request.correlations]),
    ];
    for (const line of request.lines) this.keep(line, correlationIds);
    const status = statusOf(record.result);
    const settled = this.keep(
      {
        ...this.describe(record.functionId),
        time: new Date().toISOString(),
        kind: 'request',
        requestId: record.requestId,
        stream: 'stdout',
        text: `${status} in ${Math.round(record.result.durationMs)} ms`,
        status,
        durationMs: record.result.durationMs,
        coldStart: record.result.ok && record.result.coldStart,
      },
      correlationIds,
    );
    this.waiters.get(record.requestId)?.();
    return settled;
  }

  /**
   * Resolves once the request's lines are kept (its REPORT line follows the answer by up to the
   * runtime's flush grace), or after `timeoutMs`.
   */
  settled(requestId: string, timeoutMs = 2_000): Promise<void> {
    if (this.kept().some((entry) => entry.kind === 'request' && entry.requestId === requestId))
      return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(requestId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.set(requestId, done);
    });
  }

  /** The entries matching `filter`, oldest first. */
  query(filter: LogFilter = {}): LogEntry[] {
    const matches = this.kept().filter((entry) => this.matches(entry, filter));
    return matches.slice(-(filter.limit ?? DEFAULT_LIMIT));
  }

  /** The sequence number of the newest entry (0 when empty). */
  get last(): number {
    return this.seq;
  }

  private matches(entry: LogEntry, filter: LogFilter): boolean {
    if (filter.after !== undefined && entry.seq <= filter.after) return false;
    if (filter.requestId !== undefined && entry.requestId !== filter.requestId) return false;
    if (filter.correlationId !== undefined && !entry.correlationIds.includes(filter.correlationId))
      return false;
    if (filter.target === undefined) return true;
    if (entry.service.toLowerCase() === filter.target.toLowerCase()) return true;
    const fn = this.options.functionOf(entry.functionId);
    return fn === undefined ? entry.function === filter.target : names(fn, filter.target);
  }

  private describe(functionId: string): { functionId: string; function: string; service: string } {
    const fn = this.options.functionOf(functionId);
    if (fn) {
      let names = this.described.get(fn);
      if (!names) {
        names = { function: labelOf(fn), service: serviceOf(fn) };
        this.described.set(fn, names);
      }
      return { functionId, ...names };
    }
    return {
      functionId,
      function: functionId.split('/').pop() ?? functionId,
      service: functionId.split('/')[0] ?? '',
    };
  }

  private pendingOf(requestId: string) {
    let request = this.pending.get(requestId);
    if (!request) {
      request = { lines: [], correlations: new Set() };
      this.pending.set(requestId, request);
    }
    return request;
  }

  private keep(draft: Draft, correlationIds: readonly string[]): LogEntry {
    this.seq += 1;
    const entry: LogEntry = { ...draft, seq: this.seq, correlationIds };
    this.push(entry);
    if (this.file) this.write(this.file, entry);
    return entry;
  }

  /** The entries kept, oldest first. */
  private kept(): LogEntry[] {
    return this.first === 0 ? this.entries : this.entries.slice(this.first);
  }

  /**
   * Keeps an entry and drops the oldest beyond `maxEntries`. The dropped ones leave the array once
   * they are as many as the kept ones, so a full stream costs no copy of 20,000 entries per line.
   */
  private push(entry: LogEntry): void {
    this.entries.push(entry);
    const excess = this.entries.length - this.first - this.maxEntries;
    if (excess > 0) this.first += excess;
    if (this.first >= this.maxEntries) {
      this.entries.splice(0, this.first);
      this.first = 0;
    }
  }

  private write(file: string, entry: LogEntry): void {
    if (existsSync(file) && statSync(file).size > MAX_FILE_BYTES) renameSync(file, `${file}.1`);
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  }

  private readBack(file: string): void {
    mkdirSync(join(file, '..'), { recursive: true });
    for (const path of [`${file}.1`, file]) {
      if (!existsSync(path)) continue;
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const entry = jsonOf(line) as LogEntry | undefined;
        if (entry === undefined || typeof entry.seq !== 'number') continue;
        this.push(entry);
        this.seq = Math.max(this.seq, entry.seq);
      }
    }
  }
}
