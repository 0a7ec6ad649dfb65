export * from './client';
export * from './common';
export * from './contract';
export * from './errors-of';
export * from './event';
export * from './openapi';
export * from './problem';
export * from './route';
