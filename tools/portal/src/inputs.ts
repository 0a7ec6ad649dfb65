/**
 * What the portal is generated from: only what the repo already knows. The projects and their
 * tags, the teams (`tools/workspace/src/teams.ts`), CODEOWNERS, the OpenAPI documents and event
 * schemas `npm run openapi` writes to `dist/openapi`, the synthesized templates in `dist/`, the
 * front door's routing manifest and every project's README. Nothing here is written for the portal.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readProjects, stewards, teams, type ProjectInfo, type Team } from '@slice/workspace';
import * as z from 'zod';

/** A JSON value as the documents and templates hold it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A CloudFormation template: its resources by logical id. */
export interface Template {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, Json> }>;
}

/** One synthesized stack of a deployable, and the project it belongs to. */
export interface SynthesizedStack {
  /** The project folder it was synthesized from: `apps/orders`. */
  readonly projectRoot: string;
  readonly stackName: string;
  readonly template: Template;
}

/** The part of the front door's routing manifest (`infra/front-door/src/routing.ts`) the portal reads. */
export const FrontDoorManifest = z.object({
  services: z.array(
    z.object({
      service: z.string(),
      team: z.string(),
      basePaths: z.array(z.string()),
      priority: z.number(),
      target: z.enum(['service', 'monolith']).optional(),
    }),
  ),
  webSockets: z.array(z.object({ service: z.string(), team: z.string(), subdomain: z.string() })).optional(),
  headerRules: z.array(
    z.object({ header: z.string(), value: z.string(), target: z.string(), purpose: z.string() }),
  ),
  fallback: z.enum(['monolith', 'placeholder']),
});
export type FrontDoorManifest = z.infer<typeof FrontDoorManifest>;

/** An OpenAPI document as the portal reads it: its info and its operations. */
export interface OpenApiDocument {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Record<string, Record<string, Json>>;
  readonly [key: string]: Json | undefined;
}

/** Everything the portal is generated from. */
export interface PortalInputs {
  readonly projects: readonly ProjectInfo[];
  readonly teams: Readonly<Record<string, Team>>;
  readonly stewards: Readonly<Record<string, readonly string[]>>;
  /** `.github/CODEOWNERS` as written. */
  readonly codeowners: string;
  /** Each contract's OpenAPI document, by service (`dist/openapi/<service>.json`). */
  readonly openapi: Readonly<Record<string, OpenApiDocument>>;
  /** Each contract's event detail schemas by detail type (`dist/openapi/events/<service>.json`). */
  readonly eventSchemas: Readonly<Record<string, Readonly<Record<string, Json>>>>;
  /** Each WebSocket contract's message schemas (`dist/openapi/sockets/<service>.json`). */
  readonly sockets: Readonly<Record<string, Json>>;
  readonly stacks: readonly SynthesizedStack[];
  readonly frontDoor: FrontDoorManifest;
  /** Each project's README by project root. */
  readonly readmes: Readonly<Record<string, string>>;
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** `name.json` files of a folder, by name without the extension. */
function jsonFiles<T>(folder: string): Record<string, T> {
  if (!existsSync(folder)) return {};
  const entries = readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.slice(0, -'.json'.length), readJson(join(folder, file)) as T] as const);
  return Object.fromEntries(entries);
}

/** The stacks of every synthesized assembly under `dist/<project root>/cdk.out`. */
function synthesizedStacks(root: string, projects: readonly ProjectInfo[]): SynthesizedStack[] {
  return projects.flatMap(({ root: projectRoot }) => {
    const assembly = join(root, 'dist', projectRoot, 'cdk.out');
    const manifestPath = join(assembly, 'manifest.json');
    if (!existsSync(manifestPath)) return [];
    const manifest = readJson(manifestPath) as {
      artifacts?: Record<
        string,
        { type?: string; properties?: { stackName?: string; templateFile?: string } }
      >;
    };
    return Object.entries(manifest.artifacts ?? {})
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([id, artifact]) => ({
        projectRoot,
        stackName: artifact.properties?.stackName ?? id,
        template: readJson(
          join(assembly, artifact.properties?.templateFile ?? `${id}.template.json`),
        ) as Template,
      }));
  });
}

/**
 * The front door's manifest, loaded from its file as data: tools may not import a deployable
 * (`tools/workspace/src/boundaries.ts`), and the manifest is plain data, checked here by schema.
 */
async function frontDoorManifest(root: string): Promise<FrontDoorManifest> {
  const file = join(root, 'infra/front-door/src/routing.ts');
  const module = (await import(pathToFileURL(file).href)) as { routing?: unknown };
  return FrontDoorManifest.parse(module.routing);
}

function readmes(root: string, projects: readonly ProjectInfo[]): Record<string, string> {
  const found = projects
    .map(({ root: projectRoot }) => [projectRoot, join(root, projectRoot, 'README.md')] as const)
    .filter(([, path]) => existsSync(path))
    .map(([projectRoot, path]) => [projectRoot, readFileSync(path, 'utf8')] as const);
  return Object.fromEntries(found);
}

/**
 * Reads the portal's inputs from a workspace whose `dist/openapi` and `dist/**\/cdk.out` are built
 * (`npm run openapi`, `nx run-many -t synth`).
 *
 * @example
 * ```ts
 * const inputs = await readInputs(process.cwd());
 * Object.keys(inputs.openapi); // ['kitchen', 'menu', 'monolith', 'orders', 'slice']
 * ```
 */
export async function readInputs(root: string): Promise<PortalInputs> {
  const openapiDir = join(root, 'dist/openapi');
  if (!existsSync(openapiDir))
    throw new Error('No OpenAPI documents in dist/openapi: run `npm run openapi` first.');
  const projects = await readProjects();
  const codeownersPath = join(root, '.github/CODEOWNERS');
  return {
    projects,
    teams,
    stewards,
    codeowners: existsSync(codeownersPath) ? readFileSync(codeownersPath, 'utf8') : '',
    openapi: jsonFiles<OpenApiDocument>(openapiDir),
    eventSchemas: jsonFiles<Record<string, Json>>(join(openapiDir, 'events')),
    sockets: jsonFiles<Json>(join(openapiDir, 'sockets')),
    stacks: synthesizedStacks(root, projects),
    frontDoor: await frontDoorManifest(root),
    readmes: readmes(root, projects),
  };
}
