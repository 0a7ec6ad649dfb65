import { type Clock, RealClock } from '../../clock';
import { AwsError } from '../../endpoint/errors';
import { isRecord } from '../../json';
import type { RequiredPermission } from '../service';
import {
  type LocalQueue,
  MAX_MESSAGE_BYTES,
  type MessageAttributeValue,
  type QueueStore,
  type ReceivedMessage,
  numberOf,
} from './sqs';

/** SQS's limit on a visibility timeout: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

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

/** Waits until `queue` may have a visible message, or `ms` passed on the clock. */
function waitForMessages(queue: LocalQueue, ms: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const next = queue.nextVisibleAt();
    const wait = Math.min(ms, next === undefined ? ms : Math.max(0, next - clock.now()));
    const done = () => {
      timer.cancel();
      unsubscribe();
      resolve();
    };
    // The clock's timers do not keep the process alive once the endpoint has stopped.
    const timer = clock.after(wait, done);
    const unsubscribe = queue.subscribe(done);
  });
}

/** What an SQS operation reads. */
interface SqsRequest {
  readonly payload: Record<string, unknown>;
  readonly queues: QueueStore;
  readonly senderId: string;
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
}

const on = (action: string, queue: LocalQueue): RequiredPermission[] => [
  { action: `sqs:${action}`, resources: [queue.arn] },
];

function getQueueUrl({ payload, queues, region, accountId }: SqsRequest): SqsCall {
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

function getQueueAttributes({ payload, queues }: SqsRequest): SqsCall {
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

function sendMessage({ payload, queues, senderId }: SqsRequest): SqsCall {
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

function sendMessageBatch({ payload, queues, senderId }: SqsRequest): SqsCall {
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

function receiveMessage({ payload, queues, clock }: SqsRequest): SqsCall {
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
      const deadline = clock.now() + waitSeconds * 1000;
      let received = queue.receive(max, visibility);
      while (received.length === 0 && clock.now() < deadline) {
        await waitForMessages(queue, deadline - clock.now(), clock);
        received = queue.receive(max, visibility);
      }
      return { Messages: received.map(receivedMessageJson) };
    },
  };
}

function deleteMessage({ payload, queues }: SqsRequest): SqsCall {
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

function deleteMessageBatch({ payload, queues }: SqsRequest): SqsCall {
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

function changeMessageVisibility({ payload, queues }: SqsRequest): SqsCall {
  const queue = queueOf(payload, queues);
  return {
    permissions: on('ChangeMessageVisibility', queue),
    answer: () => {
      const seconds = visibilitySeconds(payload.VisibilityTimeout);
      if (seconds === undefined || typeof payload.ReceiptHandle !== 'string') {
        throw sqsError('MissingParameter', 'The request must contain ReceiptHandle and VisibilityTimeout.');
      }
      queue.changeVisibility(payload.ReceiptHandle, seconds);
      return Promise.resolve({});
    },
  };
}

/** The SQS operations the local cloud serves, by name. */
const operations: Readonly<Record<string, (request: SqsRequest) => SqsCall>> = {
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
};

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
  clock: Clock = new RealClock(),
): SqsCall {
  const serve = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
  if (!serve) throw sqsError('UnsupportedOperation', `The local cloud does not implement SQS ${operation}.`);
  return serve({ payload, queues, senderId, region, accountId, clock });
}
