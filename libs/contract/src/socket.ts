import * as z from 'zod/mini';
import { $ZodLiteral, $ZodObject } from 'zod/v4/core';
import './locale';

/** A WebSocket service: who owns it and the host name it lives on. */
export interface SocketServiceInfo {
  /** The service name, which is also its app folder and Nx project: `tracking`. */
  readonly name: string;
  /** The owning team, as in `tools/workspace/src/teams.ts`. */
  readonly team: string;
  /**
   * The first label of the service's own domain: `ws` for `wss://ws.<domain>`. API Gateway maps a
   * WebSocket API and REST APIs onto different custom domains, never one.
   */
  readonly subdomain: string;
  /** Semantic version of the contract; a breaking change raises the major. */
  readonly version: string;
  readonly title: string;
  readonly description: string;
}

/** One message a WebSocket API accepts (an action, chosen by `$request.body.action`) or sends. */
export interface SocketMessage<S extends z.core.$ZodType = z.core.$ZodType> {
  /** The message schema; accepted messages are strict objects with a literal `action`. */
  readonly schema: S;
  readonly summary: string;
  /** Worked examples; each must parse. */
  readonly examples: readonly z.input<S>[];
}

/** A WebSocket contract: the messages a client may send and those it receives. */
export interface SocketContract<
  A extends Record<string, SocketMessage> = Record<string, SocketMessage>,
  S extends Record<string, SocketMessage> = Record<string, SocketMessage>,
> {
  readonly service: SocketServiceInfo;
  /** What a client may send, keyed by the value of its `action` field (the route key). */
  readonly accepts: A;
  /** What the service sends, keyed by the value of its `type` field. */
  readonly sends: S;
}

/** The value of a literal field of an object schema, such as `action: z.literal('track')`. */
function literalOf(schema: z.core.$ZodType, field: string): unknown {
  const shape = schema instanceof $ZodObject ? schema._zod.def.shape : undefined;
  const value = shape?.[field];
  return value instanceof $ZodLiteral && value._zod.def.values.length === 1
    ? value._zod.def.values[0]
    : undefined;
}

function checkMessages(where: string, messages: Record<string, SocketMessage>, field: string): void {
  for (const [key, message] of Object.entries(messages)) {
    if (literalOf(message.schema, field) !== key) {
      throw new Error(`${where}: message ${key} needs ${field}: z.literal('${key}') in its schema.`);
    }
    if (message.examples.length === 0) throw new Error(`${where}: message ${key} needs an example.`);
    for (const example of message.examples) {
      const parsed = z.safeParse(message.schema, example);
      if (!parsed.success) {
        throw new Error(`${where}: an example of ${key} does not match: ${parsed.error.message}`);
      }
    }
  }
}

/**
 * Declares a WebSocket API's contract and checks it: each accepted message carries its route key
 * as a literal `action` (API Gateway selects the route on `$request.body.action`), each sent
 * message its key as a literal `type`, and every example parses. The route keys `$connect`,
 * `$disconnect` and `$default` are the gateway's own and are not messages.
 *
 * @example
 * ```ts
 * export const trackingContract = defineSocketContract({
 *   service: { name: 'tracking', team: 'tracking', subdomain: 'ws', version: '1.0.0', title: 'Tracking', description: '…' },
 *   accepts: { track: { schema: TrackRequest, summary: 'Follow an order', examples: [{ action: 'track', orderId }] } },
 *   sends: { status: { schema: StatusMessage, summary: 'Where the order is', examples: [...] } },
 * });
 * ```
 */
export function defineSocketContract<
  A extends Record<string, SocketMessage>,
  S extends Record<string, SocketMessage>,
>(contract: SocketContract<A, S>): SocketContract<A, S> {
  const where = `Socket contract ${contract.service.name}`;
  if (!/^[a-z][a-z0-9-]*$/.test(contract.service.subdomain)) {
    throw new Error(`${where}: subdomain must be one lower-case DNS label such as ws.`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(contract.service.version)) {
    throw new Error(`${where}: version must be semantic (1.0.0).`);
  }
  for (const key of Object.keys(contract.accepts)) {
    if (key.startsWith('$')) throw new Error(`${where}: ${key} is a gateway route, not a message.`);
  }
  checkMessages(where, contract.accepts, 'action');
  checkMessages(where, contract.sends, 'type');
  return contract;
}

/**
 * The JSON Schema of every message of a socket contract, keyed `accepts.<action>` and
 * `sends.<type>`: what a client generator or the breaking-change gate reads.
 *
 * @example
 * ```ts
 * socketJsonSchemas(trackingContract)['accepts.track']; // { type: 'object', … }
 * ```
 */
export function socketJsonSchemas(contract: SocketContract): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const [direction, messages] of [
    ['accepts', contract.accepts],
    ['sends', contract.sends],
  ] as const) {
    for (const [key, message] of Object.entries(messages)) {
      schemas[`${direction}.${key}`] = z.toJSONSchema(message.schema, {
        io: 'input',
        unrepresentable: 'any',
      });
    }
  }
  return schemas;
}
