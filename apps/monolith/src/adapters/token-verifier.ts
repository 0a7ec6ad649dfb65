// The platform's token verifier lives in the shared middleware, where Tracking's WebSocket
// authorizer uses it too; the monolith's router imports it from here as before.
export {
  claimsOf,
  tokenVerifier,
  type Claims,
  type TokenVerifier,
  type TokenVerifierOptions,
} from '@slice/middleware';
