export * from './environment';
export * from './concurrency';
export * from './flags';
export * from './invoke-api';
export * from './runtime';
export * from './stream-event-sources';
export * from '../events/rules';
export * from './sqs-event-sources';
