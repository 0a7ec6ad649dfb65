import {
  eventJsonSchemas,
  socketJsonSchemas,
  toOpenApi,
  type Contract,
  type JsonObject,
  type OpenApiDocument,
  type SocketContract,
} from '@slice/contract';

/**
 * A contract as it is published: its OpenAPI document and the JSON Schema of each event. Kept
 * in `libs/contracts/<service>/published/contract.json`, so the base branch's version is one
 * `git show` away.
 */
export interface PublishedContract {
  readonly service: { readonly name: string; readonly version: string };
  readonly openapi: OpenApiDocument;
  readonly events: Record<string, JsonObject>;
}

/** One change that breaks a consumer written against the earlier version. */
export interface BreakingChange {
  /** `GET /menu/items/{itemId} response 200 body.price.currency`, `event MenuItemChanged detail.item`. */
  readonly where: string;
  readonly change: string;
}

/** The outcome of comparing a contract with its earlier version. */
export interface ContractComparison {
  readonly service: string;
  readonly before: string;
  readonly after: string;
  readonly breaks: readonly BreakingChange[];
  /** A break is allowed when the major version was raised. */
  readonly majorRaised: boolean;
  readonly passed: boolean;
}

/**
 * The published form of a contract, stable to compare and to commit.
 *
 * @example
 * ```ts
 * writeFileSync('libs/contracts/menu/published/contract.json', `${JSON.stringify(publishedOf(menuContract), null, 2)}\n`);
 * ```
 */
export function publishedOf(contract: Contract): PublishedContract {
  const { name, version } = contract.service;
  return { service: { name, version }, openapi: toOpenApi(contract), events: eventJsonSchemas(contract) };
}

type Direction = 'request' | 'response';
const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const major = (version: string) => Number(version.split('.')[0] ?? 0);

class Comparer {
  readonly breaks: BreakingChange[] = [];

  constructor(
    private readonly beforeDefs: JsonObject,
    private readonly afterDefs: JsonObject,
  ) {}

  add(where: string, change: string): void {
    this.breaks.push({ where, change });
  }

  private resolve(schema: unknown, defs: JsonObject, seen = 0): JsonObject {
    let node = isObject(schema) ? schema : {};
    while (typeof node.$ref === 'string' && seen < 20) {
      const target = defs[node.$ref.split('/').pop() ?? ''];
      node = isObject(target) ? target : {};
      seen += 1;
    }
    return node;
  }

  /** Compares two schemas; `request` looks for narrowing, `response` for promises taken back. */
  schema(beforeRaw: unknown, afterRaw: unknown, direction: Direction, where: string, depth = 0): void {
    if (depth > 12) return;
    const before = this.resolve(beforeRaw, this.beforeDefs);
    const after = this.resolve(afterRaw, this.afterDefs);
    this.types(before, after, direction, where);
    this.enums(before, after, direction, where);
    if (direction === 'request') this.bounds(before, after, where);
    this.properties(before, after, direction, where, depth);
    if (before.items !== undefined && after.items !== undefined)
      this.schema(before.items, after.items, direction, `${where}[]`, depth + 1);
    this.options(before, after, direction, where, depth);
  }

  /** A request type narrowed, or a response type changed. */
  private types(before: JsonObject, after: JsonObject, direction: Direction, where: string): void {
    const typesOf = (node: JsonObject): string[] =>
      Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : [];
    const [beforeTypes, afterTypes] = [typesOf(before), typesOf(after)];
    if (beforeTypes.length === 0 || afterTypes.length === 0) return;
    const accepts = (types: string[], type: string) =>
      types.includes(type) || (type === 'integer' && types.includes('number'));
    if (direction === 'request') {
      const lost = beforeTypes.filter((type) => !accepts(afterTypes, type));
      if (lost.length > 0)
        this.add(where, `type narrowed from ${beforeTypes.join('|')} to ${afterTypes.join('|')}`);
    } else {
      const added = afterTypes.filter((type) => !accepts(beforeTypes, type));
      if (added.length > 0)
        this.add(where, `type changed from ${beforeTypes.join('|')} to ${afterTypes.join('|')}`);
    }
  }

  /** A request enum narrowed, or a response enum widened. */
  private enums(before: JsonObject, after: JsonObject, direction: Direction, where: string): void {
    if (!Array.isArray(before.enum) && !Array.isArray(after.enum)) return;
    const beforeValues = (before.enum ?? []) as unknown[];
    const afterValues = (after.enum ?? []) as unknown[];
    if (direction === 'request' && Array.isArray(after.enum)) {
      const removed = Array.isArray(before.enum)
        ? beforeValues.filter((value) => !afterValues.includes(value))
        : ['any value'];
      if (removed.length > 0)
        this.add(where, `enum narrowed: ${removed.map(String).join(', ')} no longer accepted`);
    }
    if (direction === 'response' && Array.isArray(before.enum)) {
      const added = Array.isArray(after.enum)
        ? afterValues.filter((value) => !beforeValues.includes(value))
        : ['any value'];
      if (added.length > 0)
        this.add(where, `enum widened: ${added.map(String).join(', ')} may now be answered`);
    }
  }

  /** Fields removed, no longer always answered or newly required; each kept field compared in turn. */
  private properties(
    before: JsonObject,
    after: JsonObject,
    direction: Direction,
    where: string,
    depth: number,
  ): void {
    const beforeProperties = isObject(before.properties) ? before.properties : undefined;
    const afterProperties = isObject(after.properties) ? after.properties : {};
    if (!beforeProperties) return;
    const beforeRequired = new Set((before.required ?? []) as string[]);
    const afterRequired = new Set((after.required ?? []) as string[]);
    for (const [name, property] of Object.entries(beforeProperties)) {
      const at = `${where}.${name}`;
      if (!(name in afterProperties)) {
        this.add(
          at,
          direction === 'request' ? 'field removed (callers sending it are refused)' : 'field removed',
        );
        continue;
      }
      if (direction === 'response' && beforeRequired.has(name) && !afterRequired.has(name))
        this.add(at, 'field no longer always present');
      this.schema(property, afterProperties[name], direction, at, depth + 1);
    }
    if (direction === 'request') {
      for (const name of afterRequired) {
        if (!beforeRequired.has(name)) this.add(`${where}.${name}`, 'newly required request field');
      }
    }
  }

  /** `anyOf`/`oneOf` options compared one by one, or a request's options narrowed. */
  private options(
    before: JsonObject,
    after: JsonObject,
    direction: Direction,
    where: string,
    depth: number,
  ): void {
    for (const key of ['anyOf', 'oneOf'] as const) {
      const beforeOptions = before[key];
      const afterOptions = after[key];
      if (!Array.isArray(beforeOptions) || !Array.isArray(afterOptions)) continue;
      if (beforeOptions.length === afterOptions.length) {
        beforeOptions.forEach((option, index) =>
          this.schema(option, afterOptions[index], direction, where, depth + 1),
        );
      } else if (direction === 'request' && afterOptions.length < beforeOptions.length) {
        this.add(where, `${key} narrowed from ${beforeOptions.length} to ${afterOptions.length} options`);
      }
    }
  }

  private bounds(before: JsonObject, after: JsonObject, where: string): void {
    const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
    for (const key of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems']) {
      const [was, now] = [num(before[key]), num(after[key])];
      if (now !== undefined && (was === undefined || now > was))
        this.add(where, `${key} raised from ${was ?? 'none'} to ${now}`);
    }
    for (const key of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems']) {
      const [was, now] = [num(before[key]), num(after[key])];
      if (now !== undefined && (was === undefined || now < was))
        this.add(where, `${key} lowered from ${was ?? 'none'} to ${now}`);
    }
    if (typeof after.pattern === 'string' && after.pattern !== before.pattern)
      this.add(where, `pattern changed to ${after.pattern}`);
    if (typeof after.format === 'string' && after.format !== before.format)
      this.add(where, `format changed to ${after.format}`);
  }
}

function jsonBody(content: unknown): unknown {
  if (!isObject(content)) return undefined;
  const media = Object.values(content)[0];
  return isObject(media) ? media.schema : undefined;
}

function compareOperation(comparer: Comparer, where: string, before: JsonObject, after: JsonObject): void {
  const parameters = (operation: JsonObject) =>
    new Map(
      ((operation.parameters ?? []) as JsonObject[]).map((parameter) => [
        `${String(parameter.in)} ${String(parameter.name)}`,
        parameter,
      ]),
    );
  const [beforeParameters, afterParameters] = [parameters(before), parameters(after)];
  for (const [key, parameter] of beforeParameters) {
    const now = afterParameters.get(key);
    if (!now) {
      comparer.add(`${where} ${key}`, 'parameter removed');
      continue;
    }
    if (now.required === true && parameter.required !== true)
      comparer.add(`${where} ${key}`, 'parameter newly required');
    comparer.schema(parameter.schema, now.schema, 'request', `${where} ${key}`);
  }
  for (const [key, parameter] of afterParameters) {
    if (!beforeParameters.has(key) && parameter.required === true)
      comparer.add(`${where} ${key}`, 'new required parameter');
  }
  const [beforeBody, afterBody] = [before.requestBody, after.requestBody];
  if (isObject(afterBody) && !isObject(beforeBody) && afterBody.required === true)
    comparer.add(`${where} body`, 'a body is now required');
  if (isObject(beforeBody)) {
    if (!isObject(afterBody)) comparer.add(`${where} body`, 'the body is no longer accepted');
    else
      comparer.schema(jsonBody(beforeBody.content), jsonBody(afterBody.content), 'request', `${where} body`);
  }
  const [beforeResponses, afterResponses] = [before.responses, after.responses].map((responses) =>
    isObject(responses) ? responses : {},
  ) as [JsonObject, JsonObject];
  const success = (responses: JsonObject) =>
    Object.keys(responses).filter((status) => status.startsWith('2'));
  const [beforeSuccess, afterSuccess] = [success(beforeResponses), success(afterResponses)];
  if (beforeSuccess.join() !== afterSuccess.join()) {
    comparer.add(
      `${where}`,
      `success status changed from ${beforeSuccess.join(', ')} to ${afterSuccess.join(', ')}`,
    );
  }
  for (const [status, response] of Object.entries(beforeResponses)) {
    const now = afterResponses[status];
    if (!isObject(now)) {
      if (!status.startsWith('2')) comparer.add(`${where} response ${status}`, 'status removed');
      continue;
    }
    const [beforeSchema, afterSchema] = [jsonBody((response as JsonObject).content), jsonBody(now.content)];
    if (beforeSchema !== undefined) {
      if (afterSchema === undefined) comparer.add(`${where} response ${status}`, 'body removed');
      else comparer.schema(beforeSchema, afterSchema, 'response', `${where} response ${status} body`);
    }
  }
}

/**
 * Compares a contract with its earlier published version: a removed route, field or status, a
 * newly required request field, a narrowed request type, enum or bound, a response field taken
 * away or made optional, a changed success status, a removed event or a changed event detail is
 * a break. Breaks pass only when the major version was raised.
 *
 * @example
 * ```ts
 * const comparison = compareContracts(JSON.parse(base), publishedOf(menuContract));
 * if (!comparison.passed) console.error(formatComparison(comparison));
 * ```
 */
export function compareContracts(before: PublishedContract, after: PublishedContract): ContractComparison {
  const comparer = new Comparer(
    before.openapi.components?.schemas ?? {},
    after.openapi.components?.schemas ?? {},
  );
  for (const [path, beforeItem] of Object.entries(before.openapi.paths)) {
    const afterItem = after.openapi.paths[path] ?? {};
    for (const method of methods) {
      const operation = beforeItem[method];
      if (!isObject(operation)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const now = afterItem[method];
      if (!isObject(now)) comparer.add(where, 'route removed');
      else compareOperation(comparer, where, operation, now);
    }
  }
  for (const [detailType, schema] of Object.entries(before.events)) {
    const now = after.events[detailType];
    if (!now) {
      comparer.add(`event ${detailType}`, 'event removed');
      continue;
    }
    const eventComparer = new Comparer(
      isObject(schema.$defs) ? schema.$defs : {},
      isObject(now.$defs) ? now.$defs : {},
    );
    eventComparer.schema(schema, now, 'response', `event ${detailType} detail`);
    comparer.breaks.push(...eventComparer.breaks);
  }
  const majorRaised = major(after.service.version) > major(before.service.version);
  return {
    service: after.service.name,
    before: before.service.version,
    after: after.service.version,
    breaks: comparer.breaks,
    majorRaised,
    passed: comparer.breaks.length === 0 || majorRaised,
  };
}

/**
 * A comparison as a readable report: each break, and whether the version allows it.
 *
 * @example
 * ```ts
 * console.log(formatComparison(compareContracts(before, publishedOf(menuContract))));
 * ```
 */
export function formatComparison(comparison: ContractComparison): string {
  const head = `Contract ${comparison.service} ${comparison.before} → ${comparison.after}: `;
  if (comparison.breaks.length === 0) return `${head}no breaking change.`;
  const verdict = comparison.majorRaised
    ? `${comparison.breaks.length} breaking change(s), allowed by the new major version.`
    : `${comparison.breaks.length} breaking change(s): raise the major version (service.version) or keep the old shape.`;
  return [head + verdict, ...comparison.breaks.map((item) => `  ✗ ${item.where}: ${item.change}`)].join('\n');
}

/**
 * A WebSocket contract as it is published: the JSON Schema of each message, keyed
 * `accepts.<action>` and `sends.<type>`. Kept in `libs/contracts/<service>/published/contract.json`.
 */
export interface PublishedSocketContract {
  readonly service: { readonly name: string; readonly version: string };
  readonly messages: Record<string, JsonObject>;
}

/**
 * The published form of a WebSocket contract, stable to compare and to commit.
 *
 * @example
 * ```ts
 * publishedSocketOf(trackingContract).messages['accepts.track'];
 * ```
 */
export function publishedSocketOf(contract: SocketContract): PublishedSocketContract {
  const { name, version } = contract.service;
  return { service: { name, version }, messages: socketJsonSchemas(contract) as Record<string, JsonObject> };
}

/**
 * Compares a WebSocket contract with its earlier version: an accepted message removed or
 * narrowed breaks the clients that send it; a sent message that takes a promise back (a field
 * removed or made optional, a type changed, an enum widened) breaks the clients that read it.
 *
 * @example
 * ```ts
 * compareSocketContracts(JSON.parse(base), publishedSocketOf(trackingContract)).passed;
 * ```
 */
export function compareSocketContracts(
  before: PublishedSocketContract,
  after: PublishedSocketContract,
): ContractComparison {
  const breaks: BreakingChange[] = [];
  for (const [key, schema] of Object.entries(before.messages)) {
    const now = after.messages[key];
    const accepted = key.startsWith('accepts.');
    if (!now) {
      if (accepted)
        breaks.push({ where: `message ${key}`, change: 'action removed (clients sending it are refused)' });
      continue;
    }
    const comparer = new Comparer(
      isObject(schema.$defs) ? schema.$defs : {},
      isObject(now.$defs) ? now.$defs : {},
    );
    comparer.schema(schema, now, accepted ? 'request' : 'response', `message ${key}`);
    breaks.push(...comparer.breaks);
  }
  const majorRaised = major(after.service.version) > major(before.service.version);
  return {
    service: after.service.name,
    before: before.service.version,
    after: after.service.version,
    breaks,
    majorRaised,
    passed: breaks.length === 0 || majorRaised,
  };
}
