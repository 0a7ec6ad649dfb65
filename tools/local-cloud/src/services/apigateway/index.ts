export {
  type AuthorizationResult,
  type AuthorizerRequest,
  CognitoVerifier,
  type LambdaAuthorizerOptions,
  LambdaAuthorizers,
  type TokenIssuer,
} from './authorizers';
export { createGateway, type Gateway, type GatewayOptions } from './gateway';
export { accountThrottleQuota, maxMethodArnBytes, maxRequestBytes } from './limit';
export { queryParametersOf } from '@slice/emulation';
export { mockResponse } from './mock';
export { type ProxyResponse, proxyResponse } from './proxy';
export {
  type GatewayError,
  gatewayErrors,
  type GatewayResponseType,
  mappingValue,
  type RenderContext,
  type RenderedResponse,
  renderGatewayError,
  renderTemplate,
} from './responses';
export { type CompiledResource, methodOf, type ResourceMatch, ResourceRouter } from './router';
export {
  compileRules,
  type CompiledRule,
  deriveRoutingRules,
  globPattern,
  matchRule,
  type RuleMatch,
} from './routing';
export { apiGatewayMayInvoke } from './state';
export { limitsFor, type ThrottleLimits, TokenBuckets } from './throttle';
