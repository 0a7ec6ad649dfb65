import { tokenVerifier } from '@slice/middleware';
import { authorizerConfig } from './config';

const config = authorizerConfig();

/** Verifies the platform user pool's tokens (keys cached per cold start), for the `$connect` authorizer. */
export const verifyToken = tokenVerifier({ issuer: config.tokenIssuer, audience: config.tokenAudience });
