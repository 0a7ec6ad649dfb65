export * from './platform-stack';
export * from './routing-header-guard';
