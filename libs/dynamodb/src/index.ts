export * from './batch-get';
export * from './client';
export * from './cursor';
export * from './errors';
export * from './keys';
export * from './pagination';
export * from './secret-cursor';
export * from './writes';
