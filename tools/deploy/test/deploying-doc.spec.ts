/**
 * Every command docs/deploying.md shows is run here: the `npx nx` ones as dry runs in a scratch
 * workspace whose `cdk` records what it is asked (a dry run with no AWS credentials must exit 0 and
 * deploy nothing), the `cdk ls` one for real in its project folder. The one command that exists only
 * against an AWS account (`cdk bootstrap`) is named below; a new command in the doc fails the test
 * until it is run here or named there.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createScratchWorkspace, deploysIn, workspaceRoot, type ScratchWorkspace } from './scratch-workspace';

const run = promisify(execFile);

/** Commands with no dry run: they exist only against a real account. */
const needsAnAccount = [/^npx cdk bootstrap aws:\/\/<account>\/<region>$/];

/** Every shell command in the doc: the lines of its `sh` blocks and its inline `npx`/`cd` spans. */
function documentedCommands(): string[] {
  const doc = readFileSync(join(workspaceRoot, 'docs/deploying.md'), 'utf8');
  const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => match[1]!.split('\n'));
  const inline = [...doc.matchAll(/`((?:npx|cd|git) [^`]+)`/g)].map((match) => match[1]!);
  const commands = [...blocks, ...inline].map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
  return [...new Set(commands)];
}

/** One `&&` part of a command as an Nx dry run: placeholders filled, `--dry-run` added. */
function asNxDryRun(part: string): string[] {
  const args = part
    .replace(/^npx nx /, '')
    .replaceAll('<stage>', 'dev')
    .replaceAll('<service>', 'orders')
    .split(/\s+/);
  const dry = args.includes('--dry-run') ? args : [...args, '--dry-run'];
  // The scratch workspace has no git history: `affected` is told which file changed.
  return dry[0] === 'affected' ? [...dry, '--files=apps/orders/project.json'] : dry;
}

const parts = (command: string) => command.split('&&').map((part) => part.trim());
const nxParts = (command: string) => parts(command).filter((part) => part.startsWith('npx nx '));
const documentedNx = documentedCommands().filter((command) => nxParts(command).length > 0);
/** One command per distinct dry run (the doc shows some with and without `--dry-run`). */
const nxCommands = [
  ...new Map(
    documentedNx.map((command) => [
      nxParts(command)
        .map((part) => asNxDryRun(part).join(' '))
        .join(' && '),
      command,
    ]),
  ).values(),
];
const cdkListings = documentedCommands().filter((command) => /^cd \S+ && npx cdk ls$/.test(command));

/** The stack the doc says a `cdk ls` prints, from the comment after it. */
function documentedListing(command: string): string | undefined {
  const doc = readFileSync(join(workspaceRoot, 'docs/deploying.md'), 'utf8');
  const line = doc.split('\n').find((each) => each.startsWith(`${command} `));
  return line?.match(/#\s*(\S+)\s*$/)?.[1];
}

let workspace: ScratchWorkspace;
beforeAll(() => {
  workspace = createScratchWorkspace();
});
afterAll(() => workspace.remove());

describe('docs/deploying.md', () => {
  it('has no command that no test runs', () => {
    const unhandled = documentedCommands().filter(
      (command) =>
        !documentedNx.includes(command) &&
        !cdkListings.includes(command) &&
        !needsAnAccount.some((pattern) => pattern.test(command)),
    );

    expect(unhandled).toEqual([]);
    expect(nxCommands.length).toBeGreaterThanOrEqual(5);
  });

  it.each(nxCommands)(
    '%s, as a dry run, exits 0 and deploys nothing',
    async (command) => {
      for (const part of nxParts(command)) {
        const { output, cdkCalls } = await workspace.nx(...asNxDryRun(part));

        expect(deploysIn(cdkCalls)).toEqual([]);
        expect(output).toMatch(/^command: +cdk (deploy|diff) /m);
      }
    },
    120_000,
  );

  it.each(cdkListings)(
    '%s lists the stack of that folder',
    async (command) => {
      const folder = command.replace(/^cd (\S+) && .*$/, '$1');
      const env = { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
      // Its own output folder: the project's assembly folder belongs to the synth target Nx may be running.
      const output = mkdtempSync(join(tmpdir(), 'slice-cdk-ls-'));

      try {
        const { stdout } = await run('npx', ['cdk', 'ls', '--no-notices', '--output', output], {
          cwd: join(workspaceRoot, folder),
          env,
        });

        expect(stdout.trim().split('\n')).toEqual([documentedListing(command)]);
      } finally {
        rmSync(output, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
