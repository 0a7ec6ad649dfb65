import { App, Stack } from 'aws-cdk-lib';
import { performance } from 'node:perf_hooks';
import { appStartMark, synthesize } from '../src';

describe('synthesize', () => {
  it('writes the assembly and says which stacks it synthesized, with the time taken', () => {
    // The template check is the CDK's business, not this helper's, and takes seconds.
    const app = new App({ builtinCloudFormationValidation: false });
    new Stack(app, 'SliceCatalog-dev');
    new Stack(app, 'SliceTills-dev');
    const lines: string[] = [];

    const assembly = synthesize(app, (line) => lines.push(line));

    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual(['SliceCatalog-dev', 'SliceTills-dev']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Synthesized SliceCatalog-dev, SliceTills-dev in \d+\.\d s \(built in \d+\.\d s, written in \d+\.\d s\)$/,
    );
  });

  it('times an app from the mark of a runner that starts several in one process', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    new Stack(app, 'SliceCatalog-dev');
    const lines: string[] = [];
    // The runner starts the app now: this worker has been up far longer (aws-cdk-lib alone loads
    // in more than 0.05 s), so a time counted from the process start would not round to 0.0 s.
    performance.mark(appStartMark);

    try {
      synthesize(app, (line) => lines.push(line));
    } finally {
      performance.clearMarks(appStartMark);
    }

    expect(lines[0]).toMatch(/^Synthesized SliceCatalog-dev in \d+\.\d s \(built in 0\.0 s, /);
  });
});
