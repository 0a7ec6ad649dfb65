export { authorizeConnect, type ConnectAuthorization } from './authorize';
export { ConnectionStore, type GoneConnection, type LiveConnection } from './connections';
export { connectRequest, type ConnectRequest } from './events';
export {
  closeCauses,
  frameWatcher,
  noStatusCause,
  webSocketLimits,
  type CloseCause,
  type WebSocketLimits,
} from './limits';
export { createConnectionsService, managementProtocol, type ConnectionsServiceOptions } from './management';
export { bodyPathOf, selectionKey, selectRoute } from './routes';
export { compileWebSocketState, localHostOf, targetOf, type WebSocketState } from './state';
export { forwardToEndpoint, isWebSocketPath, localizeWebSocketUrls } from './urls';
export {
  createWebSocketApis,
  type ConnectionInfo,
  type ConnectionLookup,
  type WebSocketApis,
  type WebSocketApisOptions,
} from './websocket-apis';
