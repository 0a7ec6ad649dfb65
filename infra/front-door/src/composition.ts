import type { ServiceInfo, SocketServiceInfo } from '@slice/contract';
import { catchAllPriority, isRouted, type RoutingManifest } from './routing';

/** What the composition is checked against. */
export interface CompositionFacts {
  /** Every service contract (its base path and owning team). */
  readonly contracts: readonly ServiceInfo[];
  /** The app projects that exist (`apps/<name>`). */
  readonly apps: readonly string[];
  /** The text of `.github/CODEOWNERS`. */
  readonly codeowners: string;
  /** Every WebSocket service contract (its subdomain and owning team). */
  readonly socketContracts?: readonly SocketServiceInfo[];
}

/** Each WebSocket service exists, has owners, and its contract declares the subdomain it is given. */
function checkWebSockets(manifest: RoutingManifest, facts: CompositionFacts): string[] {
  const problems: string[] = [];
  for (const route of manifest.webSockets ?? []) {
    if (!facts.apps.includes(route.service)) {
      problems.push(
        `infra/front-door/src/routing.ts maps ${route.subdomain}.<domain> to ${route.service}, but there is no apps/${route.service}.`,
      );
      continue;
    }
    if (!facts.codeowners.split('\n').some((line) => line.startsWith(`/apps/${route.service}/ `))) {
      problems.push(
        `apps/${route.service} has no owner in .github/CODEOWNERS: tag it scope:${route.team} and run \`npm run codeowners\`.`,
      );
    }
    const contract = facts.socketContracts?.find((info) => info.name === route.service);
    if (!contract) {
      problems.push(
        `${route.service} has no socket contract in libs/contracts/${route.service}: a WebSocket service publishes one.`,
      );
    } else if (contract.subdomain !== route.subdomain || contract.team !== route.team) {
      problems.push(
        `infra/front-door/src/routing.ts gives ${route.service} ${route.subdomain}.<domain> and team ${route.team}; its contract says ${contract.subdomain}.<domain> and ${contract.team}: make them agree.`,
      );
    }
  }
  if ((manifest.webSockets?.length ?? 0) > 1)
    problems.push('One WebSocket service per stage: it owns ws.<domain>.');
  return problems;
}

/**
 * The catch-all's target: the monolith app exists, has owners, and its contract sits at the root
 * (`/`), because it answers every path no service claims.
 */
function checkMonolith(facts: CompositionFacts): string[] {
  if (!facts.apps.includes('monolith')) {
    return [
      "infra/front-door/src/routing.ts falls back to the monolith, but there is no apps/monolith: set fallback: 'placeholder'.",
    ];
  }
  const problems: string[] = [];
  if (!facts.codeowners.split('\n').some((line) => line.startsWith('/apps/monolith/ '))) {
    problems.push(
      'apps/monolith has no owner in .github/CODEOWNERS: tag it scope:legacy and run `npm run codeowners`.',
    );
  }
  const contract = facts.contracts.find((info) => info.name === 'monolith');
  if (!contract) {
    problems.push('The monolith has no contract in libs/contracts/monolith: the catch-all publishes one.');
  } else if (contract.basePath !== '/') {
    problems.push(
      `The monolith contract's base path is ${contract.basePath}, but the monolith is the catch-all: make it /.`,
    );
  }
  return problems;
}

/**
 * Checks the routing manifest against the workspace: every base path has one service, every rule
 * names a service that exists, every routed service has owners, every service's contract
 * declares the base path its rule routes, and the monolith the catch-all falls back to exists
 * with owners and a root contract.
 *
 * @returns one message per problem, each saying what to fix; empty when the composition is sound
 * @example
 * ```ts
 * checkComposition(routing, { contracts: [menuContract.service], apps: ['menu'], codeowners });
 * ```
 */
export function checkComposition(manifest: RoutingManifest, facts: CompositionFacts): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const route of manifest.services) {
    for (const basePath of route.basePaths) {
      const claimant = owners.get(basePath);
      if (claimant) {
        problems.push(
          `${claimant} and ${route.service} both claim /${basePath}: give the base path to one service in infra/front-door/src/routing.ts.`,
        );
      }
      owners.set(basePath, route.service);
    }

    if (!facts.apps.includes(route.service)) {
      problems.push(
        `infra/front-door/src/routing.ts routes to ${route.service}, but there is no apps/${route.service}: build the service first or remove its rule.`,
      );
      continue;
    }

    const codeownersLine = facts.codeowners
      .split('\n')
      .find((line) => line.startsWith(`/apps/${route.service}/ `));
    if (!codeownersLine) {
      problems.push(
        `apps/${route.service} has no owner in .github/CODEOWNERS: tag it scope:${route.team} and run \`npm run codeowners\`.`,
      );
    }

    const contract = facts.contracts.find((info) => info.name === route.service);
    if (!contract) {
      problems.push(
        `${route.service} has no contract in libs/contracts/${route.service}: a routed service publishes one.`,
      );
    } else if (!route.basePaths.map((path) => `/${path}`).includes(contract.basePath)) {
      problems.push(
        `The ${route.service} contract's base path is ${contract.basePath}, but infra/front-door/src/routing.ts routes /${route.basePaths.join(', /')} to it: make them agree.`,
      );
    } else if (contract.team !== route.team) {
      problems.push(
        `infra/front-door/src/routing.ts says team ${route.team} owns ${route.service}, its contract says ${contract.team}: make them agree.`,
      );
    }
  }

  if (manifest.fallback === 'monolith') problems.push(...checkMonolith(facts));
  problems.push(...checkWebSockets(manifest, facts));

  const services = new Set(manifest.services.filter(isRouted).map((route) => route.service));
  for (const rule of manifest.headerRules) {
    if (rule.target === 'monolith' && manifest.fallback !== 'monolith') {
      problems.push(
        `The ${rule.header}: ${rule.value} rule targets the monolith, but the fallback is the ${manifest.fallback}: set fallback: 'monolith'.`,
      );
    } else if (rule.target !== 'monolith' && !services.has(rule.target)) {
      problems.push(
        `The ${rule.header}: ${rule.value} rule targets ${rule.target}, which has no route: route the service first.`,
      );
    }
  }

  const priorities = [
    ...manifest.services.map((r) => r.priority),
    ...manifest.headerRules.map((r) => r.priority),
  ];
  const duplicate = priorities.find((priority, index) => priorities.indexOf(priority) !== index);
  if (duplicate !== undefined)
    problems.push(`Two rules share priority ${duplicate}: each rule needs its own.`);
  if (priorities.some((priority) => priority < 1 || priority >= catchAllPriority)) {
    problems.push(
      `Rule priorities must be between 1 and ${catchAllPriority - 1}; ${catchAllPriority} is the catch-all's.`,
    );
  }
  return problems;
}
