/**
 * The names a generator derives from a service name or an operation id, and the checks that
 * refuse a bad one before anything is written.
 */

/** The names of a service, from its kebab-case name (`order-history`). */
export interface ServiceNames {
  /** `order-history`: folder, Nx project, base path, SSM prefix. */
  readonly name: string;
  /** `OrderHistory`: stack and type names. */
  readonly pascal: string;
  /** `orderHistory`: the contract's variable prefix (`orderHistoryContract`). */
  readonly camel: string;
  /** `Order History`: for people. */
  readonly title: string;
}

/** Names no service may take: projects and scopes the platform already uses. */
export const reservedNames: readonly string[] = [
  'monolith',
  'platform',
  'shared',
  'legacy',
  'infra',
  'front-door',
  'workspace',
  'local-cloud',
  'contract',
  'contracts',
  'cdk',
];

const serviceName = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The names of a service, or an error saying what a valid name looks like.
 *
 * @example
 * ```ts
 * serviceNames('order-history'); // { name: 'order-history', pascal: 'OrderHistory', camel: 'orderHistory', title: 'Order History' }
 * ```
 */
export function serviceNames(name: string): ServiceNames {
  if (!serviceName.test(name) || name.length > 24) {
    throw new Error(
      `"${name}" is not a service name: lower-case letters and digits in words joined by single hyphens, starting with a letter, at most 24 characters (kitchen, order-history).`,
    );
  }
  if (reservedNames.includes(name)) {
    throw new Error(`"${name}" is reserved: the platform uses it. Reserved: ${reservedNames.join(', ')}.`);
  }
  const words = name.split('-');
  const capitalized = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return {
    name,
    pascal: capitalized.join(''),
    camel: words[0] + capitalized.slice(1).join(''),
    title: capitalized.join(' '),
  };
}

/** A team name, as in `tools/workspace/src/teams.ts` and the `scope:` tags. */
export function checkTeamName(team: string): void {
  if (!serviceName.test(team)) {
    throw new Error(`"${team}" is not a team name: lower-case letters, digits and single hyphens.`);
  }
}

/**
 * The handler file of an operation id (`placeOrder` → `place-order`), as `ServiceStack` derives it.
 *
 * @example
 * ```ts
 * operationFile('placeOrder'); // 'place-order'
 * ```
 */
export function operationFile(operationId: string): string {
  if (!/^[a-z][a-z0-9]*([A-Z][a-z0-9]*)+$/.test(operationId)) {
    throw new Error(
      `"${operationId}" is not an operation id: camelCase, a verb then a noun (placeOrder, getMenuItem).`,
    );
  }
  return operationId.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
