import { SynthProgress } from '../src/synth';

describe('SynthProgress', () => {
  it('shows each stack as it starts, bundles and finishes, and times it', () => {
    // Prepare
    const shown: string[] = [];
    const progress = new SynthProgress((line) => shown.push(line));

    // Act: Nx's stream output of two tasks, one replayed from the cache.
    progress.read('> nx run menu:synth', 1_000);
    progress.read('> nx run infra:synth  [local cache]', 1_100);
    progress.read('menu: Bundling asset SliceMenu-dev/ListMenu/Code/Stage...', 1_500);
    progress.read('menu: Bundled 6 functions of SliceMenu-dev (apps/menu/src/handlers) in 1.0 s', 2_000);
    progress.read('infra: Synthesized SlicePlatform-dev in 3.0 s (built in 2.0 s, written in 1.0 s)', 2_100);
    progress.read(
      "menu: 85 feature flags are not configured. Run 'cdk flags --unstable=flags' to learn more.",
      4_000,
    );
    progress.read('menu: Synthesized SliceMenu-dev in 4.1 s (built in 3.0 s, written in 1.1 s)', 5_000);

    // Assess
    expect(shown).toEqual([
      '  menu: synthesizing…',
      '  infra: from the Nx cache',
      '  menu: Bundled 6 functions of SliceMenu-dev (apps/menu/src/handlers) in 1.0 s',
      '  menu: Synthesized SliceMenu-dev in 4.1 s (built in 3.0 s, written in 1.1 s)',
    ]);
    expect(progress.projects(6_000)).toEqual([
      { project: 'menu', cached: false, ms: 4_000 },
      { project: 'infra', cached: true, ms: 0 },
    ]);
  });

  it('shows the batch’s shared esbuild run and its end, under no project', () => {
    // Prepare
    const shown: string[] = [];
    const progress = new SynthProgress((line) => shown.push(line));

    // Act
    progress.read('menu: Synthesizing apps/menu (stage dev)…', 0);
    progress.read('Bundled 29 functions of 8 projects in one esbuild run in 3.9 s', 3_900);
    progress.read(
      'menu: Bundled 7 functions of SliceMenu-dev (apps/menu/src/handlers) in 2.9 s (the shared build)',
      4_000,
    );
    progress.read('Ran 8 CDK apps in 2 processes in 8.8 s, none failed', 8_800);

    // Assess
    expect(shown).toEqual([
      '  menu: synthesizing…',
      '  Bundled 29 functions of 8 projects in one esbuild run in 3.9 s',
      '  menu: Bundled 7 functions of SliceMenu-dev (apps/menu/src/handlers) in 2.9 s (the shared build)',
      '  Ran 8 CDK apps in 2 processes in 8.8 s, none failed',
    ]);
    expect(progress.projects(9_000).map((project) => project.project)).toEqual(['menu']);
  });

  it('keeps the last lines, errors included, for the message of a failed synthesis', () => {
    const shown: string[] = [];
    const progress = new SynthProgress((line) => shown.push(line));

    progress.read('> nx run orders:synth', 0);
    progress.read('orders: Error: ServiceFunction PlaceOrder: entry /x.ts does not exist.', 10);

    expect(shown).toContain('  orders: Error: ServiceFunction PlaceOrder: entry /x.ts does not exist.');
    expect(progress.tail.at(-1)).toBe(
      'orders: Error: ServiceFunction PlaceOrder: entry /x.ts does not exist.',
    );
    // Never finished: its time so far.
    expect(progress.projects(250)).toEqual([{ project: 'orders', cached: false, ms: 250 }]);
  });

  it('follows a batch: each project from its first line, the replay Nx prints after it ignored', () => {
    const shown: string[] = [];
    const progress = new SynthProgress((line) => shown.push(line));

    // Act: the synth executor runs two projects in one process; Nx names each once it is done.
    progress.read('> nx run infra:synth  [local cache]', 0);
    progress.read('NX   Running 2 tasks with @slice/deploy:synth', 10);
    progress.read('menu: Synthesizing apps/menu (stage dev)…', 100);
    progress.read('menu: Bundled 7 functions of SliceMenu-dev (apps/menu/src/handlers) in 1.1 s', 1_300);
    progress.read('menu: Synthesized SliceMenu-dev in 2.9 s (built in 2.0 s, written in 0.9 s)', 3_000);
    progress.read('orders: Synthesizing apps/orders (stage dev)…', 3_000);
    progress.read('> nx run menu:synth', 3_010);
    progress.read('Synthesized SliceMenu-dev in 2.9 s (built in 2.0 s, written in 0.9 s)', 3_010);
    progress.read('orders: Synthesized SliceOrders-dev in 1.5 s (built in 1.0 s, written in 0.5 s)', 4_500);

    expect(shown).toEqual([
      '  infra: from the Nx cache',
      '  menu: synthesizing…',
      '  menu: Bundled 7 functions of SliceMenu-dev (apps/menu/src/handlers) in 1.1 s',
      '  menu: Synthesized SliceMenu-dev in 2.9 s (built in 2.0 s, written in 0.9 s)',
      '  orders: synthesizing…',
      '  orders: Synthesized SliceOrders-dev in 1.5 s (built in 1.0 s, written in 0.5 s)',
    ]);
    expect(progress.projects(5_000)).toEqual([
      { project: 'infra', cached: true, ms: 0 },
      { project: 'menu', cached: false, ms: 2_900 },
      { project: 'orders', cached: false, ms: 1_500 },
    ]);
  });

  it('follows the tasks of a configuration (npm start synthesizes with local)', () => {
    const shown: string[] = [];
    const progress = new SynthProgress((line) => shown.push(line));

    progress.read('> nx run infra:synth:local  [local cache]', 0);
    progress.read('kitchen: Synthesizing apps/kitchen (stage dev)…', 100);
    progress.read('> nx run kitchen:synth:local', 2_000);
    progress.read('kitchen: Synthesized SliceKitchen-dev in 1.9 s (built in 1.5 s, written in 0.4 s)', 2_000);

    expect(shown).toEqual([
      '  infra: from the Nx cache',
      '  kitchen: synthesizing…',
      '  kitchen: Synthesized SliceKitchen-dev in 1.9 s (built in 1.5 s, written in 0.4 s)',
    ]);
    expect(progress.projects(3_000)).toEqual([
      { project: 'infra', cached: true, ms: 0 },
      { project: 'kitchen', cached: false, ms: 1_900 },
    ]);
  });

  describe('settled()', () => {
    /** Nx's lines of a run of three projects: infra replayed, menu and orders in one batch. */
    const run = (batchEnd: string) => [
      'NX   Running target synth for 3 projects:',
      '> nx run infra:synth:local  [local cache]',
      'NX   Running 2 tasks with @slice/deploy:synth',
      'menu: Synthesizing apps/menu (stage dev)…',
      'orders: Synthesizing apps/orders (stage dev)…',
      'menu: Synthesized SliceMenu-dev in 2.9 s (built in 2.0 s, written in 0.9 s)',
      'orders: Synthesized SliceOrders-dev in 1.5 s (built in 1.0 s, written in 0.5 s)',
      batchEnd,
    ];

    it('is settled once the batch ends with every app synthesized and the replays make up the run', () => {
      // Prepare
      const progress = new SynthProgress(() => undefined);
      const lines = run('Ran 2 CDK apps in 2 processes in 3.0 s, none failed');
      const settledAfter: boolean[] = [];

      // Act
      for (const line of lines) {
        progress.read(line, 0);
        settledAfter.push(progress.settled());
      }

      // Assess: only the batch's last line settles the run.
      expect(settledAfter).toEqual([...lines.slice(1).map(() => false), true]);
    });

    it('is not settled when an app failed: the caller waits for Nx to say so', () => {
      const progress = new SynthProgress(() => undefined);

      for (const line of run('Ran 2 CDK apps in 2 processes in 3.0 s; failed: orders:synth:local'))
        progress.read(line, 0);

      expect(progress.settled()).toBe(false);
    });

    it('is not settled while a project of the run is neither replayed nor in the batch', () => {
      const progress = new SynthProgress(() => undefined);

      // Four projects, one replayed and two in the batch: one is still to come.
      progress.read('\u001b[1mNX\u001b[22m   Running target synth for 4 projects:', 0);
      for (const line of run('Ran 2 CDK apps in 2 processes in 3.0 s, none failed').slice(1))
        progress.read(line, 0);

      expect(progress.settled()).toBe(false);
    });

    it('reads Nx’s header through its colours', () => {
      const progress = new SynthProgress(() => undefined);
      const [, ...rest] = run('Ran 2 CDK apps in 2 processes in 3.0 s, none failed');

      progress.read('\u001b[1m\u001b[36mNX\u001b[39m\u001b[22m   Running target synth for 3 projects:', 0);
      for (const line of rest) progress.read(line, 0);

      expect(progress.settled()).toBe(true);
    });
  });
});
