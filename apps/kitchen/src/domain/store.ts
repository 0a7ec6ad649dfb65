import type { NotificationChannel } from '@slice/contracts-kitchen';

/**
 * The store's settings Kitchen runs with unless a stage says otherwise: its time zone (a ticket's
 * day, the daily summary's hour) and the channel of ready notifications (Orders carries no
 * customer preference yet). The stack and the backfill read the same values.
 */
export const storeDefaults: { readonly timeZone: string; readonly channel: NotificationChannel } = {
  timeZone: 'Europe/Amsterdam',
  channel: 'sms',
};
