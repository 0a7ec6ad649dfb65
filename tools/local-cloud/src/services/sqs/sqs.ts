import { createHash, randomUUID } from 'node:crypto';
import type { QueueSpec } from '../../model';
import { isRecord } from '../../json';
import { AwsError } from '../../endpoint/errors';
import type { QueueJournal } from '../../persistence/state';

/** SQS's default limit on a message (a queue's `MaximumMessageSize`) and on a batch, in bytes. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

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

/** A number, or a number's string, as SQS's JSON protocol carries both. */
export const numberOf = (value: unknown): number | undefined => {
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

/** What one queue's operations share: its spec, its messages and who listens for sends. */
interface QueueState {
  readonly spec: QueueSpec;
  readonly store: QueueStore;
  readonly now: () => number;
  readonly journal: QueueJournal | undefined;
  readonly messages: QueueMessage[];
  readonly listeners: Set<() => void>;
  readonly redrive: ReturnType<typeof redrivePolicyOf>;
  readonly visibilityTimeoutSeconds: number;
  readonly delaySeconds: number;
}

type SendInput = Parameters<LocalQueue['send']>[0];

/** Enqueues a message, visible after its delay (the message's, else the queue's). */
function sendMessage(state: QueueState, input: SendInput): QueueMessage {
  const { body, senderId, delaySeconds: delay, messageAttributes = {}, messageId = randomUUID() } = input;
  const sentAt = state.now();
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
    visibleAt: sentAt + (delay ?? state.delaySeconds) * 1000,
  };
  state.journal?.saved(state.spec.arn, [message]);
  state.messages.push(message);
  for (const listener of [...state.listeners]) listener();
  return message;
}

/** SQS moves a message that has used up its receives instead of handing it out again; `true` when it moved. */
function redriven(state: QueueState, message: QueueMessage): boolean {
  const { redrive } = state;
  const deadLetters = redrive && state.store.byArn(redrive.deadLetterTargetArn);
  if (!redrive || !deadLetters || message.receiveCount < redrive.maxReceiveCount) return false;
  state.messages.splice(state.messages.indexOf(message), 1);
  deadLetters.send({
    messageId: message.messageId,
    body: message.body,
    senderId: message.senderId,
    delaySeconds: 0,
    messageAttributes: message.messageAttributes,
  });
  state.journal?.deleted(state.spec.arn, message.messageId);
  return true;
}

/** Up to `max` visible messages, each invisible for `visibility` seconds from now. */
function receiveMessages(state: QueueState, max: number, visibility: number): ReceivedMessage[] {
  const at = state.now();
  const received: ReceivedMessage[] = [];
  for (const message of [...state.messages]) {
    if (received.length >= max) break;
    if (message.visibleAt > at || redriven(state, message)) continue;
    const receiptHandle = randomUUID();
    message.receiveCount += 1;
    message.firstReceivedAt ??= at;
    message.visibleAt = at + visibility * 1000;
    message.receiptHandle = receiptHandle;
    received.push({ message, receiptHandle });
  }
  if (received.length > 0)
    state.journal?.saved(
      state.spec.arn,
      received.map(({ message }) => message),
    );
  return received;
}

/** Visible, in-flight and delayed messages at `at`. */
function countsOf(messages: readonly QueueMessage[], at: number) {
  let visible = 0;
  let inFlight = 0;
  let delayed = 0;
  for (const message of messages) {
    if (message.visibleAt <= at) visible += 1;
    else if (message.receiveCount > 0) inFlight += 1;
    else delayed += 1;
  }
  return { visible, inFlight, delayed };
}

function createQueue(
  spec: QueueSpec,
  store: QueueStore,
  now: () => number,
  journal?: QueueJournal,
): LocalQueue {
  const state: QueueState = {
    spec,
    store,
    now,
    journal,
    messages: journal?.restored(spec.arn) ?? [],
    listeners: new Set(),
    redrive: redrivePolicyOf(spec.properties),
    visibilityTimeoutSeconds: numberOf(spec.properties.VisibilityTimeout) ?? 30,
    delaySeconds: numberOf(spec.properties.DelaySeconds) ?? 0,
  };
  const { messages, listeners } = state;
  const byHandle = (receiptHandle: string) =>
    messages.find((message) => message.receiptHandle === receiptHandle);
  return {
    name: spec.queueName,
    arn: spec.arn,
    url: spec.url,
    visibilityTimeoutSeconds: state.visibilityTimeoutSeconds,
    delaySeconds: state.delaySeconds,
    maximumMessageBytes: numberOf(spec.properties.MaximumMessageSize) ?? MAX_MESSAGE_BYTES,
    ...(state.redrive ?? {}),
    send: (input) => sendMessage(state, input),
    receive: (max, visibility = state.visibilityTimeoutSeconds) => receiveMessages(state, max, visibility),
    delete(receiptHandle) {
      const message = byHandle(receiptHandle);
      if (!message) return false;
      journal?.deleted(spec.arn, message.messageId);
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
      journal?.saved(spec.arn, [message]);
    },
    counts: () => countsOf(messages, now()),
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
export function createQueueStore(
  specs: readonly QueueSpec[],
  now: () => number = Date.now,
  journal?: QueueJournal,
): QueueStore {
  const queues = new Map<string, LocalQueue>();
  const store: QueueStore = {
    add(more) {
      for (const spec of more)
        if (!queues.has(spec.arn)) queues.set(spec.arn, createQueue(spec, store, now, journal));
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
