import { createHash, randomUUID } from 'node:crypto';
import type { QueueSpec } from '../../assembly/types';
import type { RequiredPermission } from '../service';
import { AwsError } from '../../endpoint/errors';

/** SQS's default limit on a message (a queue's `MaximumMessageSize`) and on a batch, in bytes. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** SQS's limit on a visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** A message attribute, as `SendMessage` takes it. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64, as the JSON protocol carries blobs. */
  readonly BinaryValue?: string;
}

/** A message as a queue keeps it. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  /** Epoch milliseconds. */
  readonly sentAt: number;
  /** Who sent it: a function's role, `events.amazonaws.com`, `lambda.amazonaws.com`. */
  readonly senderId: string;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Epoch milliseconds from which it may be received (delay or visibility timeout). */
  visibleAt: number;
  /** The handle of its latest receive; only that one deletes it or changes its visibility. */
  receiptHandle?: string;
}

/** A received message: the message and the handle to delete it with. */
export interface ReceivedMessage {
  readonly message: QueueMessage;
  readonly receiptHandle: string;
}

/** One queue of the local cloud. */
export interface LocalQueue {
  readonly name: string;
  readonly arn: string;
  /** The queue URL of the template (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
  readonly url: string;
  readonly visibilityTimeoutSeconds: number;
  readonly delaySeconds: number;
  /** The queue's `MaximumMessageSize`: the largest message (body and attributes) it takes, in bytes. */
  readonly maximumMessageBytes: number;
  /** From the `RedrivePolicy`: after this many receives a message moves to {@link deadLetterTargetArn}. */
  readonly maxReceiveCount?: number;
  readonly deadLetterTargetArn?: string;
  /** Enqueues a message; the answer carries what `SendMessage` answers. */
  send(input: {
    body: string;
    senderId: string;
    delaySeconds?: number;
    messageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
    /** Kept when SQS moves a message to its dead-letter queue. @default a new id */
    messageId?: string;
  }): QueueMessage;
  /**
   * Receives up to `max` visible messages, making them invisible for the visibility timeout. A
   * message already received `maxReceiveCount` times moves to the dead-letter queue instead.
   */
  receive(max: number, visibilityTimeoutSeconds?: number): ReceivedMessage[];
  /** Deletes the message of a receipt handle; `false` when the handle is unknown (already deleted, or never valid). */
  delete(receiptHandle: string): boolean;
  /** Sets the visibility timeout of an in-flight message, from now. */
  changeVisibility(receiptHandle: string, seconds: number): void;
  /** Visible messages, in-flight (received, not deleted, not yet visible again) and delayed ones. */
  counts(): { visible: number; inFlight: number; delayed: number };
  /** Every message, oldest first. */
  messages(): readonly QueueMessage[];
  /** Calls `listener` on every send; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Epoch milliseconds at which the next invisible message becomes visible, if any. */
  nextVisibleAt(): number | undefined;
}

/** The queues of the local cloud. */
export interface QueueStore {
  add(specs: readonly QueueSpec[]): void;
  byArn(arn: string): LocalQueue | undefined;
  /** By queue URL (any host: the template's or the local endpoint's) or by name. */
  byUrlOrName(reference: string): LocalQueue | undefined;
  all(): readonly LocalQueue[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/**
 * The MD5 of message attributes, as SQS computes it and the SDK checks it: for each attribute in
 * name order, the length-prefixed name, the length-prefixed data type, a transport byte (1 for
 * strings and numbers, 2 for binary) and the length-prefixed value.
 *
 * @example
 * ```ts
 * md5OfMessageAttributes({ kind: { DataType: 'String', StringValue: 'pizza' } }); // 32 hex digits
 * ```
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    parts.push(length, data);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name];
    if (!attribute) continue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return md5(Buffer.concat(parts));
}

const numberOf = (value: unknown): number | undefined => {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
};

function redrivePolicyOf(properties: Readonly<Record<string, unknown>>) {
  let policy: unknown = properties.RedrivePolicy;
  if (typeof policy === 'string') {
    try {
      policy = JSON.parse(policy);
    } catch {
      policy = undefined;
    }
  }
  if (!isRecord(policy) || typeof policy.deadLetterTargetArn !== 'string') return undefined;
  return {
    deadLetterTargetArn: policy.deadLetterTargetArn,
    maxReceiveCount: numberOf(policy.maxReceiveCount) ?? 10,
  };
}

function createQueue(spec: QueueSpec, store: QueueStore, now: () => number): LocalQueue {
  const messages: QueueMessage[] = [];
  const listeners = new Set<() => void>();
  const redrive = redrivePolicyOf(spec.properties);
  const visibilityTimeoutSeconds = numberOf(spec.properties.VisibilityTimeout) ?? 30;
  const delaySeconds = numberOf(spec.properties.DelaySeconds) ?? 0;
  const maximumMessageBytes = numberOf(spec.properties.MaximumMessageSize) ?? MAX_MESSAGE_BYTES;
  const byHandle = (receiptHandle: string) =>
    messages.find((message) => message.receiptHandle === receiptHandle);

  const queue: LocalQueue = {
    name: spec.queueName,
    arn: spec.arn,
    url: spec.url,
    visibilityTimeoutSeconds,
    delaySeconds,
    maximumMessageBytes,
    ...(redrive ?? {}),
    send({ body, senderId, delaySeconds: delay, messageAttributes = {}, messageId = randomUUID() }) {
      const sentAt = now();
      const hasAttributes = Object.keys(messageAttributes).length > 0;
      const message: QueueMessage = {
        messageId,
        body,
        md5OfBody: md5(body),
        messageAttributes,
        ...(hasAttributes ? { md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes) } : {}),
        sentAt,
        senderId,
        receiveCount: 0,
        visibleAt: sentAt + (delay ?? delaySeconds) * 1000,
      };
      messages.push(message);
      for (const listener of [...listeners]) listener();
      return message;
    },
    receive(max, visibility = visibilityTimeoutSeconds) {
      const at = now();
      const received: ReceivedMessage[] = [];
      for (const message of [...messages]) {
        if (received.length >= max) break;
        if (message.visibleAt > at) continue;
        const deadLetters = redrive && store.byArn(redrive.deadLetterTargetArn);
        if (redrive && deadLetters && message.receiveCount >= redrive.maxReceiveCount) {
          // SQS moves a message that has used up its receives instead of handing it out again.
          messages.splice(messages.indexOf(message), 1);
          deadLetters.send({
            messageId: message.messageId,
            body: message.body,
            senderId: message.senderId,
            delaySeconds: 0,
            messageAttributes: message.messageAttributes,
          });
          continue;
        }
        const receiptHandle = randomUUID();
        message.receiveCount += 1;
        message.firstReceivedAt ??= at;
        message.visibleAt = at + visibility * 1000;
        message.receiptHandle = receiptHandle;
        received.push({ message, receiptHandle });
      }
      return received;
    },
    delete(receiptHandle) {
      const message = byHandle(receiptHandle);
      if (!message) return false;
      messages.splice(messages.indexOf(message), 1);
      return true;
    },
    changeVisibility(receiptHandle, seconds) {
      const message = byHandle(receiptHandle);
      if (!message || message.visibleAt <= now()) {
        throw new AwsError(
          400,
          'com.amazonaws.sqs#MessageNotInflight',
          'Value for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.',
        );
      }
      message.visibleAt = now() + seconds * 1000;
    },
    counts() {
      const at = now();
      let visible = 0;
      let inFlight = 0;
      let delayed = 0;
      for (const message of messages) {
        if (message.visibleAt <= at) visible += 1;
        else if (message.receiveCount > 0) inFlight += 1;
        else delayed += 1;
      }
      return { visible, inFlight, delayed };
    },
    messages: () => [...messages],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nextVisibleAt() {
      const at = now();
      const pending = messages
        .filter((message) => message.visibleAt > at)
        .map((message) => message.visibleAt);
      return pending.length === 0 ? undefined : Math.min(...pending);
    },
  };
  return queue;
}

/**
 * The SQS queues of the local cloud, from the templates' `AWS::SQS::Queue`s: each with its
 * `VisibilityTimeout` (default 30 s), `DelaySeconds` and `RedrivePolicy` (a message received
 * `maxReceiveCount` times without being deleted moves to the dead-letter queue on its next
 * receive, as SQS does). Retention and FIFO ordering are not emulated; messages stay in memory.
 *
 * @example
 * ```ts
 * const queues = createQueueStore(model.queues);
 * const dlq = queues.byArn(mapping.destinationArn);
 * dlq?.send({ body: JSON.stringify(record), senderId: 'lambda.amazonaws.com' });
 * ```
 */
export function createQueueStore(specs: readonly QueueSpec[], now: () => number = Date.now): QueueStore {
  const queues = new Map<string, LocalQueue>();
  const store: QueueStore = {
    add(more) {
      for (const spec of more) if (!queues.has(spec.arn)) queues.set(spec.arn, createQueue(spec, store, now));
    },
    byArn: (arn) => queues.get(arn),
    byUrlOrName(reference) {
      const name = reference.slice(reference.lastIndexOf('/') + 1);
      const all = [...queues.values()];
      return all.find((queue) => queue.url === reference) ?? all.find((queue) => queue.name === name);
    },
    all: () => [...queues.values()],
  };
  store.add(specs);
  return store;
}

/** What one SQS API call needs: its IAM permissions, and the answer once allowed. */
export interface SqsCall {
  readonly permissions: readonly RequiredPermission[];
  answer(): Promise<unknown>;
}

const sqsError = (code: string, message: string) => new AwsError(400, `com.amazonaws.sqs#${code}`, message);

function queueOf(payload: Record<string, unknown>, queues: QueueStore): LocalQueue {
  const url = payload.QueueUrl;
  const queue = typeof url === 'string' ? queues.byUrlOrName(url) : undefined;
  if (!queue) throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.');
  return queue;
}

/** SQS's limit on the message attributes of one message. */
const MAX_MESSAGE_ATTRIBUTES = 10;

/** The message attributes of a request, checked as SQS checks them (a bad one is a 400, not a crash). */
function messageAttributesOf(value: unknown): Record<string, MessageAttributeValue> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw sqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  const entries = Object.entries(value);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw sqsError(
      'InvalidParameterValue',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  for (const [name, attribute] of entries) {
    const type = isRecord(attribute) ? attribute.DataType : undefined;
    if (typeof type !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw sqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const field = type.startsWith('Binary') ? 'BinaryValue' : 'StringValue';
    const data = (attribute as Record<string, unknown>)[field];
    if (typeof data !== 'string' || data.length === 0) {
      throw sqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' of type '${type}' must have a non-empty ${field}.`,
      );
    }
  }
  return value as Record<string, MessageAttributeValue>;
}

function messageInput(
  entry: Record<string, unknown>,
  maximumBytes: number,
): {
  body: string;
  delaySeconds?: number;
  messageAttributes?: Record<string, MessageAttributeValue>;
} {
  const body = entry.MessageBody;
  if (typeof body !== 'string' || body.length === 0) {
    throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  const attributes = messageAttributesOf(entry.MessageAttributes);
  const size =
    Buffer.byteLength(body) +
    Object.entries(attributes ?? {}).reduce(
      (total, [name, value]) =>
        total +
        Buffer.byteLength(name) +
        Buffer.byteLength(value.DataType) +
        Buffer.byteLength(value.StringValue ?? '') +
        Buffer.from(value.BinaryValue ?? '', 'base64').length,
      0,
    );
  if (size > maximumBytes) {
    throw sqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${maximumBytes} bytes.`,
    );
  }
  const delay = numberOf(entry.DelaySeconds);
  if (delay !== undefined && (delay < 0 || delay > 900)) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`,
    );
  }
  return {
    body,
    ...(delay === undefined ? {} : { delaySeconds: delay }),
    ...(attributes === undefined ? {} : { messageAttributes: attributes }),
  };
}

function batchEntries(
  payload: Record<string, unknown>,
  entryType: 'SendMessageBatchRequestEntry' | 'DeleteMessageBatchRequestEntry',
): Record<string, unknown>[] {
  const entries = payload.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw sqsError('EmptyBatchRequest', `There should be at least one ${entryType} in the request.`);
  }
  if (entries.length > 10) {
    throw sqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const typed = entries.map((entry): Record<string, unknown> => (isRecord(entry) ? entry : {}));
  const ids = typed.map((entry) => entry.Id);
  if (new Set(ids).size !== ids.length) {
    throw sqsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  }
  return typed;
}

function visibilitySeconds(value: unknown): number | undefined {
  const seconds = numberOf(value);
  if (seconds !== undefined && (seconds < 0 || seconds > MAX_VISIBILITY_SECONDS)) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`,
    );
  }
  return seconds;
}

/** A received message as `ReceiveMessage` answers it. */
function receivedMessageJson({ message, receiptHandle }: ReceivedMessage) {
  const hasAttributes = Object.keys(message.messageAttributes).length > 0;
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: {
      SenderId: message.senderId,
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    ...(hasAttributes
      ? {
          MessageAttributes: message.messageAttributes,
          MD5OfMessageAttributes: message.md5OfMessageAttributes,
        }
      : {}),
  };
}

/** Waits until `queue` may have a visible message, or `ms` passed. */
function waitForMessages(queue: LocalQueue, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const next = queue.nextVisibleAt();
    const wait = Math.min(ms, next === undefined ? ms : Math.max(0, next - Date.now()));
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    // A long poll must not keep the process alive once the endpoint has stopped.
    const timer = setTimeout(done, wait).unref();
    const unsubscribe = queue.subscribe(done);
  });
}

/**
 * One call of the SQS API (JSON protocol, `AmazonSQS.<Operation>`): `SendMessage`,
 * `SendMessageBatch`, `ReceiveMessage` (with `WaitTimeSeconds` long polling), `DeleteMessage`,
 * `DeleteMessageBatch`, `ChangeMessageVisibility`, `GetQueueUrl` and `GetQueueAttributes`, with
 * SQS's limits (256 KB per message, 10 entries per batch, 1–10 messages per receive) and errors
 * (`QueueDoesNotExist`, `ReceiptHandleIsInvalid`, `MessageNotInflight`, …). The IAM action of each
 * is `sqs:<Operation>` on the queue ARN (the batch operations need `sqs:SendMessage` and
 * `sqs:DeleteMessage`).
 *
 * @example
 * ```ts
 * const call = sqsCall('SendMessage', { QueueUrl: url, MessageBody: 'hi' }, queues, senderId, region, accountId);
 * authorize(caller, 'sqs', call.permissions);
 * const answer = await call.answer(); // { MessageId, MD5OfMessageBody }
 * ```
 */
export function sqsCall(
  operation: string,
  payload: Record<string, unknown>,
  queues: QueueStore,
  senderId: string,
  region: string,
  accountId: string,
): SqsCall {
  const on = (action: string, queue: LocalQueue): RequiredPermission[] => [
    { action: `sqs:${action}`, resources: [queue.arn] },
  ];
  switch (operation) {
    case 'GetQueueUrl': {
      const name = typeof payload.QueueName === 'string' ? payload.QueueName : '';
      const queue = queues.all().find((candidate) => candidate.name === name);
      return {
        permissions: [
          {
            action: 'sqs:GetQueueUrl',
            resources: [queue?.arn ?? `arn:aws:sqs:${region}:${accountId}:${name}`],
          },
        ],
        answer: () => {
          if (!queue) throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.');
          return Promise.resolve({ QueueUrl: queue.url });
        },
      };
    }
    case 'GetQueueAttributes': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('GetQueueAttributes', queue),
        answer: () => {
          const counts = queue.counts();
          const all: Record<string, string> = {
            QueueArn: queue.arn,
            ApproximateNumberOfMessages: String(counts.visible),
            ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
            ApproximateNumberOfMessagesDelayed: String(counts.delayed),
            VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
            DelaySeconds: String(queue.delaySeconds),
            MaximumMessageSize: String(queue.maximumMessageBytes),
            ...(queue.deadLetterTargetArn === undefined
              ? {}
              : {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: queue.deadLetterTargetArn,
                    maxReceiveCount: queue.maxReceiveCount,
                  }),
                }),
          };
          const wanted = Array.isArray(payload.AttributeNames) ? payload.AttributeNames.map(String) : [];
          const picked = wanted.includes('All')
            ? all
            : Object.fromEntries(Object.entries(all).filter(([name]) => wanted.includes(name)));
          return Promise.resolve({ Attributes: picked });
        },
      };
    }
    case 'SendMessage': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('SendMessage', queue),
        answer: () => {
          const message = queue.send({ ...messageInput(payload, queue.maximumMessageBytes), senderId });
          return Promise.resolve({
            MessageId: message.messageId,
            MD5OfMessageBody: message.md5OfBody,
            ...(message.md5OfMessageAttributes === undefined
              ? {}
              : { MD5OfMessageAttributes: message.md5OfMessageAttributes }),
          });
        },
      };
    }
    case 'SendMessageBatch': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('SendMessage', queue),
        answer: () => {
          const entries = batchEntries(payload, 'SendMessageBatchRequestEntry');
          const total = entries.reduce(
            (sum, entry) =>
              sum + (typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0),
            0,
          );
          const limit = Math.max(MAX_MESSAGE_BYTES, queue.maximumMessageBytes);
          if (total > limit) {
            throw sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes.`);
          }
          const Successful: unknown[] = [];
          const Failed: unknown[] = [];
          for (const entry of entries) {
            try {
              const message = queue.send({ ...messageInput(entry, queue.maximumMessageBytes), senderId });
              Successful.push({
                Id: entry.Id,
                MessageId: message.messageId,
                MD5OfMessageBody: message.md5OfBody,
              });
            } catch (error) {
              if (!(error instanceof AwsError)) throw error;
              Failed.push({
                Id: entry.Id,
                SenderFault: true,
                Code: error.type.slice(error.type.indexOf('#') + 1),
                Message: error.message,
              });
            }
          }
          return Promise.resolve({ Successful, Failed });
        },
      };
    }
    case 'ReceiveMessage': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('ReceiveMessage', queue),
        answer: async () => {
          const max = numberOf(payload.MaxNumberOfMessages) ?? 1;
          if (max < 1 || max > 10) {
            throw sqsError(
              'InvalidParameterValue',
              `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
            );
          }
          const visibility = visibilitySeconds(payload.VisibilityTimeout);
          const waitSeconds = numberOf(payload.WaitTimeSeconds) ?? 0;
          if (waitSeconds < 0 || waitSeconds > 20) {
            throw sqsError(
              'InvalidParameterValue',
              `Value ${waitSeconds} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
            );
          }
          const deadline = Date.now() + waitSeconds * 1000;
          let received = queue.receive(max, visibility);
          while (received.length === 0 && Date.now() < deadline) {
            await waitForMessages(queue, deadline - Date.now());
            received = queue.receive(max, visibility);
          }
          return { Messages: received.map(receivedMessageJson) };
        },
      };
    }
    case 'DeleteMessage': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('DeleteMessage', queue),
        answer: () => {
          if (typeof payload.ReceiptHandle !== 'string' || payload.ReceiptHandle.length === 0) {
            throw sqsError('ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
          }
          // SQS accepts the handle of a message already deleted; the local cloud does too.
          queue.delete(payload.ReceiptHandle);
          return Promise.resolve({});
        },
      };
    }
    case 'DeleteMessageBatch': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('DeleteMessage', queue),
        answer: () => {
          const entries = batchEntries(payload, 'DeleteMessageBatchRequestEntry');
          const Successful: unknown[] = [];
          const Failed: unknown[] = [];
          for (const entry of entries) {
            if (typeof entry.ReceiptHandle === 'string' && entry.ReceiptHandle.length > 0) {
              queue.delete(entry.ReceiptHandle);
              Successful.push({ Id: entry.Id });
            } else {
              Failed.push({
                Id: entry.Id,
                SenderFault: true,
                Code: 'ReceiptHandleIsInvalid',
                Message: 'The input receipt handle is invalid.',
              });
            }
          }
          return Promise.resolve({ Successful, Failed });
        },
      };
    }
    case 'ChangeMessageVisibility': {
      const queue = queueOf(payload, queues);
      return {
        permissions: on('ChangeMessageVisibility', queue),
        answer: () => {
          const seconds = visibilitySeconds(payload.VisibilityTimeout);
          if (seconds === undefined || typeof payload.ReceiptHandle !== 'string') {
            throw sqsError(
              'MissingParameter',
              'The request must contain ReceiptHandle and VisibilityTimeout.',
            );
          }
          queue.changeVisibility(payload.ReceiptHandle, seconds);
          return Promise.resolve({});
        },
      };
    }
    default:
      throw sqsError('UnsupportedOperation', `The local cloud does not implement SQS ${operation}.`);
  }
}
