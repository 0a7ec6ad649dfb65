import { randomUUID } from 'node:crypto';
import { AwsError } from './errors';
import { isRecord } from '../json';
import type { AwsProtocol, RawAnswer } from '../services/service';

/** How a query-protocol API (SNS) names itself and the errors every AWS API shares. */
export interface AwsQueryProtocolOptions {
  /** The XML namespace of its answers: `http://sns.amazonaws.com/doc/2010-03-31/`. */
  readonly xmlns: string;
  /** The API's own names of the shared errors (`AccessDeniedException` → `AuthorizationError`). */
  readonly commonErrors?: Readonly<Record<string, string>>;
  /** The HTTP status of an error code, where it differs from the one thrown (`AuthorizationError`: 403). */
  readonly errorStatus?: Readonly<Record<string, number>>;
}

/** The body a query-protocol answer is written from: the operation it answers and its result. */
export interface QueryResult {
  readonly operation: string;
  /** A structure; a `Map` is written as `<entry><key/><value/></entry>`, an array as `<member/>`s. */
  readonly result: unknown;
}

/**
 * What a query-protocol service answers with.
 *
 * @example
 * ```ts
 * return jsonAnswer(queryResult('Publish', { MessageId }));
 * ```
 */
export const queryResult = (operation: string, result: unknown): QueryResult => ({ operation, result });

type Tree = { [key: string]: Tree | string };

/** `A.member.2.B=x` → `{ A: { member: { 2: { B: 'x' } } } }`. */
function treeOf(parameters: URLSearchParams): Tree {
  const root: Tree = {};
  for (const [key, value] of parameters) {
    const parts = key.split('.');
    let node = root;
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      node = typeof next === 'object' ? next : (node[part] = {});
    });
  }
  return root;
}

const byIndex = (node: Tree): Array<Tree | string> =>
  Object.keys(node)
    .filter((key) => /^\d+$/.test(key))
    .sort((left, right) => Number(left) - Number(right))
    .map((key) => node[key] as Tree | string);

/**
 * The input as the JSON protocols would carry it: `X.member.N` lists as arrays, `X.entry.N`
 * maps (`Name`/`Value` or `key`/`value`) as objects.
 */
function normalize(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'member' && typeof node['member'] === 'object')
    return byIndex(node['member']).map(normalize);
  if (keys.length === 1 && keys[0] === 'entry' && typeof node['entry'] === 'object') {
    return Object.fromEntries(
      byIndex(node['entry']).flatMap((entry) => {
        if (typeof entry === 'string') return [];
        const name = entry['Name'] ?? entry['key'];
        const value = entry['Value'] ?? entry['value'];
        return typeof name === 'string' && value !== undefined ? [[name, normalize(value)]] : [];
      }),
    );
  }
  return Object.fromEntries(keys.map((key) => [key, normalize(node[key] as Tree | string)]));
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"\r]/g, (character) => `&#${character.charCodeAt(0)};`);

function xmlOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Map)
    return [...(value as Map<string, unknown>)]
      .map(([key, item]) => `<entry><key>${escapeXml(key)}</key><value>${xmlOf(item)}</value></entry>`)
      .join('');
  if (Array.isArray(value)) return value.map((item) => `<member>${xmlOf(item)}</member>`).join('');
  if (isRecord(value))
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `<${key}>${xmlOf(item)}</${key}>`)
      .join('');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? escapeXml(String(value))
    : '';
}

const xmlAnswer = (status: number, xml: string): RawAnswer => {
  const bytes = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  return {
    status,
    headers: { 'content-type': 'text/xml', 'content-length': String(bytes.length) },
    body: bytes,
  };
};

/**
 * The AWS query protocol (SNS): the operation is the `Action` of the form-encoded body (or of the
 * query string), lists are `X.member.N` and maps `X.entry.N`; answers are
 * `<OperationResponse><OperationResult>` XML, errors `<ErrorResponse><Error>` with `Type`,
 * `Code` and `Message`, as the SDK's query protocol reads them.
 *
 * @example
 * ```ts
 * const protocol = awsQueryProtocol({ xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/' });
 * protocol.read(request); // { operation: 'Publish', input: { TopicArn, Message, MessageAttributes: { … } } }
 * ```
 */
export function awsQueryProtocol(options: AwsQueryProtocolOptions): AwsProtocol {
  const commonErrorType = (name: string) => options.commonErrors?.[name] ?? name;
  return {
    read({ url, body }) {
      const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
      const parameters = new URLSearchParams(body.length > 0 ? body.toString('utf8') : query);
      const operation = parameters.get('Action');
      if (!operation)
        throw new AwsError(400, 'MissingAction', 'The request must contain the parameter Action.');
      parameters.delete('Action');
      parameters.delete('Version');
      return { operation, input: normalize(treeOf(parameters)) as Record<string, unknown> };
    },
    write(status, body) {
      const { operation, result } = (isRecord(body) ? body : {}) as Partial<QueryResult>;
      const name = operation ?? 'Unknown';
      const requestId = randomUUID();
      return xmlAnswer(
        status,
        `<${name}Response xmlns="${options.xmlns}"><${name}Result>${xmlOf(result)}</${name}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${name}Response>`,
      );
    },
    error(error) {
      const code = error.type.slice(error.type.lastIndexOf('#') + 1);
      const status = options.errorStatus?.[code] ?? error.status;
      return xmlAnswer(
        status,
        `<ErrorResponse xmlns="${options.xmlns}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    },
    commonErrorType,
  };
}
