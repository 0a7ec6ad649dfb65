/**
 * Schedules as the templates declare them: `AWS::Scheduler::Schedule`, and `AWS::Events::Rule`
 * with a `ScheduleExpression` (intrinsic functions already resolved), checked as the services
 * check them at creation.
 */
import {
  InvalidScheduleExpressionError,
  isTimeZone,
  parseScheduleExpression,
  type ScheduleExpression,
} from './expressions';

/** A schedule the local cloud cannot run; the message names the resource. */
export class ScheduleTemplateError extends Error {
  override readonly name = 'ScheduleTemplateError';
}

/** The service a target ARN names, which decides the callback that delivers to it. */
export type TargetService = 'sqs' | 'lambda' | 'states' | 'events' | 'sns';

/** How long and how often a failed invocation is retried. */
export interface RetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeInSeconds: number;
}

/** One target of a schedule or a scheduled rule. */
export interface ScheduleTarget {
  readonly arn: string;
  readonly service: TargetService;
  readonly roleArn?: string;
  /** The payload, as declared; a scheduled rule without `Input` sends its Scheduled Event. */
  readonly input?: string;
  /** `SqsParameters`, `EventBridgeParameters`... as the template declares them. */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly retryPolicy: RetryPolicy;
  readonly deadLetterArn?: string;
  /** A rule target's `Id`. */
  readonly id?: string;
}

/** A schedule (`kind: 'schedule'`) or a scheduled rule (`kind: 'rule'`), ready to run. */
export interface ScheduleConfig {
  readonly kind: 'schedule' | 'rule';
  /** `<stackName>/<logicalId>`. */
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly group?: string;
  readonly expression: ScheduleExpression;
  /** IANA time zone; always `UTC` for rules. */
  readonly timezone: string;
  readonly enabled: boolean;
  readonly startDate?: number;
  readonly endDate?: number;
  /** `FlexibleTimeWindow.MaximumWindowInMinutes`, when the mode is `FLEXIBLE`. */
  readonly flexibleWindowMinutes?: number;
  readonly targets: readonly ScheduleTarget[];
  readonly region: string;
  readonly accountId: string;
}

/** Where a resource of a template lives. */
export interface ResourceSite {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly region: string;
  readonly accountId: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TARGET_SERVICES: ReadonlySet<string> = new Set(['sqs', 'lambda', 'states', 'events', 'sns']);

/** Scheduler's defaults (and EventBridge's): 185 retries within 24 hours. */
const DEFAULT_RETRY: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };

function within(
  value: unknown,
  name: string,
  low: number,
  high: number,
  site: ResourceSite,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < low || number > high)
    throw new ScheduleTemplateError(`${site.id}: ${name} must be a whole number from ${low} to ${high}`);
  return number;
}

function readTarget(target: unknown, site: ResourceSite): ScheduleTarget {
  if (!isRecord(target) || typeof target['Arn'] !== 'string')
    throw new ScheduleTemplateError(`${site.id}: a target needs an Arn`);
  const arn = target['Arn'];
  const service = arn.split(':')[2] ?? '';
  if (!TARGET_SERVICES.has(service))
    throw new ScheduleTemplateError(
      `${site.id}: target ${arn} is not served locally (it serves SQS, SNS, Lambda, Step Functions and EventBridge)`,
    );
  const retry = isRecord(target['RetryPolicy']) ? target['RetryPolicy'] : {};
  const maxAttempts = within(retry['MaximumRetryAttempts'], 'MaximumRetryAttempts', 0, 185, site);
  const maxAge = within(retry['MaximumEventAgeInSeconds'], 'MaximumEventAgeInSeconds', 60, 86_400, site);
  const deadLetter = isRecord(target['DeadLetterConfig']) ? target['DeadLetterConfig']['Arn'] : undefined;
  if (
    deadLetter !== undefined &&
    (typeof deadLetter !== 'string' || !deadLetter.startsWith('arn:aws:sqs:') || deadLetter.endsWith('.fifo'))
  )
    throw new ScheduleTemplateError(`${site.id}: DeadLetterConfig.Arn must name a standard SQS queue`);
  const parameters = Object.fromEntries(Object.entries(target).filter(([key]) => key.endsWith('Parameters')));
  return {
    arn,
    service: service as TargetService,
    ...(typeof target['RoleArn'] === 'string' ? { roleArn: target['RoleArn'] } : {}),
    ...(typeof target['Input'] === 'string' ? { input: target['Input'] } : {}),
    ...(typeof target['Id'] === 'string' ? { id: target['Id'] } : {}),
    parameters,
    retryPolicy: {
      maximumRetryAttempts: maxAttempts ?? DEFAULT_RETRY.maximumRetryAttempts,
      maximumEventAgeInSeconds: maxAge ?? DEFAULT_RETRY.maximumEventAgeInSeconds,
    },
    ...(typeof deadLetter === 'string' ? { deadLetterArn: deadLetter } : {}),
  };
}

function expressionOf(text: unknown, site: ResourceSite, allowAt: boolean): ScheduleExpression {
  if (typeof text !== 'string') throw new ScheduleTemplateError(`${site.id}: ScheduleExpression is required`);
  try {
    return parseScheduleExpression(text, allowAt);
  } catch (error) {
    if (error instanceof InvalidScheduleExpressionError)
      throw new ScheduleTemplateError(`${site.id}: ${error.message}`);
    throw error;
  }
}

function date(value: unknown, name: string, site: ResourceSite): number | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) throw new ScheduleTemplateError(`${site.id}: ${name} is not a date`);
  return parsed;
}

function flexibleWindow(value: unknown, site: ResourceSite): number | undefined {
  if (!isRecord(value) || (value['Mode'] !== 'OFF' && value['Mode'] !== 'FLEXIBLE'))
    throw new ScheduleTemplateError(`${site.id}: FlexibleTimeWindow.Mode must be OFF or FLEXIBLE`);
  if (value['Mode'] === 'OFF') return undefined;
  const minutes = within(value['MaximumWindowInMinutes'], 'MaximumWindowInMinutes', 1, 1440, site);
  if (minutes === undefined)
    throw new ScheduleTemplateError(`${site.id}: a FLEXIBLE window needs MaximumWindowInMinutes`);
  return minutes;
}

/**
 * A schedule from its `AWS::Scheduler::Schedule` properties.
 *
 * @example
 * ```ts
 * readSchedule({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Europe/Amsterdam',
 *   FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: functionArn, RoleArn: roleArn } }, site);
 * ```
 */
export function readSchedule(
  properties: Readonly<Record<string, unknown>>,
  site: ResourceSite,
): ScheduleConfig {
  const timezone =
    typeof properties['ScheduleExpressionTimezone'] === 'string'
      ? properties['ScheduleExpressionTimezone']
      : 'UTC';
  if (!isTimeZone(timezone)) throw new ScheduleTemplateError(`${site.id}: ${timezone} is not a time zone`);
  const name =
    typeof properties['Name'] === 'string' ? properties['Name'] : `${site.stackName}-${site.logicalId}`;
  const group = typeof properties['GroupName'] === 'string' ? properties['GroupName'] : 'default';
  const startDate = date(properties['StartDate'], 'StartDate', site);
  const endDate = date(properties['EndDate'], 'EndDate', site);
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate)
    throw new ScheduleTemplateError(`${site.id}: EndDate must be after StartDate`);
  const flexibleWindowMinutes = flexibleWindow(properties['FlexibleTimeWindow'], site);
  return {
    kind: 'schedule',
    id: site.id,
    name,
    group,
    arn: `arn:aws:scheduler:${site.region}:${site.accountId}:schedule/${group}/${name}`,
    expression: expressionOf(properties['ScheduleExpression'], site, true),
    timezone,
    enabled: properties['State'] !== 'DISABLED',
    ...(startDate === undefined ? {} : { startDate }),
    ...(endDate === undefined ? {} : { endDate }),
    ...(flexibleWindowMinutes === undefined ? {} : { flexibleWindowMinutes }),
    targets: [readTarget(properties['Target'], site)],
    region: site.region,
    accountId: site.accountId,
  };
}

/**
 * The schedule of an `AWS::Events::Rule` with a `ScheduleExpression` (in UTC, as EventBridge
 * evaluates rules), or `undefined` for a rule without one.
 */
export function readScheduledRule(
  properties: Readonly<Record<string, unknown>>,
  site: ResourceSite,
): ScheduleConfig | undefined {
  if (properties['ScheduleExpression'] === undefined) return undefined;
  const name =
    typeof properties['Name'] === 'string' ? properties['Name'] : `${site.stackName}-${site.logicalId}`;
  const targets = Array.isArray(properties['Targets']) ? properties['Targets'] : [];
  return {
    kind: 'rule',
    id: site.id,
    name,
    arn: `arn:aws:events:${site.region}:${site.accountId}:rule/${name}`,
    expression: expressionOf(properties['ScheduleExpression'], site, false),
    timezone: 'UTC',
    enabled: properties['State'] === undefined || properties['State'] === 'ENABLED',
    targets: targets.map((target) => readTarget(target, site)),
    region: site.region,
    accountId: site.accountId,
  };
}
