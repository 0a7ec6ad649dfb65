export * from './dynamodb';
export * from './endpoint';
export * from './errors';
export * from './events';
export * from './iam';
export * from './identities';
export * from './parameters';
export * from './sigv4';
