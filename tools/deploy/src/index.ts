export * from './plan';
export * from './template-spec';
export * from './cdk-json';
