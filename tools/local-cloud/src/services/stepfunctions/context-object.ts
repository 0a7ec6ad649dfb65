import type { Json, JsonObject } from './json';
import type { StateStep } from './runtime';

/**
 * The context object of a state: `$$` in JSONPath, `$states.context` in JSONata. `Task.Token`
 * only while a `.waitForTaskToken` task runs, `Map.Item` only inside a Map iteration.
 */
export const contextObject = (step: StateStep): Json => {
  const { execution } = step.runtime;
  const context: JsonObject = {
    Execution: {
      Id: execution.arn,
      Input: execution.input,
      Name: execution.name,
      RoleArn: execution.roleArn,
      StartTime: execution.startTime,
      RedriveCount: 0,
    },
    State: { EnteredTime: step.enteredTime, Name: step.name, RetryCount: step.retryCount },
    StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineName },
  };
  if (step.taskToken) context.Task = { Token: step.taskToken };
  if (step.lane.mapItem)
    context.Map = { Item: { Index: step.lane.mapItem.Index, Value: step.lane.mapItem.Value } };
  return context;
};
