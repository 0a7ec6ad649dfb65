import { randomUUID } from 'node:crypto';

/**
 * The Menu's adapters, wired once per cold start, one module each. A handler imports the ports
 * its use-case takes (`getMenuItem(id, { menu })`), and its function bundles only those: the
 * package is free of side effects (`sideEffects: false`), so the bundler leaves out the modules,
 * and the AWS clients, that no handler of the function names.
 */
export { events } from './events';
export { menu } from './menu';

/** The clock. */
export const now = (): Date => new Date();

/** New item ids. */
export const newId: () => string = randomUUID;
