import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { defineMapping, fromLegacy, LegacyRowRejected, type Row } from '../src';

const stringKey = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
const index = (name: string) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `${name}PK`, KeyType: 'HASH' as const },
    { AttributeName: `${name}SK`, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

/** The monolith's single table, as the legacy table design fixes it (PK/SK, GSI1, GSI2). */
export const legacyTable = (TableName: string): CreateTableCommandInput => ({
  TableName,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map(stringKey),
  GlobalSecondaryIndexes: [index('GSI1'), index('GSI2')],
});

/** A service table: pk/sk. */
export const serviceTable = (TableName: string): CreateTableCommandInput => ({
  TableName,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: ['pk', 'sk'].map(stringKey),
});

/** A legacy `THING` row; every `invalidEvery`-th one has a negative amount, which the mapping rejects. */
export const thing = (n: number, invalidEvery: number): Row => ({
  PK: `THING#${String(n).padStart(5, '0')}`,
  SK: 'THING',
  entity: 'THING',
  thingId: String(n).padStart(5, '0'),
  amountCents: n % invalidEvery === 0 ? -1 : n * 10,
  GSI1PK: 'THINGS',
  GSI1SK: String(n).padStart(5, '0'),
});

const LegacyThing = z.object({
  entity: z.literal('THING'),
  thingId: z.string().regex(/^\d{5}$/),
  amountCents: z.number().int().min(0),
  note: z.string().optional(),
});

/** What the test mapping makes of a valid row. */
export const thingItem = (row: { thingId: string; amountCents: number; note?: string }): Row => ({
  pk: `THING#${row.thingId}`,
  sk: 'THING',
  id: row.thingId,
  amount: { amount: row.amountCents, currency: 'EUR' },
  ...(row.note === undefined ? {} : { note: row.note }),
});

/** A Scan mapping for THING rows (other entities in the table are filtered out). */
export const thingsByScan = defineMapping({
  service: 'things',
  description: 'THING rows → things',
  source: {
    kind: 'scan',
    filter: '#entity = :entity',
    names: { '#entity': 'entity' },
    values: { ':entity': 'THING' },
  },
  sourceKey: ['PK', 'SK'],
  targetKey: ['pk', 'sk'],
  map: fromLegacy(LegacyThing, (row) => {
    if (row.note === 'refuse') throw new LegacyRowRejected('note: refused on purpose.');
    return [thingItem(row)];
  }),
});

/** The same mapping reading the `THINGS` partition of GSI1 with a Query. */
export const thingsByQuery = defineMapping({
  ...thingsByScan,
  source: {
    kind: 'query',
    indexName: 'GSI1',
    keyCondition: 'GSI1PK = :things',
    values: { ':things': 'THINGS' },
  },
});

/** Writes rows 25 at a time. */
export async function seed(
  client: DynamoDBDocumentClient,
  TableName: string,
  rows: readonly Row[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 25) {
    let requests: BatchWriteCommandInput['RequestItems'] = {
      [TableName]: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (requests && Object.keys(requests).length > 0) {
      const answer: BatchWriteCommandOutput = await client.send(
        new BatchWriteCommand({ RequestItems: requests }),
      );
      requests = answer.UnprocessedItems;
    }
  }
}

/** Every item of a table, sorted by key. */
export async function scanAll(client: DynamoDBDocumentClient, TableName: string): Promise<Row[]> {
  const items: Row[] = [];
  let ExclusiveStartKey: Row | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as Row[]));
    ExclusiveStartKey = page.LastEvaluatedKey as Row | undefined;
  } while (ExclusiveStartKey);
  return items.sort((a, b) => String(a.pk ?? a.PK).localeCompare(String(b.pk ?? b.PK)));
}

/** The lines of a JSON-lines report. */
export async function reportOf(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A fresh directory for a test's checkpoint and report. */
export const workDir = (): string => mkdtempSync(join(tmpdir(), 'slice-migration-'));
