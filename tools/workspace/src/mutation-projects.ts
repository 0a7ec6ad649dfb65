/**
 * What `npm run mutation` mutates, per project: the code whose tests must catch a change in
 * behaviour, and the tests that stand guard over it. Slow integration suites that start a local
 * database for whole flows are left out of a mutation run (every mutant would pay for them); the
 * unit and handler suites that cover the same code stay in, and so are the stacks' synth tests (they
 * run no domain code).
 */
export interface MutationProject {
  /** The Nx project. */
  readonly name: string;
  /** Its folder, the jest `rootDir`. */
  readonly root: string;
  /** Globs of the files to mutate, relative to the workspace root. */
  readonly mutate: readonly string[];
  /** Test files left out of the run, as jest `testPathIgnorePatterns`. */
  readonly skipTests?: readonly string[];
}

/**
 * The services' domain code, the middleware, the DynamoDB helpers and the contract kit.
 *
 * @example
 * ```ts
 * mutationProjects.map((project) => project.name); // ['menu', 'orders', 'monolith', 'kitchen', 'tracking', 'middleware', 'dynamodb', 'contract']
 * ```
 */
export const mutationProjects: readonly MutationProject[] = [
  {
    name: 'menu',
    root: 'apps/menu',
    mutate: ['apps/menu/src/domain/**/*.ts', '!apps/menu/src/domain/ports.ts'],
    skipTests: ['stack.spec.ts', 'menu.integration.spec.ts', '/migrate/'],
  },
  {
    name: 'orders',
    root: 'apps/orders',
    mutate: ['apps/orders/src/domain/**/*.ts', '!apps/orders/src/domain/ports.ts'],
    skipTests: ['stack.spec.ts', 'orders.integration.spec.ts', '/migrate/'],
  },
  {
    name: 'monolith',
    root: 'apps/monolith',
    mutate: ['apps/monolith/src/domain/**/*.ts', '!apps/monolith/src/domain/ports.ts'],
    skipTests: ['stack.spec.ts', 'monolith.integration.spec.ts'],
  },
  {
    name: 'kitchen',
    root: 'apps/kitchen',
    mutate: ['apps/kitchen/src/domain/**/*.ts', '!apps/kitchen/src/domain/ports.ts'],
    skipTests: ['stack.spec.ts', 'kitchen.integration.spec.ts', '/migrate/'],
  },
  {
    name: 'tracking',
    root: 'apps/tracking',
    mutate: ['apps/tracking/src/domain/**/*.ts', '!apps/tracking/src/domain/ports.ts'],
    // The use-cases on dynalite synthesize the stack for its table: about 20 s per mutant.
    skipTests: ['stack.spec.ts', 'store-and-use-cases.spec.ts'],
  },
  {
    name: 'middleware',
    root: 'libs/middleware',
    mutate: [
      'libs/middleware/src/idempotency.ts',
      'libs/middleware/src/idempotency-store.ts',
      'libs/middleware/src/user.ts',
      'libs/middleware/src/request.ts',
      'libs/middleware/src/correlation.ts',
      'libs/middleware/src/problem.ts',
      'libs/middleware/src/aws-json.ts',
    ],
  },
  {
    name: 'dynamodb',
    root: 'libs/dynamodb',
    mutate: [
      'libs/dynamodb/src/cursor.ts',
      'libs/dynamodb/src/pagination.ts',
      'libs/dynamodb/src/secret-cursor.ts',
      'libs/dynamodb/src/keys.ts',
    ],
  },
  {
    name: 'contract',
    root: 'libs/contract',
    mutate: ['libs/contract/src/text.ts', 'libs/contract/src/problem.ts'],
  },
];
