export * from './environment';
export * from './runtime';
export * from './event-sources';
