// Imported first by handler tests: the settings config.ts reads at module load.
process.env.TABLE_NAME ??= 'monolith-test';
process.env.CURSOR_SIGNING_KEY ??= 'monolith-test-cursor-signing-key';
process.env.TOKEN_ISSUER ??= 'https://issuer.monolith.test';
process.env.TOKEN_AUDIENCE ??= 'slice-test';
process.env.CORS_ALLOWED_ORIGINS ??= '*';
process.env.IDEMPOTENCY_TABLE_NAME ??= 'monolith-test-idempotency';
process.env.MOVED_BASE_PATHS_PARAMETER ??= '/slice/test/front-door/moved-base-paths';
