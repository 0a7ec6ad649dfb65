import { assumedRoleArn } from '../../endpoint/iam';
import { awsJsonProtocol } from '../../endpoint/json-protocol';
import type { QueueSpec } from '../../model';
import { type AwsService, jsonAnswer } from '../service';
import { sqsCall } from './operations';
import { type QueueStore, createQueueStore } from './sqs';
import type { QueueJournal } from '../../persistence/state';
import { type Clock, RealClock } from '../../clock';

/** What {@link createSqsService} serves. */
export interface SqsServiceOptions {
  readonly region: string;
  readonly accountId: string;
  /** @default none */
  readonly queues?: readonly QueueSpec[];
  /** Where the messages are kept across a restart (`--data-dir`). @default in memory only */
  readonly journal?: QueueJournal;
  /** The clock behind delays, visibility timeouts and long polls. @default the real time */
  readonly clock?: Clock;
}

/** The local SQS: its queues and their messages. */
export interface SqsService extends AwsService {
  readonly queues: QueueStore;
}

/**
 * The local SQS (JSON protocol, `AmazonSQS.*`) over the templates' queues; a message's sender is
 * the calling function's assumed role, as SQS records it. A redeploy adds the new queues (a queue
 * that exists keeps its messages and its settings).
 *
 * @example
 * ```ts
 * const sqs = createSqsService({ region, accountId, queues: model.queues });
 * services.register(sqs);
 * sqs.queues.byArn(arn)?.counts(); // { visible, inFlight, delayed }
 * ```
 */
export function createSqsService(options: SqsServiceOptions): SqsService {
  const { region, accountId } = options;
  const clock = options.clock ?? new RealClock();
  const queues = createQueueStore(options.queues ?? [], () => clock.now(), options.journal);
  return {
    signingName: 'sqs',
    targetPrefix: 'AmazonSQS',
    protocol: awsJsonProtocol({ version: '1.0' }),
    describe: 'SQS',
    queues,
    call(request, caller) {
      const senderId = assumedRoleArn(accountId, caller.roleArn, caller.functionName);
      const call = sqsCall(
        request.operation,
        { ...request.input },
        queues,
        senderId,
        region,
        accountId,
        clock,
      );
      return { permissions: call.permissions, answer: async () => jsonAnswer(await call.answer()) };
    },
    update({ next }) {
      queues.add(next.queues);
      return Promise.resolve({});
    },
    stop: () => Promise.resolve(),
  };
}
