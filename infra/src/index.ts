export * from './platform-stack';
