// Imported first by handler tests: the settings config.ts reads at module load.
process.env.TABLE_NAME ??= 'monolith-test';
process.env.CURSOR_SIGNING_KEY_SECRET_ARN ??=
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:monolith-test-cursor-signing-key';
process.env.TOKEN_ISSUER ??= 'https://issuer.monolith.test';
process.env.TOKEN_AUDIENCE ??= 'slice-test';
process.env.CORS_ALLOWED_ORIGINS ??= '*';
process.env.IDEMPOTENCY_TABLE_NAME ??= 'monolith-test-idempotency';
process.env.MOVED_BASE_PATHS_PARAMETER ??= '/slice/test/front-door/moved-base-paths';

// The cursor signing key comes from Secrets Manager at cold start.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
mockClient(SecretsManagerClient)
  .on(GetSecretValueCommand)
  .resolves({ SecretString: 'monolith-test-cursor-signing-key' });
