/**
 * A deployable's CDK app as the CDK CLI would run it from the project folder: the entry file and
 * assembly folder its `cdk.json` names, and the context the CLI hands the app (`CDK_CONTEXT_JSON`).
 * The synth executor runs apps from this description in its own process, and what it writes is
 * the assembly `cdk synth` writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CdkJson } from '../cdk-json';

/** One deployable's CDK app, ready to run in this process. */
export interface CdkApp {
  /** The project folder: the CLI runs the app from there. */
  readonly projectDir: string;
  /** The app's entry file (`cdk/main.ts`), absolute. */
  readonly entry: string;
  /** The assembly folder (`cdk.json` `output`), absolute. */
  readonly outdir: string;
  /** The context the CLI would pass: its own settings, `~/.cdk.json`, `cdk.json`, `cdk.context.json`. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** `npx tsx <file>`: the only app command a Slice deployable has (see `cdkApp`). */
const tsxApp = /^npx tsx (\S+\.ts)$/;

type Json = Record<string, unknown>;

const readJson = (path: string): Json =>
  existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Json) : {};

/**
 * The context the CDK CLI adds from its settings, for the settings `cdk.json` can hold
 * (`pathMetadata`, `assetMetadata`, `versionReporting`, `staging`, `bundlingStacks`), with the
 * CLI's defaults; the CLI reads the validation report itself, so the app must not fail on it.
 */
function cliSettingsContext(settings: Json): Json {
  const context: Json = {};
  if (settings.pathMetadata ?? true) context['aws:cdk:enable-path-metadata'] = true;
  if (settings.assetMetadata ?? true) context['aws:cdk:enable-asset-metadata'] = true;
  if (settings.versionReporting ?? true) context['aws:cdk:version-reporting'] = true;
  else context['aws:cdk:disable-version-reporting'] = true;
  if (settings.staging === false) context['aws:cdk:disable-asset-staging'] = true;
  context['aws:cdk:bundling-stacks'] = settings.bundlingStacks ?? ['**'];
  context['@aws-cdk/core:failSynthOnValidationErrors'] = false;
  return context;
}

/**
 * The CDK app of the deployable in `projectRoot`, from its `cdk.json`.
 *
 * @example
 * ```ts
 * const app = cdkAppOf(workspaceRoot, 'apps/menu');
 * app.entry; // '<workspace>/apps/menu/cdk/main.ts'
 * ```
 */
export function cdkAppOf(workspaceRoot: string, projectRoot: string, home = homedir()): CdkApp {
  const projectDir = resolve(workspaceRoot, projectRoot);
  const cdkJsonPath = join(projectDir, 'cdk.json');
  if (!existsSync(cdkJsonPath)) throw new Error(`${projectRoot} has no cdk.json to synthesize from.`);
  const cdkJson: CdkJson = readJson(cdkJsonPath);
  const entry = typeof cdkJson.app === 'string' ? tsxApp.exec(cdkJson.app)?.[1] : undefined;
  if (!entry) throw new Error(`${projectRoot}/cdk.json: "app" must be "npx tsx <file>.ts".`);
  if (typeof cdkJson.output !== 'string') throw new Error(`${projectRoot}/cdk.json: "output" is not set.`);
  const user: CdkJson = readJson(join(home, '.cdk.json'));
  return {
    projectDir,
    entry: join(projectDir, entry),
    outdir: join(projectDir, cdkJson.output),
    // The CLI's order: its settings over cdk.json over cdk.context.json over ~/.cdk.json.
    context: {
      ...user.context,
      ...readJson(join(projectDir, 'cdk.context.json')),
      ...cdkJson.context,
      ...cliSettingsContext({ ...user, ...cdkJson }),
    },
  };
}
