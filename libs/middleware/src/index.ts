export * from './config';
export * from './correlation';
export * from './events';
export * from './http';
export {
  idempotency,
  IdempotencyInProgress,
  type HttpIdempotency,
  type IdempotencyOptions,
} from './idempotency';
export { IdempotencyStore, type IdempotencyStoreOptions } from './idempotency-store';
export * from './observability';
export * from './problem';
export * from './publisher';
export * from './request';
export * from './user';
export * from './token-verifier';
export * from './socket';
export * from './aws-json';
