// Imported first by handler tests: the settings config.ts reads at module load.
process.env.TABLE_NAME ??= 'menu-test';
process.env.CURSOR_SIGNING_KEY ??= 'menu-test-cursor-signing-key';
process.env.EVENT_BUS_NAME ??= 'slice-test';
process.env.CORS_ALLOWED_ORIGINS ??= '*';
process.env.IDEMPOTENCY_TABLE_NAME ??= 'menu-test-idempotency';
