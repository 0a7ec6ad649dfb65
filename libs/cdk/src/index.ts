export * from './nag';
export * from './rollout';
export * from './service-api';
export * from './service-function';
export * from './service-parts';
export * from './service-stack';
export * from './service-table';
export * from './stages';
