import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Contract, SocketContract } from '@slice/contract';
import { checkComposition, routing, type CompositionFacts } from '../src';

const root = join(__dirname, '../../..');

/**
 * Every service contract on disk, found rather than imported, so a new service is checked as soon
 * as its contract lands (and the front door does not depend on every contract in the project graph).
 */
function exportsOnDisk(): unknown[] {
  const dir = join(root, 'libs/contracts');
  return readdirSync(dir).flatMap((name) => {
    // A computed path on purpose: the project graph must not make the front door depend on every contract.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads TypeScript through require
    const module = require(join(dir, name, 'src/index.ts')) as Record<string, unknown>;
    return Object.values(module);
  });
}
const isContract = (value: unknown): value is Contract =>
  typeof value === 'object' && value !== null && 'service' in value && 'routes' in value;
const isSocketContract = (value: unknown): value is SocketContract =>
  typeof value === 'object' && value !== null && 'service' in value && 'accepts' in value;

const facts: CompositionFacts = {
  contracts: exportsOnDisk()
    .filter(isContract)
    .map((contract) => contract.service),
  socketContracts: exportsOnDisk()
    .filter(isSocketContract)
    .map((contract) => contract.service),
  apps: readdirSync(join(root, 'apps')),
  codeowners: readFileSync(join(root, '.github/CODEOWNERS'), 'utf8'),
};

describe('the composition of the platform domain', () => {
  it('is sound as the repository stands', () => {
    expect(checkComposition(routing, facts)).toEqual([]);
  });

  it('fails when a WebSocket service is missing, or its contract names another subdomain', () => {
    const elsewhere = {
      ...routing,
      webSockets: [{ service: 'tracking', team: 'tracking', subdomain: 'live' }],
    };
    expect(checkComposition(elsewhere, facts)).toContainEqual(
      'infra/front-door/src/routing.ts gives tracking live.<domain> and team tracking; its contract says ws.<domain> and tracking: make them agree.',
    );
    const missing = { ...routing, webSockets: [{ service: 'chat', team: 'chat', subdomain: 'ws' }] };
    expect(checkComposition(missing, facts)).toContainEqual(
      'infra/front-door/src/routing.ts maps ws.<domain> to chat, but there is no apps/chat.',
    );
  });

  it('fails when two services claim the same base path', () => {
    const clash = {
      ...routing,
      services: [
        ...routing.services,
        { service: 'orders', team: 'orders', basePaths: ['menu'], priority: 1300 },
      ],
    };
    expect(checkComposition(clash, facts)).toContainEqual(
      'menu and orders both claim /menu: give the base path to one service in infra/front-door/src/routing.ts.',
    );
  });

  it('fails when a rule routes to a service that does not exist', () => {
    const billing = {
      ...routing,
      services: [
        ...routing.services,
        { service: 'billing', team: 'orders', basePaths: ['billing'], priority: 1300 },
      ],
    };
    expect(checkComposition(billing, facts)).toContainEqual(
      'infra/front-door/src/routing.ts routes to billing, but there is no apps/billing: build the service first or remove its rule.',
    );
  });

  it('fails when a routed service has no owner in CODEOWNERS', () => {
    const codeowners = facts.codeowners
      .split('\n')
      .filter((line) => !line.startsWith('/apps/orders/'))
      .join('\n');
    expect(checkComposition(routing, { ...facts, codeowners })).toContainEqual(
      'apps/orders has no owner in .github/CODEOWNERS: tag it scope:orders and run `npm run codeowners`.',
    );
  });

  it("fails when a contract's base path does not match its rule", () => {
    const moved = {
      ...routing,
      services: routing.services.map((r) => (r.service === 'menu' ? { ...r, basePaths: ['carte'] } : r)),
    };
    expect(checkComposition(moved, facts)).toContainEqual(
      "The menu contract's base path is /menu, but infra/front-door/src/routing.ts routes /carte to it: make them agree.",
    );
  });

  it('fails on a header rule to an unrouted service and on shared priorities', () => {
    const broken = {
      ...routing,
      headerRules: [
        {
          header: 'x-slice-canary',
          value: 'tracking',
          target: 'tracking',
          priority: 1000,
          purpose: 'preview',
        },
      ],
    };
    const problems = checkComposition(broken, facts);
    expect(problems).toContainEqual(
      'The x-slice-canary: tracking rule targets tracking, which has no route: route the service first.',
    );
    expect(problems).toContainEqual('Two rules share priority 1000: each rule needs its own.');
  });

  it('falls back to the monolith only when it exists, has owners and a contract at the root', () => {
    expect(routing.fallback).toBe('monolith');
    const withoutApp = { ...facts, apps: facts.apps.filter((app) => app !== 'monolith') };
    expect(checkComposition(routing, withoutApp)).toEqual([
      "infra/front-door/src/routing.ts falls back to the monolith, but there is no apps/monolith: set fallback: 'placeholder'.",
    ]);
    const codeowners = facts.codeowners
      .split('\n')
      .filter((line) => !line.startsWith('/apps/monolith/'))
      .join('\n');
    expect(checkComposition(routing, { ...facts, codeowners })).toContainEqual(
      'apps/monolith has no owner in .github/CODEOWNERS: tag it scope:legacy and run `npm run codeowners`.',
    );
    const narrowed = facts.contracts.map((info) =>
      info.name === 'monolith' ? { ...info, basePath: '/stores' } : info,
    );
    expect(checkComposition(routing, { ...facts, contracts: narrowed })).toContainEqual(
      "The monolith contract's base path is /stores, but the monolith is the catch-all: make it /.",
    );
  });

  it('refuses a header rule to the monolith while the fallback is the placeholder', () => {
    expect(checkComposition({ ...routing, fallback: 'placeholder' }, facts)).toContainEqual(
      "The x-slice-route: monolith rule targets the monolith, but the fallback is the placeholder: set fallback: 'monolith'.",
    );
  });
});
