export * from './aws-json-stub';
export * from './dynalite';
export * from './invoke';
export * from './lambda-context';
export * from './local-clock';
export * from './local-events';
export * from './local-issuer';
export * from './local-notifications';
export * from './role-actions';
export * from './table-from-template';

// The REST API proxy event lives with the other emulated AWS parts; re-exported for the services' tests.
export {
  pathParametersOf,
  queryParametersOf,
  requestTime,
  restApiEvent,
  type MultiValue,
  type RestApiEventOptions,
} from '@slice/emulation';
