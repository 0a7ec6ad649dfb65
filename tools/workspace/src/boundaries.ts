/**
 * The tag vocabulary of the Slice workspace and the matrix of who may import whom.
 *
 * This is the one place the rules live. `eslint.ts` turns them into the
 * `@nx/enforce-module-boundaries` constraints and the Lambda-code import bans, `tags.ts` checks
 * every project against the vocabulary, and `codeowners.ts` maps scopes to reviewers.
 *
 * Loaded by Node directly (type stripping) from `eslint.config.mjs`: erasable syntax only and
 * relative imports with their `.ts` extension.
 *
 * @example Reading the matrix
 * ```ts
 * allowedTypes.app; // ['lib', 'contract', 'cdk', 'testing']
 * allowedScopes('menu'); // ['scope:menu', 'scope:shared', 'type:contract']
 * ```
 */
import { stewards, teams, type StewardedScope, type TeamName } from './teams.ts';

/** Every project type, one `type:<name>` tag per project. */
export const projectTypes = ['app', 'lib', 'contract', 'cdk', 'infra', 'tool', 'testing'] as const;

/** A project type. */
export type ProjectType = (typeof projectTypes)[number];

/** A scope: a team's own, or one the teams share. */
export type Scope = TeamName | StewardedScope;

/** Every scope, one `scope:<name>` tag per project. */
export const scopes: readonly Scope[] = [
  ...(Object.keys(teams) as TeamName[]),
  ...(Object.keys(stewards) as StewardedScope[]),
];

/**
 * What each type of project may import, by type.
 *
 * Deployables (`app`, `infra`) are imported by nobody: services talk through contracts over HTTP
 * and events, and the platform stack reads services' values from SSM, not from their code.
 */
export const allowedTypes = {
  app: ['lib', 'contract', 'cdk', 'testing'],
  lib: ['lib', 'contract'],
  contract: ['contract'],
  cdk: ['cdk', 'contract'],
  infra: ['cdk', 'contract', 'testing'],
  tool: ['tool', 'lib', 'contract', 'cdk', 'testing'],
  testing: ['testing', 'lib', 'contract', 'cdk'],
} as const satisfies Record<ProjectType, readonly ProjectType[]>;

/**
 * The tags a project of a scope may import: its own scope, the shared libs and, for anything that
 * talks to services, any team's published contract. Shared libs import only shared libs.
 */
export function allowedScopes(scope: Scope): string[] {
  if (scope === 'shared') return ['scope:shared'];
  return [`scope:${scope}`, 'scope:shared', 'type:contract'];
}

/** Modules that runtime code must not reach for, and the reason a reader sees in the lint error. */
const cdkModules = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'];
const runtimeModules = ['@aws-sdk/*', '@smithy/*', '@middy/*', '@aws-lambda-powertools/*'];

/**
 * External packages banned by project type. Contracts are plain zod so any consumer (a browser, a
 * CLI, another team) can load them; runtime libs never pull the CDK into a Lambda bundle.
 */
export const bannedExternalImports = {
  contract: [...runtimeModules, ...cdkModules],
  lib: cdkModules,
} as const satisfies Partial<Record<ProjectType, readonly string[]>>;

/**
 * Test files may also import the testing kit, whatever their project's type: a lib's tests use the
 * same event builders and local database as a service's. Runtime code of a lib still may not.
 */
export const testFiles = ['**/test/**/*.ts', '**/*.spec.ts', '**/*.test.ts'] as const;

/**
 * Path-level rules for what the project-level matrix cannot see: an app holds both its Lambda code
 * (`src/`) and its CDK app (`cdk/`), and only the latter may import the CDK.
 */
export const lambdaCode = {
  files: ['apps/*/src/**/*.ts'],
  bannedModules: [...cdkModules, '@slice/cdk'],
  message: "Lambda code (apps/*/src) must not import the CDK: keep it in the app's cdk/ folder.",
} as const;
