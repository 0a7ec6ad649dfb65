/**
 * `npm run migrate -- <service> [--dry-run] [--stage local|dev|prod] [--checkpoint <file>] [--restart]`:
 * copies the monolith's items into a service's table (see `runMigrate` and docs/migration.md).
 * Ctrl-C stops after the current page with the checkpoint saved; a second Ctrl-C exits at once.
 */
import { runMigrate, UsageError } from './run';

const controller = new AbortController();
let firstInterrupt = 0;
process.on('SIGINT', () => {
  // One Ctrl-C can arrive twice: from the terminal, and relayed by the tsx (and npm) parent of
  // this process. Only a second press, a moment later, means "quit at once".
  if (controller.signal.aborted) {
    if (Date.now() - firstInterrupt > 1000) process.exit(130);
    return;
  }
  firstInterrupt = Date.now();
  process.stderr.write('\nStopping after the current page (Ctrl-C again to quit at once)…\n');
  controller.abort();
});

runMigrate(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stderr: process.stderr,
  print: (line) => console.log(line),
  signal: controller.signal,
})
  .then((result) => {
    process.exitCode = result.outcome === 'complete' ? 0 : 130;
  })
  .catch((error: unknown) => {
    console.error(
      error instanceof UsageError
        ? error.message
        : `migrate failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
