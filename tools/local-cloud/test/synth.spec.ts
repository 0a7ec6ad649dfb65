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
});
