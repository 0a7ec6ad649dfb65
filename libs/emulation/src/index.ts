/**
 * The emulated AWS parts that both the local cloud (`npm start`) and the services' tests run:
 * what each stands in for is in its module's name.
 */
export * from './dynalite';
export * from './local-issuer';
export * from './rest-api-event';
export * from './websocket-event';
