// Imported first by handler tests: the settings config.ts reads at module load.
process.env.TABLE_NAME ??= 'menu-test';
process.env.CURSOR_SIGNING_KEY_SECRET_ARN ??=
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:menu-test-cursor-signing-key';
process.env.EVENT_BUS_NAME ??= 'slice-test';
process.env.CORS_ALLOWED_ORIGINS ??= '*';
process.env.IDEMPOTENCY_TABLE_NAME ??= 'menu-test-idempotency';

// The cursor signing key comes from Secrets Manager at cold start, signed with the credentials
// Lambda puts in the environment.
import { secretsManagerStub } from '@slice/testing';
process.env.AWS_ACCESS_KEY_ID ??= 'ASIAMENUTEST00000000';
process.env.AWS_SECRET_ACCESS_KEY ??= 'menu-test';
process.env.AWS_SESSION_TOKEN ??= 'menu-test';
process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManagerStub('menu-test-cursor-signing-key').url;
