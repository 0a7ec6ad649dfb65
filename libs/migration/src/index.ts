/**
 * @slice/migration: copies a legacy table's items into a service's table in the service's own key
 * design: idempotent, resumable from a checkpoint, with counts, a report of rejected rows and a
 * dry run. The CLI (`npm run migrate -- <service>`) is `src/cli.ts`; each service's mapping lives
 * in `apps/<service>/migrate/index.ts`.
 */
export * from './checkpoint';
export * from './mapping';
export * from './migrate';
export * from './progress';
export * from './connect';
export * from './run';
