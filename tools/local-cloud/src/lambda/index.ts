export * from './environment';
export * from './runtime';
export * from './event-sources';
export * from './event-rules';
export * from './sqs-event-sources';
