// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- dynalite ships no types; the reference brings its declaration into every program that compiles this file, including other projects' through the @slice/emulation path alias.
/// <reference path="./dynalite.d.ts" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What {@link startDynalite} starts. */
export interface StartDynaliteOptions {
  /** The region the clients sign for. @default 'us-east-1' */
  readonly region?: string;
  /** A LevelDB directory to keep the data in. @default in memory */
  readonly path?: string;
}

/** A running dynalite and clients pointed at it. */
export interface Dynalite {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /**
   * dynalite's own request listener, the one its server calls: code in this process may hand it a
   * request without an HTTP round trip (the local cloud's endpoint does). It reads the request's
   * `method`, `url`, `headers` and its `data`/`end` events, and answers through `statusCode`,
   * `setHeader` and `end`.
   */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  readonly client: DynamoDBClient;
  /** A document client over `client`, with the SDK's default marshalling. */
  readonly documentClient: DynamoDBDocumentClient;
  /**
   * The environment that points code under test at this dynalite through the SDK's own settings
   * (`AWS_ENDPOINT_URL_DYNAMODB`, region, dummy credentials). Assign it to `process.env` before
   * importing a handler that creates its client at module load.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Destroys the clients and stops the server, dropping an in-memory database. */
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts an in-memory dynalite on 127.0.0.1 and a free port, with tables ACTIVE as soon as they
 * are created, and returns clients pointed at it. Start one per test file and stop it after.
 *
 * @example
 * ```ts
 * let db: Dynalite;
 * beforeAll(async () => {
 *   db = await startDynalite();
 *   await createTable(db.client, tableInputFromTemplate(template, 'OrdersTable', 'orders'));
 * });
 * afterAll(() => db.stop());
 * ```
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<Dynalite> {
  // Loaded on demand, so importing the lib (or the testing kit that re-exports it) does not load LevelDB.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const [handle] = server.listeners('request') as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  if (!handle) throw new Error('dynalite started without a request listener.');
  const endpoint = `http://127.0.0.1:${port}`;
  const region = options.region ?? 'us-east-1';
  const client = new DynamoDBClient({ endpoint, region, credentials });
  const documentClient = DynamoDBDocumentClient.from(client);
  return {
    endpoint,
    handle,
    client,
    documentClient,
    env: {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    stop: async () => {
      documentClient.destroy();
      client.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of clients other than ours would otherwise hold the server open.
        server.closeAllConnections();
      });
    },
  };
}

/** How long {@link createTable} waits for the table to become ACTIVE. */
export interface CreateTableOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * Creates a table and waits until it is ACTIVE; answers its description.
 *
 * @example
 * ```ts
 * const table = await createTable(db.client, tableInputFromTemplate(template, 'OrdersTable', 'orders'));
 * table.TableStatus; // 'ACTIVE'
 * ```
 */
export async function createTable(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
  options: CreateTableOptions = {},
): Promise<TableDescription> {
  await client.send(new CreateTableCommand(input));
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table?.TableStatus === 'ACTIVE') return Table;
    if (Date.now() > deadline) {
      throw new Error(
        `Table ${input.TableName} is still ${Table?.TableStatus ?? 'missing'} after ${options.timeoutMs ?? 10_000} ms.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
