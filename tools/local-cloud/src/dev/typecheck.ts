/**
 * The type check of `npm run dev`'s fast path: one TypeScript watch program per project, over the
 * handler files of its running functions (and what they import), with the project's compiler
 * options. Built once (seconds), then re-checked incrementally per saved change (tens of ms).
 *
 * It runs in a worker thread (`type-checker.ts` starts it), so building a program never blocks
 * the local cloud's event loop; Node runs this file as it is (types stripped), so it uses only
 * erasable TypeScript and imports nothing of the workspace.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';

const formatHost = (root: string): ts.FormatDiagnosticsHost => ({
  getCanonicalFileName: (file) => file,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
});

/** The nearest `tsconfig.json` above a file, within the root. */
export function tsconfigOf(root: string, file: string): string | undefined {
  for (let dir = dirname(file); !relative(root, dir).startsWith('..'); dir = dirname(dir)) {
    const config = join(dir, 'tsconfig.json');
    if (existsSync(config) && dir !== root) return config;
    if (dir === root) break;
  }
  return undefined;
}

/**
 * A watch program over some entry files, told of changes by its owner instead of watching files
 * itself, so a check runs exactly when the dev loop asks for it.
 */
class EntryProgram {
  readonly entries: readonly string[];
  private readonly fileCallbacks = new Map<string, ts.FileWatcherCallback>();
  private readonly watch: ts.WatchOfFilesAndCompilerOptions<ts.SemanticDiagnosticsBuilderProgram>;

  constructor(entries: readonly string[], options: ts.CompilerOptions) {
    this.entries = entries;
    const host = ts.createWatchCompilerHost(
      [...entries],
      { ...options, noEmit: true },
      ts.sys,
      ts.createSemanticDiagnosticsBuilderProgram,
      () => undefined,
      () => undefined,
    );
    host.watchFile = (file, callback) => {
      this.fileCallbacks.set(file, callback);
      return { close: () => this.fileCallbacks.delete(file) };
    };
    host.watchDirectory = () => ({ close: () => undefined });
    // No timer: the program is brought up to date when `check` asks for it.
    delete host.setTimeout;
    delete host.clearTimeout;
    this.watch = ts.createWatchProgram(host);
  }

  /** The diagnostics after `changed` files changed on disk. */
  check(changed: readonly string[]): readonly ts.Diagnostic[] {
    for (const file of changed) this.fileCallbacks.get(file)?.(file, ts.FileWatcherEventKind.Changed);
    const program = this.watch.getProgram();
    return [
      ...program.getConfigFileParsingDiagnostics(),
      ...program.getOptionsDiagnostics(),
      ...program.getSyntacticDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSemanticDiagnostics(),
    ];
  }

  close(): void {
    this.watch.close();
  }
}

/** Type-checks the handler files of running functions, per project, incrementally. */
class EntryChecker {
  private readonly programs = new Map<string, EntryProgram>();
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** The errors of checking `entries` (grouped by their projects) after `changed`; `undefined` when clean. */
  check(entries: readonly string[], changed: readonly string[]): string | undefined {
    const diagnostics = [...this.byConfig(entries)].flatMap(([config, files]) =>
      this.programFor(config, files).check(changed),
    );
    const errors = diagnostics.filter((each) => each.category === ts.DiagnosticCategory.Error);
    return errors.length === 0 ? undefined : ts.formatDiagnostics(errors, formatHost(this.root)).trimEnd();
  }

  close(): void {
    for (const program of this.programs.values()) program.close();
    this.programs.clear();
  }

  private byConfig(entries: readonly string[]): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const entry of entries) {
      const config = tsconfigOf(this.root, entry);
      if (config === undefined) continue;
      groups.set(config, [...(groups.get(config) ?? []), entry]);
    }
    return groups;
  }

  /** The program of a project, made anew when it must cover entries it does not yet have. */
  private programFor(config: string, entries: readonly string[]): EntryProgram {
    const existing = this.programs.get(config);
    if (existing && entries.every((entry) => existing.entries.includes(entry))) return existing;
    existing?.close();
    const parsed = ts.getParsedCommandLineOfConfigFile(
      config,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    const all = [...new Set([...(existing?.entries ?? []), ...entries])];
    const program = new EntryProgram(all, parsed?.options ?? {});
    this.programs.set(config, program);
    return program;
  }
}

/** A request of the dev loop: check `entries` after `changed` changed. */
export interface CheckRequest {
  readonly id: number;
  readonly entries: readonly string[];
  readonly changed: readonly string[];
}

/** The answer: the formatted errors, if any. */
export interface CheckAnswer {
  readonly id: number;
  readonly errors?: string;
  readonly failure?: string;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const checker = new EntryChecker((workerData as { root: string }).root);
  port.on('message', (request: CheckRequest) => {
    try {
      const errors = checker.check(request.entries, request.changed);
      port.postMessage({ id: request.id, ...(errors === undefined ? {} : { errors }) } satisfies CheckAnswer);
    } catch (error) {
      port.postMessage({ id: request.id, failure: error instanceof Error ? error.message : String(error) });
    }
  });
}
