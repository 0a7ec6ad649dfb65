import type { LocalModel, StateMachineSpec } from '../src/model';
import { formatSites, formatStateMachines } from '../src/report';

const machine = (name: string, type: 'STANDARD' | 'EXPRESS'): StateMachineSpec => ({
  id: `SliceKitchen-dev/${name}`,
  stackName: 'SliceKitchen-dev',
  logicalId: name,
  name,
  arn: `arn:aws:states:eu-west-1:000000000000:stateMachine:${name}`,
  definition: '{}',
  definitionSubstitutions: {},
  roleArn: 'arn:aws:iam::000000000000:role/KitchenRole',
  type,
  policy: [],
});

const model = (stateMachines: StateMachineSpec[]) => ({ stateMachines }) as unknown as LocalModel;

describe('the state machines npm start lists', () => {
  it('prints one aligned line per state machine: name, type, stack and ARN', () => {
    expect(
      formatStateMachines(model([machine('order-workflow', 'STANDARD'), machine('quote', 'EXPRESS')])),
    ).toBe(
      [
        'State machines (executions: GET /_local/executions):',
        '  order-workflow  STANDARD  SliceKitchen-dev  arn:aws:states:eu-west-1:000000000000:stateMachine:order-workflow',
        '  quote           EXPRESS   SliceKitchen-dev  arn:aws:states:eu-west-1:000000000000:stateMachine:quote',
      ].join('\n'),
    );
  });

  it('prints nothing when the templates declare none', () => {
    expect(formatStateMachines(model([]))).toBe('');
  });
});

describe('formatSites', () => {
  it('prints each site with its local URL, and where to sign in', () => {
    const text = formatSites(
      [{ site: { stackName: 'SliceStorefront-dev' }, url: 'http://www.localhost:3000' }],
      'http://auth.localhost:3000',
      'alice (password slice-demo)',
    );

    expect(text).toContain('SliceStorefront-dev      http://www.localhost:3000');
    expect(text).toContain('sign in at http://auth.localhost:3000 as alice (password slice-demo)');
  });

  it('prints nothing without sites', () => {
    expect(formatSites([], 'http://auth.localhost:3000', 'alice')).toBe('');
  });
});
