import { SnsError } from './errors';
import type { PublishInput } from './messages';
import type { Sns } from './sns';

/** What a caller must be allowed, and how to answer once IAM allowed it. */
export interface OperationPlan {
  readonly permission: { readonly action: string; readonly resource: string };
  run(): Promise<unknown>;
}

type Body = Readonly<Record<string, unknown>>;

const MAX_BATCH = 10;
const MAX_BATCH_BYTES = 262_144;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

const publishInput = (body: Body): PublishInput => body;

/** A batch's entries, checked as SNS checks the batch itself (entry by entry comes after). */
function batchEntries(body: Body): ReadonlyArray<PublishInput & { readonly Id: string }> {
  const entries = body['PublishBatchRequestEntries'];
  if (!Array.isArray(entries) || entries.length === 0)
    throw new SnsError('EmptyBatchRequest', 'The batch request does not contain any entries.');
  if (entries.length > MAX_BATCH)
    throw new SnsError(
      'TooManyEntriesInBatchRequest',
      `The batch request contains more entries than permissible (${MAX_BATCH}).`,
    );
  const ids = new Set<string>();
  let bytes = 0;
  for (const entry of entries as Array<Record<string, unknown>>) {
    const id = entry['Id'];
    if (typeof id !== 'string' || !ENTRY_ID.test(id))
      throw new SnsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    if (ids.has(id))
      throw new SnsError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
      );
    ids.add(id);
    bytes += Buffer.byteLength(JSON.stringify(entry));
  }
  if (bytes > MAX_BATCH_BYTES)
    throw new SnsError(
      'BatchRequestTooLong',
      'The length of all the messages put together is more than the limit.',
    );
  return entries as Array<PublishInput & { Id: string }>;
}

/** Each entry published on its own; an entry SNS refuses is a `Failed` entry, the others go on. */
async function publishBatch(sns: Sns, topicArn: string, body: Body): Promise<unknown> {
  const entries = batchEntries(body);
  const Successful: Array<{ Id: string; MessageId: string }> = [];
  const Failed: Array<{ Id: string; Code: string; Message: string; SenderFault: boolean }> = [];
  for (const entry of entries) {
    try {
      const { MessageId } = await sns.publish({ ...entry, TopicArn: topicArn });
      Successful.push({ Id: entry.Id, MessageId });
    } catch (error) {
      if (!(error instanceof SnsError)) throw error;
      Failed.push({ Id: entry.Id, Code: error.code, Message: error.message, SenderFault: true });
    }
  }
  return { Successful, Failed };
}

const PLANS: Record<string, (sns: Sns, body: Body) => OperationPlan> = {
  Publish: (sns, body) => {
    const input = publishInput(body);
    const topicArn = sns.topicOf(input);
    return {
      permission: { action: 'sns:Publish', resource: topicArn },
      run: () => sns.publish(input),
    };
  },
  PublishBatch: (sns, body) => {
    const topicArn = sns.topicOf({ TopicArn: typeof body['TopicArn'] === 'string' ? body['TopicArn'] : '' });
    // PublishBatch is authorized as sns:Publish on the topic, as AWS documents.
    return {
      permission: { action: 'sns:Publish', resource: topicArn },
      run: () => publishBatch(sns, topicArn, body),
    };
  },
};

/** The SNS API operations the local cloud serves. */
export const OPERATIONS = Object.keys(PLANS);

/**
 * Plans one SNS API call (the operation and its input): the permission IAM must grant the caller
 * and the answer to give once it does. An unknown operation, a missing or unknown topic is a
 * {@link SnsError} before any permission is asked.
 *
 * @example
 * ```ts
 * const plan = planOperation(sns, 'Publish', { TopicArn, Message: 'hi' });
 * // plan.permission: { action: 'sns:Publish', resource: TopicArn }
 * await plan.run(); // { MessageId }
 * ```
 */
export function planOperation(sns: Sns, operation: string, input: unknown): OperationPlan {
  const plan = PLANS[operation];
  if (!plan)
    throw new SnsError(
      'InvalidParameter',
      `The local SNS serves ${OPERATIONS.join(', ')}; not ${operation}.`,
    );
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new SnsError('InvalidParameter', 'The request body must be an object.');
  return plan(sns, input as Body);
}
