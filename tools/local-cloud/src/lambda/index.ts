export * from './environment';
export * from './runtime';
