// Imported first by handler tests: the settings config.ts reads at module load.
process.env.TABLE_NAME ??= 'monolith-test';
process.env.CURSOR_SIGNING_KEY_SECRET_ARN ??=
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:monolith-test-cursor-signing-key';
process.env.TOKEN_ISSUER ??= 'https://issuer.monolith.test';
process.env.TOKEN_AUDIENCE ??= 'slice-test';
process.env.CORS_ALLOWED_ORIGINS ??= '*';
process.env.IDEMPOTENCY_TABLE_NAME ??= 'monolith-test-idempotency';
process.env.MOVED_BASE_PATHS_PARAMETER ??= '/slice/test/front-door/moved-base-paths';

// The cursor signing key comes from Secrets Manager at cold start, signed with the credentials
// Lambda puts in the environment.
import { secretsManagerStub } from '@slice/testing';
process.env.AWS_ACCESS_KEY_ID ??= 'ASIAMONOLITHTEST0000';
process.env.AWS_SECRET_ACCESS_KEY ??= 'monolith-test';
process.env.AWS_SESSION_TOKEN ??= 'monolith-test';
process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManagerStub('monolith-test-cursor-signing-key').url;
