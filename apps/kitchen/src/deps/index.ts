import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics as powertoolsMetrics } from '@slice/middleware';
import { config } from '../config';
import type { KitchenMetrics } from '../domain/ports';

/**
 * The Kitchen adapters of the routes, the queue consumer, the schedules and the workflow's task
 * functions, wired once per cold start, one module each. A handler imports the ports its use-case
 * takes (`getTicket(id, { tickets, workflows })`), and its function bundles only those: the
 * package is free of side effects (`sideEffects: false`), so the bundler leaves out the modules,
 * and the AWS clients, that no handler of the function names.
 */
export { events } from './events';
export { tickets } from './tickets';
export { workflows } from './workflows';

/** The clock. */
export const now = (): Date => new Date();

/** Where ready notifications go until Orders carries the customer's preference. */
export const defaultChannel = config.defaultChannel;

/** The store's IANA time zone. */
export const timeZone = config.timeZone;

/** Minutes a ticket may wait for a cook before the sweep announces it overdue. */
export const overdueAfterMinutes = config.overdueAfterMinutes;

/** Kitchen's own metrics, flushed with the invocation's. */
export const metrics: KitchenMetrics = {
  overdueTickets: (count) => powertoolsMetrics.addMetric('OverdueTickets', MetricUnit.Count, count),
};
