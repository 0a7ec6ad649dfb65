export * from './environment';
export * from './runtime';
export * from './stream-event-sources';
export * from '../events/rules';
export * from './sqs-event-sources';
