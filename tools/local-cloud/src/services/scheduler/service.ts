/**
 * The Scheduler as a part of the running local cloud: the templates' `AWS::Scheduler::Schedule`s
 * and scheduled `AWS::Events::Rule`s armed on the cloud's one clock. A schedule invokes its target
 * as its `RoleArn` (the role must allow the target's action, as in AWS); a scheduled rule is handed
 * to the EventBridge rules, which deliver it as they deliver an event.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../../clock';
import { assumedRoleArn } from '../../endpoint/iam';
import type { EventRuleSpec, FunctionSpec, LocalModel, PolicyStatement } from '../../model';
import type { EventRules } from '../events/rules';
import type { ServiceRegistry } from '../registry';
import { callAsRole, requireRoleAllows, RoleCallError, type RoleIdentity } from '../role-calls';
import type { LocalPart } from '../service';
import type { QueueStore } from '../sqs/sqs';
import { parseScheduleExpression } from './expressions';
import { readSchedule, type ScheduleConfig, type TargetService } from './resources';
import { Scheduler, type SchedulerTargets, type TargetInvocation } from './scheduler';

/** What {@link startLocalScheduler} runs with. */
export interface LocalSchedulerOptions {
  readonly accountId: string;
  readonly clock: Clock;
  /** The model served now. */
  readonly model: () => LocalModel;
  readonly queues: QueueStore;
  /** The endpoint's services: EventBridge and Step Functions targets are called there, as the role. */
  readonly services: Pick<ServiceRegistry, 'resolve'>;
  readonly rules: Pick<EventRules, 'invokeAsync' | 'fireScheduled'>;
  readonly log: (text: string) => void;
}

/** The running schedules. */
export interface LocalScheduler extends LocalPart {
  readonly scheduler: Scheduler;
}

const SESSION = 'scheduler';

/** The schedules of the model, and its scheduled rules, as the Scheduler runs them. */
function configsOf(model: LocalModel): ScheduleConfig[] {
  const regionOf = (stackName: string) =>
    model.stacks.find((stack) => stack.name === stackName)?.region ?? model.region;
  const schedules = (model.schedules ?? []).map((spec) =>
    readSchedule(spec.properties, {
      id: spec.id,
      stackName: spec.stackName,
      logicalId: spec.logicalId,
      region: regionOf(spec.stackName),
      accountId: model.accountId,
    }),
  );
  const rules = (model.eventRules ?? []).flatMap((rule) =>
    rule.scheduleExpression === undefined
      ? []
      : [ruleConfig(rule, regionOf(rule.stackName), model.accountId)],
  );
  return [...schedules, ...rules];
}

function ruleConfig(rule: EventRuleSpec, region: string, accountId: string): ScheduleConfig {
  return {
    kind: 'rule',
    id: rule.id,
    name: rule.name,
    arn: rule.arn,
    expression: parseScheduleExpression(rule.scheduleExpression ?? '', false),
    timezone: 'UTC',
    enabled: rule.enabled,
    // Listed only: the rules deliver to them (`fireScheduled`), so the service is not read.
    targets: rule.targets.map((target) => ({
      arn: target.arn,
      service: (target.arn.split(':')[2] ?? 'events') as TargetService,
      parameters: {},
      retryPolicy: {
        maximumRetryAttempts: target.maximumRetryAttempts,
        maximumEventAgeInSeconds: target.maximumEventAgeSeconds,
      },
    })),
    region,
    accountId,
  };
}

/** What the targets run with: the options, and the policy of each schedule's role by schedule ARN. */
interface TargetContext extends LocalSchedulerOptions {
  rolePolicy(scheduleArn: string): readonly PolicyStatement[];
}

/** The role a schedule's target is invoked as. */
const roleOf = (context: TargetContext, invocation: TargetInvocation): RoleIdentity => ({
  accountId: context.accountId,
  roleArn: invocation.roleArn ?? '',
  sessionName: SESSION,
  policy: context.rolePolicy(invocation.sourceArn),
});

const functionOf = (model: LocalModel, arn: string): FunctionSpec | undefined =>
  model.functions.find((fn) => fn.arn === arn.split(':').slice(0, 7).join(':'));

/** A schedule's input, as a Lambda function receives it: the JSON it holds, else the text. */
const eventOf = (input: string): unknown => {
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
};

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function lambdaTarget(options: TargetContext) {
  return (invocation: TargetInvocation): Promise<void> => {
    requireRoleAllows(roleOf(options, invocation), 'lambda:InvokeFunction', invocation.targetArn);
    const fn = functionOf(options.model(), invocation.targetArn);
    if (!fn)
      throw new RoleCallError('ResourceNotFoundException', `Function not found: ${invocation.targetArn}`);
    // The Scheduler invokes a function asynchronously: Lambda retries what the function fails.
    options.rules.invokeAsync({
      functionId: fn.id,
      functionArn: fn.arn,
      payload: eventOf(invocation.input),
      sourceId: invocation.sourceArn,
      sourceArn: invocation.sourceArn,
      eventId: invocation.sourceArn,
    });
    return Promise.resolve();
  };
}

function sqsTarget(options: TargetContext) {
  return (invocation: TargetInvocation): Promise<void> => {
    const role = roleOf(options, invocation);
    requireRoleAllows(role, 'sqs:SendMessage', invocation.targetArn);
    const queue = options.queues.byArn(invocation.targetArn);
    if (!queue)
      throw new RoleCallError(
        'AWS.SimpleQueueService.NonExistentQueue',
        `The specified queue does not exist: ${invocation.targetArn}`,
      );
    queue.send({
      body: invocation.input,
      senderId: assumedRoleArn(options.accountId, role.roleArn, SESSION),
    });
    return Promise.resolve();
  };
}

function eventsTarget(options: TargetContext) {
  return async (invocation: TargetInvocation): Promise<void> => {
    const parameters = invocation.parameters['EventBridgeParameters'];
    const fields =
      typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>) : {};
    const answer = (await callAsRole(
      options.services,
      {
        signingName: 'events',
        target: 'AWSEvents.PutEvents',
        operation: 'PutEvents',
        input: {
          Entries: [
            {
              EventBusName: invocation.targetArn,
              Source: textOf(fields['Source']) ?? 'aws.scheduler',
              DetailType: textOf(fields['DetailType']) ?? 'Scheduled Event',
              Detail: invocation.input,
              Resources: [invocation.sourceArn],
            },
          ],
        },
      },
      roleOf(options, invocation),
    )) as { FailedEntryCount?: number; Entries?: Array<{ ErrorCode?: string; ErrorMessage?: string }> };
    const failed = answer.Entries?.find((entry) => entry.ErrorCode !== undefined);
    if ((answer.FailedEntryCount ?? 0) > 0 || failed)
      throw new RoleCallError(
        failed?.ErrorCode ?? 'InternalFailure',
        failed?.ErrorMessage ?? 'PutEvents failed',
      );
  };
}

function statesTarget(options: TargetContext) {
  return async (invocation: TargetInvocation): Promise<void> => {
    try {
      await callAsRole(
        options.services,
        {
          signingName: 'states',
          target: 'AWSStepFunctions.StartExecution',
          operation: 'StartExecution',
          input: { stateMachineArn: invocation.targetArn, input: invocation.input },
        },
        roleOf(options, invocation),
      );
    } catch (error) {
      if (error instanceof RoleCallError && error.code === 'ServiceUnavailable')
        options.log(
          `${invocation.sourceArn} → ${invocation.targetArn}: the Step Functions target is unavailable (the local cloud runs no Step Functions service); the invocation failed`,
        );
      throw error;
    }
  };
}

function snsTarget(options: TargetContext) {
  return async (invocation: TargetInvocation): Promise<void> => {
    await callAsRole(
      options.services,
      {
        signingName: 'sns',
        operation: 'Publish',
        input: { TopicArn: invocation.targetArn, Message: invocation.input },
      },
      roleOf(options, invocation),
    );
  };
}

/** Each target kind, its failures logged before the Scheduler retries or dead-letters them. */
function schedulerTargets(options: TargetContext): SchedulerTargets {
  const logged =
    (deliver: (invocation: TargetInvocation) => Promise<void>) =>
    async (invocation: TargetInvocation): Promise<void> => {
      try {
        await deliver(invocation);
      } catch (error) {
        const code = error instanceof RoleCallError ? `${error.code}: ` : '';
        options.log(
          `${invocation.sourceArn} → ${invocation.targetArn}: invocation failed (${code}${error instanceof Error ? error.message : String(error)})`,
        );
        throw error;
      }
    };
  return {
    lambda: logged(lambdaTarget(options)),
    sqs: logged(sqsTarget(options)),
    events: logged(eventsTarget(options)),
    states: logged(statesTarget(options)),
    sns: logged(snsTarget(options)),
    deadLetter(message) {
      // The Scheduler writes its dead letters as the execution role, as it invokes the target.
      requireRoleAllows(
        {
          accountId: options.accountId,
          roleArn: message.roleArn ?? '',
          sessionName: SESSION,
          policy: options.rolePolicy(message.sourceArn),
        },
        'sqs:SendMessage',
        message.queueArn,
      );
      const queue = options.queues.byArn(message.queueArn);
      if (!queue) throw new Error(`The dead-letter queue ${message.queueArn} does not exist`);
      queue.send({
        body: message.body,
        senderId: 'scheduler.amazonaws.com',
        messageAttributes: message.messageAttributes,
      });
      return Promise.resolve();
    },
  };
}

/**
 * Arms every schedule and scheduled rule of the model on the clock. A redeploy re-arms the
 * schedules that changed (a rate restarts from then), drops those that went and keeps the rest.
 *
 * @example
 * ```ts
 * const schedules = startLocalScheduler({ accountId, clock, model: () => served.current, queues, services, rules, log });
 * schedules.scheduler.describe(); // [{ name, expression, nextRun: '2027-03-27T08:00:00.000Z', ... }]
 * ```
 */
export function startLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  let policies = new Map<string, readonly PolicyStatement[]>();
  const context: TargetContext = { ...options, rolePolicy: (arn) => policies.get(arn) ?? [] };
  const scheduler = new Scheduler({
    clock: options.clock,
    targets: schedulerTargets(context),
    fireRule: (config, due, executionId) => options.rules.fireScheduled(config.id, due, executionId),
  });
  let armed = new Map<string, ScheduleConfig>();
  const load = (model: LocalModel) => {
    const configs = configsOf(model);
    const next = new Map(configs.map((config) => [config.id, config]));
    const byId = new Map((model.schedules ?? []).map((spec) => [spec.id, spec.rolePolicy]));
    policies = new Map(configs.map((config) => [config.arn, byId.get(config.id) ?? []]));
    for (const id of armed.keys()) if (!next.has(id)) scheduler.remove(id);
    for (const [id, config] of next) if (!isDeepStrictEqual(armed.get(id), config)) scheduler.put(config);
    armed = next;
  };
  load(options.model());
  return {
    scheduler,
    update({ next }) {
      load(next);
      return Promise.resolve({});
    },
    stop() {
      scheduler.stop();
      return Promise.resolve();
    },
  };
}
