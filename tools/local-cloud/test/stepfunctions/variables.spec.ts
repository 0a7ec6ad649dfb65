import { ROLE_ARN, harness } from './fixtures';

describe('workflow variables', () => {
  it('lets branches read outer variables, keeps what they assign to themselves, and assigns with entry values', async () => {
    // Prepare
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'Scopes',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Init',
        States: {
          Init: { Type: 'Pass', Assign: { count: 1, label: 'outer' }, Next: 'Swap' },
          // Both use the values at entry: count becomes 2, previous the old count 1
          Swap: {
            Type: 'Pass',
            Assign: { count: '{% $count + 1 %}', previous: '{% $count %}' },
            Next: 'Fan',
          },
          Fan: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Inner',
                States: {
                  Inner: { Type: 'Pass', Assign: { branchOnly: '{% $label & "-branch" %}' }, Next: 'Read' },
                  Read: {
                    Type: 'Pass',
                    Output: { seen: '{% $branchOnly %}', count: '{% $count %}' },
                    End: true,
                  },
                },
              },
            ],
            Assign: { fromBranch: '{% $states.result[0].seen %}' },
            Next: 'After',
          },
          After: {
            Type: 'Pass',
            Output: {
              count: '{% $count %}',
              previous: '{% $previous %}',
              fromBranch: '{% $fromBranch %}',
              leaked: '{% $exists($branchOnly) %}',
            },
            End: true,
          },
        },
      },
    });

    // Act
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    const record = await sfn.whenDone(executionArn);

    // Assess
    expect(JSON.parse(String(record.output))).toEqual({
      count: 2,
      previous: 1,
      fromBranch: 'outer-branch',
      leaked: false,
    });
  });
});
