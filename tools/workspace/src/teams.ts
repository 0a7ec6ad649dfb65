/**
 * The teams of Slice and who reviews their code.
 *
 * A team owns the projects tagged `scope:<team>`. The scopes that no single product team owns
 * (`shared`, `legacy`) name their stewards here. CODEOWNERS is generated from this file and the
 * project tags (`npm run codeowners`); `nx run workspace:check` fails when the two drift apart.
 *
 * This file is loaded by Node directly (type stripping) from `eslint.config.mjs`, so it uses only
 * erasable TypeScript syntax and no imports.
 *
 * @example Adding the Kitchen team before its first project lands
 * ```ts
 * kitchen: { owners: ['@slice-pizza/kitchen'], purpose: 'Cooking queue, workflow and schedules' },
 * ```
 */
export const teams = {
  platform: {
    owners: ['@slice-pizza/platform'],
    purpose: 'Front door, local cloud, shared libs, CI and deploys',
  },
  menu: {
    owners: ['@slice-pizza/menu'],
    purpose: 'The menu: items, categories, prices and availability',
  },
  orders: {
    owners: ['@slice-pizza/orders'],
    purpose: 'Placing, reading and cancelling orders',
  },
  kitchen: {
    owners: ['@slice-pizza/kitchen'],
    purpose: 'Cooking queue, preparation workflow, schedules and ready notifications',
  },
  tracking: {
    owners: ['@slice-pizza/tracking'],
    purpose: 'Live order status for customers over a WebSocket API',
  },
  web: {
    owners: ['@slice-pizza/web'],
    purpose: 'The customer storefront: the static site behind CloudFront',
  },
} as const satisfies Record<string, Team>;

/** A team: the GitHub handles that review its code and one line on what it owns. */
export interface Team {
  readonly owners: readonly string[];
  readonly purpose: string;
}

/** The name of a team, which is also its scope tag (`scope:<team>`). */
export type TeamName = keyof typeof teams;

/**
 * Scopes owned by no single product team, and the teams that steward them.
 *
 * `shared` holds what every team builds on, so the platform team reviews it. `legacy` is the
 * monolith every team is carving its service out of, so every team reviews it.
 */
export const stewards = {
  shared: ['platform'],
  legacy: ['platform', 'menu', 'orders', 'kitchen'],
} as const satisfies Record<string, readonly TeamName[]>;

/** A scope that is not a team's own. */
export type StewardedScope = keyof typeof stewards;
