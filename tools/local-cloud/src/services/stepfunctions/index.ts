/**
 * Slice's local Step Functions: an Amazon States Language interpreter (JSONata and JSONPath)
 * with the executions API, running on the local cloud's clock.
 */
export { StepFunctionsError, type StepFunctionsErrorCode } from './api-errors';
export {
  InvalidDefinition,
  loadDefinition,
  type QueryLanguage,
  type StateDefinition,
  type StatesDefinition,
} from './definition';
export { StatesErrors, StatesError } from './errors';
export type { ExecutionJournal, ExecutionRecord, ExecutionStatus } from './executions';
export type { HistoryEvent, HistoryEventType } from './history';
export type { Json, JsonObject } from './json';
export type { StateMachine, StateMachineConfig } from './state-machines';
export {
  StepFunctions,
  type ExecutionHistoryPage,
  type StartedExecution,
  type StepFunctionsOptions,
} from './step-functions';
export type { IntegrationOutcome, IntegrationRequest, TaskIntegrations } from './tasks/integrations';
export { parseResource, type TaskResource, type TaskService } from './tasks/resources';
export { OPERATIONS, planOperation, type OperationPlan } from './operations';
