/**
 * `npx nx g @slice/workspace:service <name> --team <team>`: a new team service that passes every
 * target without edits: its contract lib, its app (handlers, domain, adapters, config, deps, CDK
 * app and stack, unit and integration tests, README), tags, owners, the tsconfig path, the front
 * door entry and the contract runner's registry. `--dry-run` lists the files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  getProjects,
  updateJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { codeownersPath, renderCodeowners, type TeamDirectory } from '../../codeowners.ts';
import { stewards, teams } from '../../teams.ts';
import { addContractToRunner, addRoutingEntry, addTeam, paths, routedServices, teamNames } from '../edits.ts';
import { checkTeamName, serviceNames, type ServiceNames } from '../names.ts';

/** The templates, from the workspace root: the generator runs as source (Nx, jest), never bundled. */
const templates = 'tools/workspace/src/generators/service';

/** The options of the service generator (see `schema.json`). */
export interface ServiceOptions {
  readonly name: string;
  readonly team: string;
  readonly owners?: string;
  readonly purpose?: string;
  readonly route?: boolean;
  readonly queue?: boolean;
  readonly workflow?: boolean;
  readonly schedule?: boolean;
  readonly websocket?: boolean;
  readonly skipInstall?: boolean;
}

/** What the generator is about to create, once every check passed. */
interface Plan extends ServiceNames {
  readonly team: string;
  readonly newTeam?: { readonly owners: string[]; readonly purpose: string };
  readonly app: string;
  readonly contract: string;
}

/** Checks everything before anything is written: a refused generation leaves the tree untouched. */
export function planService(tree: Tree, options: ServiceOptions): Plan {
  const names = serviceNames(options.name);
  const app = `apps/${names.name}`;
  const contract = `libs/contracts/${names.name}`;
  const projects = getProjects(tree);
  const routing = routedServices(tree);
  const taken = [
    tree.exists(app) && app,
    tree.exists(contract) && contract,
    projects.has(names.name) && `the Nx project ${names.name}`,
    projects.has(`contracts-${names.name}`) && `the Nx project contracts-${names.name}`,
    (routing.services.includes(names.name) || routing.basePaths.includes(names.name)) &&
      `the base path /${names.name} in ${paths.routing}`,
  ].filter(Boolean);
  if (taken.length > 0) {
    throw new Error(
      `A service named "${names.name}" exists already: ${taken.join(', ')}. Pick another name.`,
    );
  }
  checkTeamName(options.team);
  if (options.team in stewards) {
    throw new Error(`"${options.team}" is a shared scope, not a team: a service is owned by one team.`);
  }
  const known = teamNames(tree);
  const owners = (options.owners ?? '')
    .split(',')
    .map((owner) => owner.trim())
    .filter(Boolean);
  if (known.includes(options.team)) {
    if (owners.length > 0) {
      throw new Error(
        `Team "${options.team}" exists already in ${paths.teams}: drop --owners, or edit its owners there.`,
      );
    }
    return { ...names, team: options.team, app, contract };
  }
  if (owners.length === 0) {
    throw new Error(
      `Unknown team "${options.team}". Known teams: ${known.join(', ')}. For a new team, also pass --owners @org/team (and --purpose "...").`,
    );
  }
  const invalid = owners.filter((owner) => !/^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/.test(owner));
  if (invalid.length > 0)
    throw new Error(`Not GitHub handles: ${invalid.join(', ')} (expected @org/team or @user).`);
  const purpose = options.purpose?.trim() || `The ${names.title} service`;
  return { ...names, team: options.team, app, contract, newTeam: { owners, purpose } };
}

/** The app's `cdk.json`: the platform's feature flags (infra's, which the deploy checks hold to) and its own assembly folder. */
function writeCdkJson(tree: Tree, plan: Plan): void {
  const infra = JSON.parse(tree.read('infra/cdk.json', 'utf-8') ?? '{}') as Record<string, unknown>;
  if (!infra.context)
    throw new Error('infra/cdk.json has no context: the new app copies its feature flags from it.');
  const cdkJson = { ...infra, output: `../../dist/${plan.app}/cdk.out` };
  tree.write(join(plan.app, 'cdk.json'), `${JSON.stringify(cdkJson, null, 2)}\n`);
}

function addProjects(tree: Tree, plan: Plan): void {
  addProjectConfiguration(tree, plan.name, {
    root: plan.app,
    projectType: 'application',
    sourceRoot: `${plan.app}/src`,
    tags: [`scope:${plan.team}`, 'type:app'],
    targets: {
      lint: {},
      typecheck: {},
      test: {},
      synth: {},
      validate: {},
      diff: {},
      contract: {},
      deploy: { dependsOn: ['synth', { projects: ['infra'], target: 'deploy', params: 'forward' }] },
    },
  });
  addProjectConfiguration(tree, `contracts-${plan.name}`, {
    root: plan.contract,
    projectType: 'library',
    sourceRoot: `${plan.contract}/src`,
    tags: [`scope:${plan.team}`, 'type:contract'],
    targets: {
      lint: {},
      typecheck: {},
      test: {},
      'contract-gate': {
        executor: 'nx:run-commands',
        options: { command: `tsx tools/contract-runner/src/breaking-cli.ts ${plan.name}` },
        cache: false,
      },
    },
  });
}

function addTsconfigPath(tree: Tree, plan: Plan): void {
  updateJson(tree, paths.tsconfig, (json: { compilerOptions: { paths: Record<string, string[]> } }) => {
    const all = {
      ...json.compilerOptions.paths,
      [`@slice/contracts-${plan.name}`]: [`./${plan.contract}/src/index.ts`],
    };
    json.compilerOptions.paths = Object.fromEntries(
      Object.entries(all).sort(([a], [b]) => a.localeCompare(b)),
    );
    return json;
  });
}

/** CODEOWNERS from every project in the tree, with the new team when there is one. */
function writeCodeowners(tree: Tree, plan: Plan): void {
  const directory: TeamDirectory = plan.newTeam
    ? {
        teams: { ...teams, [plan.team]: plan.newTeam },
        stewards: { ...stewards, legacy: [...stewards.legacy, plan.team] },
      }
    : { teams, stewards };
  const projects = [...getProjects(tree).entries()].map(([name, project]) => ({
    name,
    root: project.root,
    tags: project.tags ?? [],
  }));
  tree.write(codeownersPath, renderCodeowners(projects, directory));
}

/** What npm would do for a new workspace, without touching anything else in node_modules. */
function linkWorkspaces(root: string, plan: Plan): void {
  for (const [pkg, folder] of [
    [`@slice/${plan.name}`, plan.app],
    [`@slice/contracts-${plan.name}`, plan.contract],
  ] as const) {
    const link = join(root, 'node_modules', pkg);
    if (existsSync(link) || isLink(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(root, folder)), link, 'dir');
  }
}

const isLink = (path: string) => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

function afterWrite(tree: Tree, plan: Plan): GeneratorCallback {
  return () => {
    const run = (command: string, args: string[]) =>
      execFileSync(command, args, { cwd: tree.root, stdio: 'inherit', env: process.env });
    linkWorkspaces(tree.root, plan);
    run('npm', [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
    ]);
    run('npx', ['tsx', 'tools/contract-runner/src/breaking-cli.ts', plan.name, '--write']);
    console.log(
      `\nCreated ${plan.name} (team ${plan.team}). Next: npx nx run-many -t lint typecheck test synth contract -p ${plan.name} contracts-${plan.name}`,
    );
  };
}

/** The service generator: checks, then writes; the callback links the packages and publishes the contract. */
export default async function serviceGenerator(
  tree: Tree,
  options: ServiceOptions,
): Promise<GeneratorCallback> {
  const plan = planService(tree, options);
  const substitutions = {
    ...plan,
    route: options.route ?? false,
    queue: options.queue ?? false,
    workflow: options.workflow ?? false,
    schedule: options.schedule ?? false,
    websocket: options.websocket ?? false,
    tmpl: '',
  };
  generateFiles(tree, join(tree.root, templates, 'files/contract'), plan.contract, substitutions);
  generateFiles(tree, join(tree.root, templates, 'files/app'), plan.app, substitutions);
  for (const [flag, files] of Object.entries(optionalFiles(plan))) {
    if (!substitutions[flag as OptionalPart]) for (const file of files) tree.delete(file);
  }
  writeCdkJson(tree, plan);
  addProjects(tree, plan);
  addTsconfigPath(tree, plan);
  if (plan.newTeam) addTeam(tree, plan.team, plan.newTeam.owners, plan.newTeam.purpose);
  addRoutingEntry(tree, plan.name, plan.team, options.route ?? false);
  addContractToRunner(tree, plan.name, plan.camel);
  writeCodeowners(tree, plan);
  await formatFiles(tree);
  return options.skipInstall ? () => undefined : afterWrite(tree, plan);
}

/** The parts a service may add. */
type OptionalPart = 'queue' | 'workflow' | 'schedule' | 'websocket';

/** The files only an option needs. */
function optionalFiles({ app, name }: Plan): Record<OptionalPart, string[]> {
  return {
    queue: [`${app}/src/handlers/record-${name}-item.ts`, `${app}/src/domain/record-${name}-item.ts`],
    workflow: [`${app}/src/handlers/run-${name}-step.ts`, `${app}/src/domain/run-${name}-step.ts`],
    schedule: [`${app}/src/handlers/sweep-${name}.ts`, `${app}/src/domain/sweep-${name}.ts`],
    websocket: [
      `${app}/src/handlers/connect.ts`,
      `${app}/src/handlers/disconnect.ts`,
      `${app}/src/domain/connections.ts`,
    ],
  };
}
