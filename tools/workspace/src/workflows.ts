import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

/** A GitHub workflow file: its path (as `uses:` names it, `./.github/workflows/x.yml`) and text. */
export interface WorkflowFile {
  readonly path: string;
  readonly source: string;
}

type Level = 'none' | 'read' | 'write';
type Permissions = Readonly<Record<string, Level>>;

interface Step {
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}

interface Job {
  readonly uses?: string;
  readonly permissions?: unknown;
  readonly steps?: readonly Step[];
}

interface Workflow {
  readonly permissions?: unknown;
  readonly jobs?: Record<string, Job>;
}

/** The scopes of GITHUB_TOKEN; `read-all`/`write-all` and the default are spelt out over these. */
const scopes = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;

/** What a job gets when neither it nor its workflow says: the restricted default of a repository. */
const restrictedDefault: Permissions = { contents: 'read', packages: 'read' };
const rank: Record<Level, number> = { none: 0, read: 1, write: 2 };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function permissionsOf(value: unknown): Permissions | undefined {
  if (value === undefined) return undefined;
  if (value === 'read-all' || value === 'write-all') {
    const level = value === 'read-all' ? 'read' : 'write';
    return Object.fromEntries(scopes.map((scope) => [scope, level]));
  }
  return isRecord(value) ? (value as Permissions) : {};
}

const level = (permissions: Permissions, scope: string): Level => permissions[scope] ?? 'none';

/**
 * Lints the repository's workflows: GitHub's schema (action-validator), then Slice's rules, which
 * no per-file linter sees: every job declares its `permissions`, every action is pinned to a commit
 * SHA, `setup-node` reads the repo's pin (`node-version-file`), and a job that calls a reusable
 * workflow grants it at least the permissions its jobs ask for (GitHub refuses to start the whole
 * workflow otherwise).
 *
 * @example
 * ```ts
 * lintWorkflows([{ path: './.github/workflows/ci.yml', source }]);
 * // ['./.github/workflows/ci.yml: job deploy calls ./.github/workflows/deploy.yml, whose job deploy needs id-token: write; it grants none']
 * ```
 */
export function lintWorkflows(files: readonly WorkflowFile[]): string[] {
  const parsed = new Map(files.map((file) => [file.path, parse(file.source) as Workflow]));
  return files.flatMap((file) => {
    const schema = validateWorkflow(file.source).errors.map((error) =>
      'path' in error ? `${error.path}: ${error.title}` : error.detail,
    );
    if (schema.length > 0) return schema.map((problem) => `${file.path}: ${problem}`);
    const workflow = parsed.get(file.path) ?? {};
    return Object.entries(workflow.jobs ?? {})
      .flatMap(([name, job]) => [...jobRules(name, job), ...reusableGrants(name, job, workflow, parsed)])
      .map((problem) => `${file.path}: ${problem}`);
  });
}

function jobRules(name: string, job: Job): string[] {
  const problems = job.permissions === undefined ? [`job ${name} declares no permissions`] : [];
  const actions = [...(job.steps ?? []).map((step) => step.uses), job.uses].filter(
    (uses): uses is string =>
      typeof uses === 'string' && !uses.startsWith('./') && !uses.startsWith('docker://'),
  );
  for (const uses of actions) {
    if (!/@[0-9a-f]{40}$/.test(uses)) problems.push(`job ${name} uses ${uses}: pin it to a full commit SHA`);
  }
  for (const step of job.steps ?? []) {
    if (step.uses?.startsWith('actions/setup-node@') && !step.with?.['node-version-file']) {
      problems.push(`job ${name} sets up Node without node-version-file: read the repo's pin (.nvmrc)`);
    }
  }
  return problems;
}

function reusableGrants(
  name: string,
  job: Job,
  caller: Workflow,
  workflows: Map<string, Workflow>,
): string[] {
  if (!job.uses?.startsWith('./')) return [];
  const called = workflows.get(job.uses);
  if (!called) return [`job ${name} calls ${job.uses}, which is not in the repository`];
  const granted = permissionsOf(job.permissions) ?? permissionsOf(caller.permissions) ?? restrictedDefault;
  return Object.entries(called.jobs ?? {}).flatMap(([calledName, calledJob]) => {
    const asked = permissionsOf(calledJob.permissions) ?? permissionsOf(called.permissions) ?? {};
    return Object.entries(asked)
      .filter(([scope, wanted]) => rank[wanted] > rank[level(granted, scope)])
      .map(
        ([scope, wanted]) =>
          `job ${name} calls ${job.uses}, whose job ${calledName} needs ${scope}: ${wanted}; it grants ${level(granted, scope)}`,
      );
  });
}
