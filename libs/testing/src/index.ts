export * from './dynalite';
export * from './invoke';
export * from './lambda-context';
export * from './local-events';
export * from './local-issuer';
export * from './rest-api-event';
export * from './role-actions';
export * from './table-from-template';
