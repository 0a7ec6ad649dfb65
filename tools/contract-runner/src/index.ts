export * from './breaking';
export * from './run';
export * from './services';
export * from './targets';
