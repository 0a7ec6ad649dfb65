import { App, Stack } from 'aws-cdk-lib';
import { synthesize } from '../src';

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
});
