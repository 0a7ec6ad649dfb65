/**
 * The readable form of the functions' logs: one line per request (function, status, duration,
 * correlation id), Powertools' JSON lines pretty-printed, metric (EMF) blobs and Lambda's
 * START/END/REPORT lines hidden. `--logs=raw` prints every line as the function wrote it.
 */
import type { LogEntry } from './log-stream';

/** How the local cloud prints the functions' logs: `pretty` (the default) or `raw`. */
export type LogMode = 'pretty' | 'raw';

/** Powertools' keys every line carries: shown by the line's frame, not repeated after the message. */
const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'correlationId',
]);

/** A line of Lambda's own framing: START, END and REPORT (the request line replaces them). */
const FRAME = /^(START|END|REPORT) RequestId: /;
/** Lambda's text format of `console.*`: time, request id, level, message. */
const CONSOLE_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t[^\t]*\t([A-Z]+)\t(.*)$/s;

/** The JSON object a line holds, if it is one. */
export function jsonOf(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a line is a CloudWatch embedded-metric blob (Powertools Metrics' output). */
export const isMetricBlob = (json: Record<string, unknown> | undefined): boolean =>
  typeof json?._aws === 'object' && json._aws !== null && 'CloudWatchMetrics' in json._aws;

const clock = (iso: string): string => iso.slice(11, 23);

const value = (item: unknown): string => (typeof item === 'string' ? item : JSON.stringify(item));

/** An error Powertools logged: `Name: message`, its stack below, indented. */
function errorOf(item: unknown): { short: string; stack: string } | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { name, message, stack } = item as { name?: unknown; message?: unknown; stack?: unknown };
  if (typeof message !== 'string') return undefined;
  const frames = typeof stack === 'string' ? stack.split('\n').slice(1) : [];
  return {
    short: `${typeof name === 'string' ? name : 'Error'}: ${message}`,
    stack: frames.map((frame) => `\n      ${frame.trim()}`).join(''),
  };
}

function powertools(json: Record<string, unknown>): { level: string; text: string } | undefined {
  if (typeof json.level !== 'string' || !('message' in json)) return undefined;
  let stack = '';
  const extra = Object.entries(json)
    .filter(([key]) => !STANDARD_KEYS.has(key))
    .map(([key, item]) => {
      const error = errorOf(item);
      if (!error) return `${key}=${value(item)}`;
      stack += error.stack;
      return `${key}=${error.short}`;
    });
  return { level: json.level, text: [value(json.message), ...extra].join('  ') + stack };
}

/** A line as the pretty log shows it, or `undefined` for a line it hides. */
function prettyLine(entry: LogEntry): string | undefined {
  if (FRAME.test(entry.text)) return undefined;
  const json = jsonOf(entry.text);
  if (isMetricBlob(json)) return undefined;
  const structured = json && powertools(json);
  const consoleLine = structured ? undefined : CONSOLE_LINE.exec(entry.text);
  const level = structured?.level ?? consoleLine?.[2] ?? (entry.stream === 'stderr' ? 'ERROR' : 'INFO');
  const text = structured?.text ?? lambdaError(consoleLine?.[3]) ?? consoleLine?.[3] ?? entry.text;
  return `${clock(entry.time)}   ${level.padEnd(5)} ${entry.function}  ${text}`;
}

/** The runtime's `Invoke Error` / `Init Error` line (`{errorType, errorMessage, stack}`) as `Type: message` and its stack. */
function lambdaError(message: string | undefined): string | undefined {
  const match = /^(Invoke Error|Init Error)\s+(\{.*\})$/s.exec(message ?? '');
  const json = match?.[2] === undefined ? undefined : jsonOf(match[2]);
  if (!match || typeof json?.errorMessage !== 'string') return undefined;
  const stack = Array.isArray(json.stack)
    ? json.stack.slice(1).map((frame) => `\n      ${String(frame).trim()}`)
    : [];
  return `${match[1]}: ${typeof json.errorType === 'string' ? json.errorType : 'Error'}: ${json.errorMessage}${stack.join('')}`;
}

/** The request line: `12:00:01.234 ▸ orders/place-order 201 342 ms cold correlation=…`. */
function requestLine(entry: LogEntry): string {
  const cold = entry.coldStart ? ' (cold start)' : '';
  const correlation = entry.correlationIds.length > 0 ? `  ${entry.correlationIds.join(' ')}` : '';
  const duration = `${Math.round(entry.durationMs ?? 0)} ms`;
  return `${clock(entry.time)} ▸ ${entry.function} ${entry.status ?? ''} ${duration}${cold}${correlation}`;
}

/**
 * A log entry as `mode` prints it; `undefined` when the pretty mode hides it.
 *
 * @example
 * ```ts
 * const text = formatEntry(entry, 'pretty');
 * if (text !== undefined) console.log(text);
 * ```
 */
export function formatEntry(entry: LogEntry, mode: LogMode): string | undefined {
  if (entry.kind === 'request') return mode === 'raw' ? undefined : requestLine(entry);
  if (mode === 'raw') return `${entry.function} | ${entry.text}`;
  return prettyLine(entry);
}
