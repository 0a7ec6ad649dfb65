// The local issuer lives in @slice/emulation (the local cloud runs it too); tests keep importing it from here.
export {
  badTokens,
  claimsOf,
  createLocalIssuer,
  seconds,
  type BadTokens,
  type Duration,
  type LocalIssuer,
  type LocalIssuerKeyPair,
  type LocalIssuerOptions,
  type LocalUser,
  type TokenOptions,
} from '@slice/emulation';
