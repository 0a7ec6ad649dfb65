import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createEventPublisher, metrics } from '@slice/middleware';
import { kitchenEvents } from './adapters/kitchen-events';
import { stepFunctionsWorkflows } from './adapters/step-functions-workflows';
import { config, workflowConfig } from './config';
import type { KitchenDeps } from './domain/ports';
import { taskDeps } from './task-deps';

/** The Kitchen adapters of the routes, the queue consumer and the schedules, wired once per cold start. */
export const deps: KitchenDeps = {
  ...taskDeps,
  workflows: stepFunctionsWorkflows({
    // Shorter than every Kitchen function's timeout, with the SDK's standard retries.
    client: new SFNClient({ requestHandler: { requestTimeout: 2000, connectionTimeout: 1000 } }),
    stateMachineArn: workflowConfig().stateMachineArn,
  }),
  events: kitchenEvents(
    createEventPublisher({ busName: config.eventBusName, client: new EventBridgeClient({}) }),
  ),
  metrics: {
    overdueTickets: (count) => metrics.addMetric('OverdueTickets', MetricUnit.Count, count),
  },
  overdueAfterMinutes: config.overdueAfterMinutes,
};
