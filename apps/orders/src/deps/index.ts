import { randomUUID } from 'node:crypto';

/**
 * The Orders adapters, wired once per cold start, one module each. A handler imports the ports
 * its use-case takes (`getOrder(id, user, { orders })`), and its function bundles only those: the
 * package is free of side effects (`sideEffects: false`), so the bundler leaves out the modules,
 * and the AWS clients, that no handler of the function names.
 */
export { events } from './events';
export { menu } from './menu';
export { orders } from './orders';

/** The clock. */
export const now = (): Date => new Date();

/** New order ids. */
export const newId: () => string = randomUUID;
