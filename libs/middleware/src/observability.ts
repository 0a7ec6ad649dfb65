import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The service's Powertools logger: JSON lines with the service name, cold start, request id and
 * the correlation id of each invocation. Events and payloads are never logged by default.
 *
 * @example
 * ```ts
 * logger.info('Order placed', { orderId: order.id });
 * ```
 */
export const logger = new Logger();

/**
 * The service's Powertools metrics (namespace from `POWERTOOLS_METRICS_NAMESPACE`), flushed after
 * each invocation.
 *
 * @example
 * ```ts
 * metrics.addMetric('OrdersPlaced', MetricUnit.Count, 1);
 * ```
 */
export const metrics = new Metrics();
