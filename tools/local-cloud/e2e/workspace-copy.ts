/**
 * A temporary copy of the workspace for tests and benchmarks that edit source files under
 * `npm run dev`: everything but `node_modules` (linked), Git and Nx's cache, with `dist/` (the
 * synthesized assemblies) so the copy starts with `--no-synth`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

const SKIPPED = new Set(['node_modules', '.git', '.nx', 'tmp', 'coverage']);

/** Copies `root` into a new temporary folder and answers it. */
export function copyWorkspace(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'slice-dev-'));
  cpSync(root, copy, {
    recursive: true,
    filter: (source) => {
      const parts = relative(root, source).split(sep);
      return (
        !parts.some((part) => SKIPPED.has(part)) &&
        !relative(root, source).startsWith(join('dist', '.slice-dev'))
      );
    },
  });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

/** A process of `npm run dev` in a copy, with what it printed so far. */
export interface DevProcess {
  readonly child: ChildProcess;
  /** Everything printed, stdout and stderr, in order. */
  output(): string;
  /** Resolves once the output matches `pattern` after `from` characters; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `npm run dev -- --no-synth` in `copy` on `port`. */
export function startDev(copy: string, port: number, args: readonly string[] = []): DevProcess {
  let output = '';
  const listeners = new Set<() => void>();
  const child = spawn('npm', ['run', 'dev', '--', '--no-synth', ...args], {
    cwd: copy,
    env: { ...process.env, PORT: String(port), NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stopping it stops npm, tsx and the cloud's environments together.
    detached: true,
  });
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output.slice(from))) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`No ${pattern} within ${timeoutMs} ms; the output was:\n${output.slice(-4000)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** Removes a copy made by {@link copyWorkspace}. */
export function removeCopy(copy: string): void {
  rmSync(copy, { recursive: true, force: true });
}
