/**
 * The edits a new service makes to files the platform owns: each finds its place by a stable
 * anchor in the file and fails, naming the file, when the anchor is gone, rather than guessing.
 */
import type { Tree } from '@nx/devkit';

/** Where the generators edit. */
export const paths = {
  teams: 'tools/workspace/src/teams.ts',
  routing: 'infra/front-door/src/routing.ts',
  contractRunner: 'tools/contract-runner/src/services.ts',
  tsconfig: 'tsconfig.base.json',
} as const;

const read = (tree: Tree, path: string): string => {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new Error(`${path} is missing: the generator edits it.`);
  return text;
};

const anchorMissing = (path: string, what: string) =>
  new Error(`${path} no longer has ${what}; add the entry by hand or restore the file's shape.`);

/** The team names declared in `teams.ts` (the keys of `export const teams = { ... }`). */
export function teamNames(tree: Tree): string[] {
  const text = read(tree, paths.teams);
  const block = /export const teams = \{\n([\s\S]*?)\n\} as const/.exec(text)?.[1];
  if (block === undefined) throw anchorMissing(paths.teams, '`export const teams = { ... } as const`');
  return [...block.matchAll(/^ {2}'?([a-z][a-z0-9-]*)'?: \{/gm)].map((match) => match[1] as string);
}

/** A new team in `teams.ts`, also a steward of the monolith (every team reviews the code it carves from). */
export function addTeam(tree: Tree, team: string, owners: readonly string[], purpose: string): void {
  let text = read(tree, paths.teams);
  const key = /^[a-z][a-z0-9]*$/.test(team) ? team : `'${team}'`;
  const entry = `  ${key}: {\n    owners: [${owners.map((owner) => `'${owner}'`).join(', ')}],\n    purpose: '${purpose.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}',\n  },\n`;
  const end = '} as const satisfies Record<string, Team>;';
  if (!text.includes(end)) throw anchorMissing(paths.teams, `\`${end}\``);
  text = text.replace(end, `${entry}${end}`);
  const legacy = /(legacy: \[)([^\]]*)(\])/.exec(text);
  if (!legacy) throw anchorMissing(paths.teams, 'the `legacy: [...]` stewards');
  text = text.replace(legacy[0], `${legacy[1]}${legacy[2]}, '${team}'${legacy[3]}`);
  tree.write(paths.teams, text);
}

/** The services and base paths the routing manifest lists, and its highest priority. */
export function routedServices(tree: Tree): {
  services: string[];
  basePaths: string[];
  priorities: number[];
} {
  const text = read(tree, paths.routing);
  const entries = [...text.matchAll(/\{ service: '([^']+)',[^}]*basePaths: \[([^\]]*)\], priority: (\d+)/g)];
  return {
    services: entries.map((entry) => entry[1] as string),
    basePaths: entries.flatMap((entry) =>
      [...(entry[2] as string).matchAll(/'([^']+)'/g)].map((m) => m[1] as string),
    ),
    priorities: entries.map((entry) => Number(entry[3])),
  };
}

/** The service's line in the front door manifest: routed to it, or listed while the monolith keeps it. */
export function addRoutingEntry(tree: Tree, service: string, team: string, route: boolean): void {
  const text = read(tree, paths.routing);
  const anchor = /( {2}services: \[\n(?: {4}.*\n)*?)( {2}\],)/.exec(text);
  if (!anchor) throw anchorMissing(paths.routing, 'the `services: [ ... ],` list');
  const priority = Math.max(900, ...routedServices(tree).priorities) + 100;
  const target = route ? '' : ", target: 'monolith'";
  const line = `    { service: '${service}', team: '${team}', basePaths: ['${service}'], priority: ${priority}${target} },\n`;
  tree.write(paths.routing, text.replace(anchor[0], `${anchor[1]}${line}${anchor[2]}`));
}

/** The contract runner's registry: the service's contract and fixtures, so `contract` and `contract-gate` find them. */
export function addContractToRunner(tree: Tree, service: string, camel: string): void {
  let text = read(tree, paths.contractRunner);
  const importLine = `import { ${camel}Contract, ${camel}Fixtures } from '@slice/contracts-${service}';\n`;
  const lastImport = [...text.matchAll(/^import .*;\n/gm)].at(-1);
  if (!lastImport || lastImport.index === undefined) throw anchorMissing(paths.contractRunner, 'its imports');
  const at = lastImport.index + lastImport[0].length;
  text = text.slice(0, at) + importLine + text.slice(at);
  const registry = /(export const serviceContracts: [^=]+= \{\n)/.exec(text);
  if (!registry) throw anchorMissing(paths.contractRunner, 'the `serviceContracts` registry');
  text = text.replace(
    registry[0],
    `${registry[1]}  ${service.includes('-') ? `'${service}'` : service}: { contract: ${camel}Contract, fixtures: ${camel}Fixtures },\n`,
  );
  tree.write(paths.contractRunner, text);
}
