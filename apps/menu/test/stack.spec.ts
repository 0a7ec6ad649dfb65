import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { roleActions } from '@slice/testing';
import { menuContract } from '@slice/contracts-menu';
import { MenuStack } from '../cdk/menu-stack';

let template: Template;

beforeAll(() => {
  // Bundling is skipped here: the function code is the synth target's business.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new MenuStack(app, 'SliceMenu-dev', { stage: 'dev' }));
});

/** Every action a function's role allows. */
const actionsOf = (functionLogicalPrefix: string) => roleActions(template.toJSON(), functionLogicalPrefix);

/** The actions a function's role has on the service table itself (not its stream, not the idempotency table). */
const tableActionsOf = (functionLogicalPrefix: string) =>
  roleActions(template.toJSON(), functionLogicalPrefix, {
    resource: (json) => /"Table[0-9A-F]{8}"/.test(json) && !json.includes('stream'),
  }).filter((action) => !action.startsWith('dynamodb:Describe'));

describe('SliceMenu stack', () => {
  it('publishes its table name to SSM for the data move from the monolith', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/menu/table-name',
      Value: { Ref: Match.stringLikeRegexp('^Table[0-9A-F]{8}$') },
    });
  });

  it('runs every function on nodejs24.x arm64 with an explicit timeout and memory', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(7);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 10,
        MemorySize: 512,
      });
    }
  });

  it('serves reads publicly and changes to staff through Cognito', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod !== 'OPTIONS',
    );
    expect(methods).toHaveLength(Object.keys(menuContract.routes).length);
    const byType = methods
      .map((method) => `${method.Properties.HttpMethod} ${method.Properties.AuthorizationType}`)
      .sort();
    expect(byType).toEqual([
      'DELETE COGNITO_USER_POOLS',
      'GET NONE',
      'GET NONE',
      'GET NONE',
      'POST COGNITO_USER_POOLS',
      'PUT COGNITO_USER_POOLS',
    ]);
  });

  it('keeps the menu in a table with the available-items index and a stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
    });
  });

  it('lets the read functions read but never write', () => {
    for (const fn of ['ListMenu', 'GetMenuItem']) {
      const actions = actionsOf(fn);
      expect(actions).toContain('dynamodb:GetItem');
      expect(
        actions.filter((action) => action.startsWith('dynamodb:') && /Put|Update|Delete|Write/.test(action)),
      ).toEqual([]);
    }
  });

  it('lets the batch read function read items by key and nothing else', () => {
    expect(tableActionsOf('BatchGetMenuItems')).toEqual(['dynamodb:BatchGetItem']);
  });

  it('lets only the stream function publish MenuItemChanged', () => {
    expect(actionsOf('RecordMenuChanges')).toContain('events:PutEvents');
    expect(actionsOf('UpdateMenuItem')).not.toContain('events:PutEvents');
  });

  it('gives the writers exactly their calls on the table: no deletes, batch writes or scans', () => {
    expect(tableActionsOf('CreateMenuItem').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(tableActionsOf('UpdateMenuItem').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(tableActionsOf('WithdrawMenuItem').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(tableActionsOf('RecordMenuChanges').filter((a) => !/Stream|Shard|GetRecords/.test(a))).toEqual([
      'dynamodb:PutItem',
    ]);
  });
});
