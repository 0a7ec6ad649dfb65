/**
 * `npx nx g @slice/workspace:route <service> <operationId> --method POST --path /<service>/...`:
 * a route end to end. It adds the contract entry (schemas, route, the contract's `routes`), the
 * handler file named after the operation id, the use-case with its test, and the README row.
 * The stack needs no edit: `ServiceStack.routeFunctions` derives the function, its entry file
 * and construct id from the contract, and `ServiceApi` serves it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatFiles, generateFiles, type GeneratorCallback, type Tree } from '@nx/devkit';
import { operationFile, serviceNames } from '../names.ts';

/** The templates, from the workspace root: the generator runs as source (Nx, jest), never bundled. */
const templates = 'tools/workspace/src/generators/route';

/** The options of the route generator (see `schema.json`). */
export interface RouteOptions {
  readonly service: string;
  readonly operationId: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly auth?: 'public' | 'user' | 'staff';
  readonly summary?: string;
  readonly skipInstall?: boolean;
}

/** Everything the route needs, checked before anything is written. */
interface RoutePlan {
  readonly service: string;
  readonly serviceCamel: string;
  readonly servicePascal: string;
  readonly operationId: string;
  readonly opPascal: string;
  readonly file: string;
  readonly method: string;
  readonly path: string;
  readonly auth: string;
  readonly summary: string;
  readonly pathParams: string[];
  readonly hasBody: boolean;
  readonly contractFile: string;
  readonly app: string;
}

const segment = /^([a-z0-9][a-z0-9-]*|\{[a-z][A-Za-z0-9]*\})$/;

/** Checks the route against the service and its contract; throws, writing nothing, when it cannot be added. */
export function planRoute(tree: Tree, options: RouteOptions): RoutePlan {
  const names = serviceNames(options.service);
  const app = `apps/${names.name}`;
  const contractFile = `libs/contracts/${names.name}/src/index.ts`;
  const contract = tree.read(contractFile, 'utf-8');
  if (contract === null || !tree.exists(app)) {
    throw new Error(
      `No service "${names.name}": expected ${app} and ${contractFile} (npx nx g @slice/workspace:service ${names.name} --team <team>).`,
    );
  }
  const file = operationFile(options.operationId);
  if (
    contract.includes(`operationId: '${options.operationId}'`) ||
    tree.exists(`${app}/src/handlers/${file}.ts`)
  ) {
    throw new Error(
      `${names.name} has a route ${options.operationId} already (${contractFile}, ${app}/src/handlers/${file}.ts).`,
    );
  }
  const basePath = /basePath: '([^']+)'/.exec(contract)?.[1];
  const method = options.method ?? 'GET';
  const parts = options.path.split('/').slice(1);
  if (
    !basePath ||
    !(options.path === basePath || options.path.startsWith(`${basePath}/`)) ||
    !parts.every((part) => segment.test(part))
  ) {
    throw new Error(
      `"${options.path}" is not a path of ${names.name}: it starts with its base path ${basePath ?? '(none found)'}, lower-case segments and {camelCase} parameters (${basePath ?? ''}/tickets/{ticketId}).`,
    );
  }
  if (new RegExp(`method: '${method}',\\s*path: '${options.path.replace(/[{}]/g, '\\$&')}'`).test(contract)) {
    throw new Error(`${names.name} serves ${method} ${options.path} already.`);
  }
  return {
    service: names.name,
    serviceCamel: names.camel,
    servicePascal: names.pascal,
    operationId: options.operationId,
    opPascal: options.operationId.charAt(0).toUpperCase() + options.operationId.slice(1),
    file,
    method,
    path: options.path,
    auth: options.auth ?? 'user',
    summary: (options.summary ?? file.replaceAll('-', ' '))
      .replace(/\.$/, '')
      .replaceAll("'", '’')
      .replaceAll('*/', '* /'),
    pathParams: parts.filter((part) => part.startsWith('{')).map((part) => part.slice(1, -1)),
    hasBody: ['POST', 'PUT', 'PATCH'].includes(method),
    contractFile,
    app,
  };
}

/** The schemas and route definition the contract gains, placed before its `defineContract`. */
function routeSource(plan: RoutePlan, contract: string): string {
  const request = [
    plan.pathParams.length > 0 &&
      `path: z.strictObject({ ${plan.pathParams.map((param) => `${param}: Slug`).join(', ')} })`,
    plan.hasBody && `body: ${plan.opPascal}Request`,
  ].filter(Boolean);
  const status = plan.method === 'POST' ? 201 : 200;
  const exampleId = plan.pathParams[0]
    ? `first-${plan.pathParams[0].toLowerCase()}`
    : '7d444840-9dc0-41d1-b245-5ffdce74fad2';
  const exampleRequest = [
    plan.pathParams.length > 0 &&
      `path: { ${plan.pathParams.map((param) => `${param}: 'first-${param.toLowerCase()}'`).join(', ')} }`,
    plan.hasBody && "body: { name: 'A name' }",
  ].filter(Boolean);
  return [
    ...(plan.pathParams.length > 0 && !/\bconst Slug\b/.test(contract)
      ? [
          '/** A path parameter: a lower-case slug or a UUID, as ids are. */',
          "const Slug = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A lower-case slug or a UUID.'));",
          '',
        ]
      : []),
    ...(plan.hasBody
      ? [
          `/** What \`${plan.operationId}\` takes. */`,
          `export const ${plan.opPascal}Request = withMeta(z.strictObject({ name: freeText({ min: 1, max: 80 }) }), { id: '${plan.opPascal}Request' });`,
          '',
        ]
      : []),
    `/** What \`${plan.operationId}\` answers. */`,
    `export const ${plan.opPascal}Result = withMeta(z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)), updatedAt: z.iso.datetime({ offset: true }) }), { id: '${plan.opPascal}Result' });`,
    '',
    `/** A result of \`${plan.operationId}\`. */`,
    `export type ${plan.opPascal}Result = z.infer<typeof ${plan.opPascal}Result>;`,
    '',
    `/** \`${plan.method} ${plan.path}\`: ${plan.summary}. */`,
    `export const ${plan.operationId} = defineRoute({`,
    `  method: '${plan.method}',`,
    `  path: '${plan.path}',`,
    `  operationId: '${plan.operationId}',`,
    `  summary: '${plan.summary.charAt(0).toUpperCase()}${plan.summary.slice(1)}',`,
    `  auth: '${plan.auth}',`,
    `  request: { ${request.join(', ')} },`,
    `  status: ${status},`,
    `  response: ${plan.opPascal}Result,`,
    ...(plan.pathParams.length > 0 ? [`  errors: { 404: 'Nothing at this path.' },`] : []),
    // The shared contract suite builds its valid request (and every invalid one) from this example.
    `  examples: [{ name: 'valid', request: { ${exampleRequest.join(', ')} }, response: { status: ${status}, body: { id: '${exampleId}', updatedAt: '2026-12-01T09:00:00.000Z' } } }],`,
    '});',
    '',
    '',
  ].join('\n');
}

/** The contract's `@slice/contract` import, with `name` among its names. */
function withImport(text: string, name: string): string {
  if (new RegExp(`\\b${name}\\b[^;]*from '@slice/contract'`).test(text)) return text;
  return text.replace(
    /import \{([^}]*)\} from '@slice\/contract';/,
    (_match, imports: string) =>
      `import {${imports.trimEnd().replace(/,$/, '')}, ${name} } from '@slice/contract';`,
  );
}

/** The contract with the route: its definition above `defineContract`, its id in `routes`. */
function addToContract(tree: Tree, plan: RoutePlan): void {
  let text = tree.read(plan.contractFile, 'utf-8') as string;
  const define = /(\/\*\*[^\n]*\*\/\n)?export const \w+Contract = defineContract\(\{/.exec(text);
  const routes = /routes: \{([^}]*)\}/.exec(text);
  if (!define || !routes) {
    throw new Error(
      `${plan.contractFile} has no \`export const ...Contract = defineContract({ ... routes: { ... } })\` to add the route to.`,
    );
  }
  text = text.replace(
    routes[0],
    `routes: { ${[routes[1]?.trim(), plan.operationId].filter(Boolean).join(', ')} }`,
  );
  text = text.replace(define[0], `${routeSource(plan, text)}${define[0]}`);
  for (const name of plan.hasBody ? ['freeText', 'withMeta'] : ['withMeta']) text = withImport(text, name);
  tree.write(plan.contractFile, text);
}

/** A row in the README's route table, when the README still has one. */
function addReadmeRow(tree: Tree, plan: RoutePlan): void {
  const path = `${plan.app}/README.md`;
  const text = tree.read(path, 'utf-8');
  const table = text && /\| route \| operation \| auth \| handler \|\n\|[^\n]*\n(\|[^\n]*\n)*/.exec(text);
  if (!text || !table) return;
  const row = `| \`${plan.method} ${plan.path}\` | \`${plan.operationId}\` | ${plan.auth} | \`src/handlers/${plan.file}.ts\` |\n`;
  tree.write(path, text.replace(table[0], `${table[0]}${row}`));
}

/** The route generator: checks, then writes; the callback republishes the contract snapshot. */
export default async function routeGenerator(tree: Tree, options: RouteOptions): Promise<GeneratorCallback> {
  const plan = planRoute(tree, options);
  addToContract(tree, plan);
  generateFiles(tree, join(tree.root, templates, 'files'), plan.app, { ...plan, tmpl: '' });
  addReadmeRow(tree, plan);
  await formatFiles(tree);
  if (options.skipInstall) return () => undefined;
  return () => {
    execFileSync('npx', ['tsx', 'tools/contract-runner/src/breaking-cli.ts', plan.service, '--write'], {
      cwd: tree.root,
      stdio: 'inherit',
    });
  };
}
