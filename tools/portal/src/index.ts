export * from './asyncapi';
export * from './catalog';
export * from './inputs';
export * from './site';
export * from './templates';
