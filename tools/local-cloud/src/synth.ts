/**
 * The synthesis step of `npm start`: the `synth` target of every deployable the local cloud runs
 * (the apps and the platform's infra) through Nx, in its `local` configuration (cached; what is not
 * cached synthesizes in one process per core, see `tools/deploy/src/synth/executor.ts`), with a
 * line per stack as it starts, bundles and finishes, and the time each took, instead of a silent
 * wait. It is done when the batch's last line says every app synthesized and, with what Nx
 * replayed, that makes every project of the run: the cloud then starts while Nx stores the outputs
 * in its cache and exits (about 0.4 to 1.9 s on 2 cores), and a failure Nx reports after that is
 * still printed. The `local` configuration leaves out aws-cdk-lib's built-in template validation, which
 * `nx run <project>:synth`, `validate` and CI still run; cdk-nag runs in both.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';

/** Options of {@link synthesizeAll}. */
export interface SynthesizeAllOptions {
  /** The repository root. */
  readonly root: string;
  /** Where progress goes, a line at a time. @default console.log */
  readonly log?: (line: string) => void;
  /** How many projects synthesize at once. @default the number of cores */
  readonly parallel?: number;
  /** The environment Nx runs in. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** How one project's synthesis went. */
export interface ProjectSynth {
  readonly project: string;
  /** Replayed from the Nx cache rather than synthesized. */
  readonly cached: boolean;
  /** From the start of its task to its `Synthesized …` line (or the end of the run). */
  readonly ms: number;
}

/** What {@link synthesizeAll} did. */
export interface SynthesizeAllResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly projects: readonly ProjectSynth[];
  /** The last lines Nx printed, to show when a project failed. */
  readonly tail: readonly string[];
}

/** The projects whose assemblies the local cloud loads (`assemblyDirs` of `cloud.ts`). */
export const localDeployables = 'tag:type:app,tag:type:infra';

/** Nx naming a task: as it starts, or replaying it (`> nx run infra:synth:local [local cache]`). */
const taskStart = /^> nx run ([\w-]+):synth(?::[\w-]+)?(.*)$/;
/** A line the synth executor printed for a project (`menu: Bundled 6 functions …`). */
const taskLine = /^([\w-]+): (.*)$/;
/** The executor's first line for a project it synthesizes (`menu: Synthesizing apps/menu …`). */
const synthesisStart = /^Synthesizing /;
/** The batch's own lines: its shared esbuild run, and its end (`tools/deploy/src/synth/executor.ts`). */
const batchLine =
  /^(Bundled \d+ functions of \d+ projects in one esbuild run|The shared esbuild run failed|Ran \d+ CDK apps? )/;
/** Nx's first line: how many projects the run has (`NX   Running target synth for 8 projects:`). */
const runStart = /^NX\s+Running target synth for (\d+) projects?\b/;
/** The batch's last line, once every result went to Nx (`batchEndLine` of the synth executor). */
const batchEnd = /^Ran (\d+) CDK apps? .*?(, none failed|; failed: .*)$/;
/** What a task prints that a person starting the platform wants to see. */
const worthShowing = /^(Bundled |Synthesized |.*\berror\b|.*\bError\b)/;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Follows Nx's stream output of `run-many -t synth`: which project started (from the cache or
 * not), what it printed that is worth showing, and when it finished.
 *
 * @example
 * ```ts
 * const progress = new SynthProgress(console.log);
 * progress.read('> nx run menu:synth', performance.now()); // prints "  menu: synthesizing…"
 * ```
 */
export class SynthProgress {
  private readonly started = new Map<string, { at: number; cached: boolean }>();
  private readonly finished = new Map<string, ProjectSynth>();
  private total: number | undefined;
  private batch: { apps: number; ok: boolean } | undefined;
  readonly tail: string[] = [];

  constructor(private readonly log: (line: string) => void) {}

  read(raw: string, now: number): void {
    const line = stripVTControlCharacters(raw);
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
    const run = runStart.exec(line);
    if (run?.[1]) this.total = Number(run[1]);
    const end = batchEnd.exec(line);
    if (end?.[1]) this.batch = { apps: Number(end[1]), ok: end[2]?.startsWith(',') === true };
    if (batchLine.test(line)) {
      this.log(`  ${line}`);
      return;
    }
    const start = taskStart.exec(line);
    if (start?.[1]) {
      // A batch's tasks are named after they ran, when Nx prints what each printed: already seen.
      if (!this.started.has(start[1]))
        this.begin(start[1], /cache|existing outputs/i.test(start[2] ?? ''), now);
      return;
    }
    const printed = taskLine.exec(line);
    if (!printed?.[1] || !printed[2]) return;
    const [, project, text] = printed;
    const task = this.started.get(project);
    if (!task) {
      if (synthesisStart.test(text)) this.begin(project, false, now);
      return;
    }
    if (task.cached) return;
    if (worthShowing.test(text)) this.log(`  ${project}: ${text}`);
    if (text.startsWith('Synthesized ') && !this.finished.has(project))
      this.finished.set(project, { project, cached: false, ms: now - task.at });
  }

  private begin(project: string, cached: boolean, now: number): void {
    this.started.set(project, { at: now, cached });
    this.log(`  ${project}: ${cached ? 'from the Nx cache' : 'synthesizing…'}`);
  }

  /**
   * Whether every project of the run is in `dist/`: the batch ended with every app synthesized,
   * and with the ones Nx replayed from its cache (which it does before the batch) they are all
   * the run has. Nx still has its own work to finish (storing the outputs in its cache).
   */
  settled(): boolean {
    if (this.total === undefined || !this.batch?.ok) return false;
    const replayed = [...this.started.values()].filter((task) => task.cached).length;
    return replayed + this.batch.apps === this.total;
  }

  /** Every project seen, finished or not, with its time so far. */
  projects(now: number): ProjectSynth[] {
    return [...this.started].map(
      ([project, { at, cached }]) =>
        this.finished.get(project) ?? { project, cached, ms: cached ? 0 : now - at },
    );
  }
}

/**
 * Runs `nx run-many -t synth -c local` for the deployables the local cloud loads and reports as it goes: which
 * stacks come from the cache, each `Bundled …` and `Synthesized …` line the CDK apps print, and a
 * summary with each project's time.
 *
 * @example
 * ```ts
 * const synth = await synthesizeAll({ root });
 * if (!synth.ok) console.error(synth.tail.join('\n'));
 * ```
 */
export async function synthesizeAll(options: SynthesizeAllOptions): Promise<SynthesizeAllResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const parallel = Math.max(1, options.parallel ?? availableParallelism());
  const started = performance.now();
  log('Synthesizing every stack (Nx replays what did not change, the rest share one process)…');
  const nx = spawn(
    process.execPath,
    [
      join(options.root, 'node_modules/nx/dist/bin/nx.js'),
      'run-many',
      '-t',
      'synth',
      '-c',
      'local',
      // What the local cloud loads: not the portal's stack (the cloud serves dist/portal itself).
      `--projects=${localDeployables}`,
      '--outputStyle=stream',
      `--parallel=${parallel}`,
    ],
    {
      cwd: options.root,
      // Nx's project graph plugins (project.json, package.json) load in its own process: about half
      // a second less before the first task than with a process per plugin.
      env: { NX_ISOLATE_PLUGINS: 'false', ...(options.env ?? process.env), NX_TUI: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const progress = new SynthProgress(log);
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((done) => (settle = done));
  const read = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on('line', (line) => {
      progress.read(line.trim(), performance.now());
      if (progress.settled()) settle();
    });
  read(nx.stdout);
  read(nx.stderr);
  const closed = new Promise<number | null>((done) => nx.once('close', done));
  // Every stack is written once the batch says so: the cloud starts while Nx stores its outputs.
  const code = await Promise.race([closed, settled.then(() => 'settled' as const)]);
  if (code === 'settled')
    void closed.then((late) => {
      if (late !== 0)
        log(`Nx ended with code ${late} after every stack had synthesized:\n${progress.tail.join('\n')}`);
    });
  const ms = performance.now() - started;
  const projects = progress.projects(performance.now());
  const built = projects.filter((project) => !project.cached);
  log(
    `Synthesized ${projects.length} projects in ${seconds(ms)}: ${
      built.map((project) => `${project.project} ${seconds(project.ms)}`).join(', ') || 'nothing new'
    }${built.length < projects.length ? `; ${projects.length - built.length} from the cache` : ''}.`,
  );
  return { ok: code === 'settled' || code === 0, ms, projects, tail: progress.tail };
}
