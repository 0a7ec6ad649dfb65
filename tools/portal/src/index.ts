export * from './asyncapi';
export * from './catalog';
export * from './generate';
export * from './inputs';
export * from './site';
export * from './templates';
