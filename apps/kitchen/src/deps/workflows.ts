import { SFNClient } from '@aws-sdk/client-sfn';
import { stepFunctionsWorkflows } from '../adapters/step-functions-workflows';
import { workflowConfig } from '../config';
import type { Workflows } from '../domain/ports';

/**
 * The preparation workflow, for the functions that start, resume or describe it. Never imported by
 * the workflow's own task functions: they cannot know its ARN (the state machine refers to them).
 */
export const workflows: Workflows = stepFunctionsWorkflows({
  // Shorter than every Kitchen function's timeout, with the SDK's standard retries.
  client: new SFNClient({ requestHandler: { requestTimeout: 2000, connectionTimeout: 1000 } }),
  stateMachineArn: workflowConfig().stateMachineArn,
});
