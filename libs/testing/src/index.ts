export * from './dynalite';
export * from './invoke';
export * from './lambda-context';
export * from './local-issuer';
export * from './rest-api-event';
export * from './table-from-template';
