export * from './admin';
export * from './guard';
export * from './routes';
