import { requireEnv, requireIntEnv } from '@slice/middleware';

/** Every setting of the Orders service, read once at cold start; a missing one fails the start. */
export const config = {
  /** The service table (orders and their two indexes). */
  tableName: requireEnv('TABLE_NAME'),
  /**
   * The Secrets Manager secret whose value signs pagination cursors (a forged one is a 400): read
   * at cold start with Powertools Parameters, never held in the environment.
   */
  cursorSigningKeySecret: requireEnv('CURSOR_SIGNING_KEY_SECRET_ARN'),
  /** The platform event bus, from SSM `/slice/<stage>/platform/event-bus-name`. */
  eventBusName: requireEnv('EVENT_BUS_NAME'),
  /** The platform domain Menu is reached through, from SSM `/slice/<stage>/platform/api-url`. */
  platformUrl: requireEnv('PLATFORM_URL'),
  /** How long to wait for Menu before answering 503; well under the function's timeout. */
  menuTimeoutMs: requireIntEnv('MENU_TIMEOUT_MS'),
} as const;
