import { requireEnv } from '@slice/middleware';

/** Every setting of the Menu service, read once at cold start; a missing one fails the start. */
export const config = {
  /** The service table (items, their history and the available-items index). */
  tableName: requireEnv('TABLE_NAME'),
  /**
   * The Secrets Manager secret whose value signs pagination cursors (a forged one is a 400): read
   * at cold start with Powertools Parameters, never held in the environment.
   */
  cursorSigningKeySecret: requireEnv('CURSOR_SIGNING_KEY_SECRET_ARN'),
  /** The platform event bus, from SSM `/slice/<stage>/platform/event-bus-name`. */
  eventBusName: requireEnv('EVENT_BUS_NAME'),
} as const;
