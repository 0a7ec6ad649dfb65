export * from './format';
export * from './functions';
export * from './log-stream';
