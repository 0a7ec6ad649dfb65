// Imported first by handler tests: the settings config.ts reads at module load.
process.env.TABLE_NAME ??= 'menu-test';
process.env.CURSOR_SIGNING_KEY_SECRET_ARN ??=
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:menu-test-cursor-signing-key';
process.env.EVENT_BUS_NAME ??= 'slice-test';
process.env.CORS_ALLOWED_ORIGINS ??= '*';
process.env.IDEMPOTENCY_TABLE_NAME ??= 'menu-test-idempotency';

// The cursor signing key comes from Secrets Manager at cold start.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
mockClient(SecretsManagerClient)
  .on(GetSecretValueCommand)
  .resolves({ SecretString: 'menu-test-cursor-signing-key' });
