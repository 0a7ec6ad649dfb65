/**
 * `npm run token -- <user> [--staff]`: prints a token for a demo user from the running local
 * cloud's issuer (`POST /_local/token`), for `Authorization: Bearer <token>`.
 */
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { staff: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const sub = positionals[0] ?? 'alice';
const url = `http://localhost:${process.env.PORT ?? 3000}/_local/token`;

fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ sub, groups: values.staff ? ['staff'] : ['customer'] }),
})
  .then(async (response) => {
    const body = (await response.json()) as { token?: string; message?: string };
    if (!response.ok || !body.token)
      throw new Error(body.message ?? `The local cloud answered ${response.status}.`);
    console.log(body.token);
  })
  .catch((error: unknown) => {
    console.error(
      `No token: ${error instanceof Error ? error.message : String(error)}. Is \`npm start\` running?`,
    );
    process.exit(1);
  });
