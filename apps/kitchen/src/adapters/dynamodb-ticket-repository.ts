import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@slice/contract';
import { Ticket } from '@slice/contracts-kitchen';
import { Order } from '@slice/contracts-orders';
import { key, mapErrors, putNew, queryPage, type CursorCodecSource } from '@slice/dynamodb';
import * as z from 'zod/mini';
import type { KitchenSummary, Page, PageQuery, TicketRepository } from '../domain/ports';
import { localDate } from '../domain/use-cases';
import type { CancelReason, TicketRecord } from '../domain/ticket';

/**
 * The kitchen table's key design (see the README):
 *
 * | item | pk | sk | gsi1pk (the queue, sparse) | gsi1sk | gsi2pk (by local day) | gsi2sk |
 * |---|---|---|---|---|---|---|
 * | ticket | `TICKET#<id>` | `TICKET` | `QUEUE` while QUEUED or BAKING | `<placedAt>#<id>` | `DAY#<YYYY-MM-DD>` | `<placedAt>#<id>` |
 * | day summary | `SUMMARY#<YYYY-MM-DD>` | `SUMMARY` | | | | |
 *
 * A ticket leaves the queue index when it is READY, CANCELLED or FAILED (its `gsi1pk` is removed),
 * so the queue is one query in cooking order, however many tickets the kitchen ever had.
 */
export const ticketKeys = {
  ticket: (id: string) => ({ pk: key('TICKET', id), sk: 'TICKET' }),
  summary: (date: string) => ({ pk: key('SUMMARY', date), sk: 'SUMMARY' }),
  queue: { index: 'gsi1', pk: 'QUEUE' },
  byDay: { index: 'gsi2', pk: (date: string) => key('DAY', date) },
  cookingOrder: (ticket: Pick<TicketRecord, 'placedAt' | 'id'>) => `${ticket.placedAt}#${ticket.id}`,
};

/**
 * The stored item of a ticket: its keys, the ticket and its index keys. Pure, so the backfill from
 * the monolith writes exactly what the workflow's accept step writes.
 */
export const ticketRow = (ticket: TicketRecord, timeZone: string): Record<string, unknown> => ({
  ...ticketKeys.ticket(ticket.id),
  ...ticket,
  ...(ticket.status === 'QUEUED' || ticket.status === 'BAKING'
    ? { gsi1pk: ticketKeys.queue.pk, gsi1sk: ticketKeys.cookingOrder(ticket) }
    : {}),
  gsi2pk: ticketKeys.byDay.pk(localDate(new Date(ticket.placedAt), timeZone)),
  gsi2sk: ticketKeys.cookingOrder(ticket),
});

const StoredTicket = z.extend(z.omit(Ticket, { workflow: true }), {
  order: Order,
  correlationId: z.string(),
  causationId: z.optional(z.string()),
  taskToken: z.optional(z.string()),
  cancelReason: z.optional(z.enum(['ORDER_CANCELLED', 'STAFF'])),
  overdueAnnouncedAt: z.optional(z.string()),
});

/** Reads a ticket back out of a stored item: only its own fields, checked. */
export function ticketOfRow(row: Record<string, unknown>): TicketRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _q, gsi1sk: _qs, gsi2pk: _d, gsi2sk: _ds, ...fields } = row;
  return StoredTicket.parse(fields);
}

/** An update that holds only under its condition: the item as it was, or `undefined`. */
async function updateIf(
  client: DynamoDBDocumentClient,
  input: UpdateCommandInput,
): Promise<Record<string, unknown> | undefined> {
  try {
    const { Attributes } = await mapErrors(() =>
      client.send(new UpdateCommand({ ...input, ReturnValues: 'ALL_OLD' })),
    );
    return Attributes;
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
}

/** Every item of a query, page after page (bounded: a day's tickets, the waiting tickets). */
async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const output = await mapErrors(() =>
      client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Options of {@link dynamoTicketRepository}. */
export interface TicketRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly cursors: CursorCodecSource;
  /** The store's time zone: which local day a ticket belongs to. */
  readonly timeZone: string;
}

/**
 * The Kitchen DynamoDB repository: puts that never overwrite, conditional status changes, the
 * queue and the day from two indexes (never a scan).
 */
export function dynamoTicketRepository(options: TicketRepositoryOptions): TicketRepository {
  return {
    get: (ticketId) => getTicket(options, ticketId),
    open: (ticket) => openTicket(options, ticket),
    awaitCook: (ticketId, taskToken) => awaitCook(options, ticketId, taskToken),
    start: (ticketId, at) => startTicket(options, ticketId, at),
    unstart: (ticketId) => unstartTicket(options, ticketId),
    cancel: (ticketId, at, reason) => cancelTicket(options, ticketId, at, reason),
    cancelUnopened: (ticket, at, reason) => cancelUnopened(options, ticket, at, reason),
    queue: (page) => queuePage(options, page),
    waitingSince: (placedBefore) => waitingSince(options, placedBefore),
    announceOverdue: (ticketId, at) => announceOverdue(options, ticketId, at),
    placedOn: (date) => placedOn(options, date),
    putSummary: (summary) => putSummary(options, summary),
  };
}

/** The table each step of the repository reads and writes. */
type TicketTable = Pick<TicketRepositoryOptions, 'client' | 'tableName'>;

const status = { '#status': 'status' };

async function getTicket({ client, tableName }: TicketTable, ticketId: string) {
  const { Item } = await mapErrors(() =>
    client.send(
      new GetCommand({ TableName: tableName, Key: ticketKeys.ticket(ticketId), ConsistentRead: true }),
    ),
  );
  return Item ? ticketOfRow(Item) : undefined;
}

/** A status change of one ticket under its condition: the ticket as it was, or `undefined`. */
function transition(
  { client, tableName }: TicketTable,
  ticketId: string,
  update: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
): Promise<TicketRecord | undefined> {
  return updateIf(client, { TableName: tableName, Key: ticketKeys.ticket(ticketId), ...update }).then(
    (row) => (row ? ticketOfRow(row) : undefined),
  );
}

async function openTicket(options: TicketRepositoryOptions, ticket: TicketRecord): Promise<TicketRecord> {
  try {
    await putNew(options.client, { TableName: options.tableName, Item: ticketRow(ticket, options.timeZone) });
    return ticket;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const stored = await getTicket(options, ticket.id);
    if (!stored) throw error;
    return stored;
  }
}

async function awaitCook(table: TicketTable, ticketId: string, taskToken: string) {
  const before = await transition(table, ticketId, {
    ConditionExpression: '#status = :queued',
    UpdateExpression: 'SET taskToken = :token',
    ExpressionAttributeNames: status,
    ExpressionAttributeValues: { ':queued': 'QUEUED', ':token': taskToken },
  });
  return before ? { ...before, taskToken } : undefined;
}

function startTicket(table: TicketTable, ticketId: string, at: string) {
  return transition(table, ticketId, {
    ConditionExpression: '#status = :queued',
    UpdateExpression: 'SET #status = :baking, startedAt = :at REMOVE taskToken',
    ExpressionAttributeNames: status,
    ExpressionAttributeValues: { ':queued': 'QUEUED', ':baking': 'BAKING', ':at': at },
  });
}

async function unstartTicket(table: TicketTable, ticketId: string): Promise<void> {
  await transition(table, ticketId, {
    ConditionExpression: '#status = :baking',
    UpdateExpression: 'SET #status = :queued REMOVE startedAt',
    ExpressionAttributeNames: status,
    ExpressionAttributeValues: { ':queued': 'QUEUED', ':baking': 'BAKING' },
  });
}

function cancelTicket(table: TicketTable, ticketId: string, at: string, reason: CancelReason) {
  return transition(table, ticketId, {
    ConditionExpression: '#status IN (:queued, :baking)',
    UpdateExpression:
      'SET #status = :cancelled, cancelledAt = :at, cancelReason = :reason REMOVE taskToken, gsi1pk, gsi1sk',
    ExpressionAttributeNames: status,
    ExpressionAttributeValues: {
      ':queued': 'QUEUED',
      ':baking': 'BAKING',
      ':cancelled': 'CANCELLED',
      ':at': at,
      ':reason': reason,
    },
  });
}

async function cancelUnopened(
  options: TicketRepositoryOptions,
  ticket: TicketRecord,
  at: string,
  reason: CancelReason,
): Promise<void> {
  try {
    await putNew(options.client, {
      TableName: options.tableName,
      Item: ticketRow(
        { ...ticket, status: 'CANCELLED', cancelledAt: at, cancelReason: reason },
        options.timeZone,
      ),
    });
  } catch (error) {
    // The ticket was opened meanwhile (or this is a redelivery): the caller retries the cancel.
    if (!(error instanceof ConflictError)) throw error;
    const stored = await getTicket(options, ticket.id);
    if (stored?.status === 'QUEUED' || stored?.status === 'BAKING') throw error;
  }
}

async function queuePage(
  { client, tableName, cursors }: TicketRepositoryOptions,
  { limit, cursor }: PageQuery,
): Promise<Page<TicketRecord>> {
  const result = await queryPage(
    client,
    {
      TableName: tableName,
      IndexName: ticketKeys.queue.index,
      KeyConditionExpression: 'gsi1pk = :queue',
      ExpressionAttributeValues: { ':queue': ticketKeys.queue.pk },
      ScanIndexForward: true,
    },
    {
      limit,
      cursor,
      codec: cursors,
      scope: 'kitchen:queue',
      keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    },
  );
  return {
    items: result.items.map(ticketOfRow),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  };
}

async function waitingSince(
  { client, tableName }: TicketTable,
  placedBefore: string,
): Promise<TicketRecord[]> {
  const rows = await queryAll(client, {
    TableName: tableName,
    IndexName: ticketKeys.queue.index,
    KeyConditionExpression: 'gsi1pk = :queue',
    FilterExpression: '#status = :queued AND (placedAt < :before OR overdue = :true)',
    ExpressionAttributeNames: status,
    ExpressionAttributeValues: {
      ':queue': ticketKeys.queue.pk,
      ':queued': 'QUEUED',
      ':before': placedBefore,
      ':true': true,
    },
  });
  return rows.map(ticketOfRow);
}

async function announceOverdue(
  { client, tableName }: TicketTable,
  ticketId: string,
  at: string,
): Promise<boolean> {
  const before = await updateIf(client, {
    TableName: tableName,
    Key: ticketKeys.ticket(ticketId),
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(overdueAnnouncedAt)',
    UpdateExpression: 'SET overdueAnnouncedAt = :at, overdue = :true',
    ExpressionAttributeValues: { ':at': at, ':true': true },
  });
  return before !== undefined;
}

async function placedOn({ client, tableName }: TicketTable, date: string): Promise<TicketRecord[]> {
  const rows = await queryAll(client, {
    TableName: tableName,
    IndexName: ticketKeys.byDay.index,
    KeyConditionExpression: 'gsi2pk = :day',
    ExpressionAttributeValues: { ':day': ticketKeys.byDay.pk(date) },
  });
  return rows.map(ticketOfRow);
}

async function putSummary({ client, tableName }: TicketTable, summary: KitchenSummary): Promise<void> {
  await mapErrors(() =>
    client.send(
      new PutCommand({ TableName: tableName, Item: { ...ticketKeys.summary(summary.date), ...summary } }),
    ),
  );
}
