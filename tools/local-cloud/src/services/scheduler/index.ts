/**
 * Slice's local EventBridge Scheduler and scheduled EventBridge rules, on the local cloud's
 * clock, with targets delivered through injected callbacks.
 */
export {
  InvalidScheduleExpressionError,
  isTimeZone,
  nextRun,
  parseScheduleExpression,
  type ScheduleExpression,
} from './expressions';
export {
  readSchedule,
  readScheduledRule,
  ScheduleTemplateError,
  type ResourceSite,
  type RetryPolicy,
  type ScheduleConfig,
  type ScheduleTarget,
  type TargetService,
} from './resources';
export {
  Scheduler,
  type DeadLetter,
  type InvocationOutcome,
  type ScheduleListing,
  type SchedulerOptions,
  type SchedulerTargets,
  type TargetInvocation,
} from './scheduler';
export { startLocalScheduler, type LocalScheduler, type LocalSchedulerOptions } from './service';
