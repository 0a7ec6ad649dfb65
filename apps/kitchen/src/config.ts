import { requireEnv, requireIntEnv } from '@slice/middleware';
import { NotificationChannel } from '@slice/contracts-kitchen';

/** Every setting of the Kitchen service, read once at cold start; a missing one fails the start. */
export const config = {
  /** The kitchen table (tickets, the queue and day indexes, day summaries). */
  tableName: requireEnv('TABLE_NAME'),
  /**
   * The Secrets Manager secret whose value signs the queue's cursors: read at cold start with
   * Powertools Parameters, never held in the environment.
   */
  cursorSigningKeySecret: requireEnv('CURSOR_SIGNING_KEY_SECRET_ARN'),
  /** The platform event bus, from SSM `/slice/<stage>/platform/event-bus-name`. */
  eventBusName: requireEnv('EVENT_BUS_NAME'),
  /** The store's IANA time zone: a ticket's day and the daily summary's. */
  timeZone: requireEnv('STORE_TIME_ZONE'),
  /** Minutes a ticket may wait for a cook before the sweep announces it overdue. */
  overdueAfterMinutes: requireIntEnv('OVERDUE_AFTER_MINUTES'),
  /** Where ready notifications go when the order names no channel (`order.notify`). */
  defaultChannel: NotificationChannel.parse(requireEnv('DEFAULT_NOTIFICATION_CHANNEL')),
} as const;

/**
 * The preparation workflow (Standard, one execution per order), for the functions that start or
 * resume it. Not in {@link config}: the workflow's own task functions cannot know its ARN (the
 * state machine refers to them), so only `deps/workflows.ts` reads it, at its cold start.
 */
export const workflowConfig = (): { readonly stateMachineArn: string } => ({
  stateMachineArn: requireEnv('STATE_MACHINE_ARN'),
});
