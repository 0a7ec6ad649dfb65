import { roleActions } from '../src';

const template = {
  Resources: {
    GetOrderServiceRoleA1B2C3D4: { Type: 'AWS::IAM::Role', Properties: {} },
    GetOrderServiceRoleDefaultPolicyE5F6: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'GetOrderServiceRoleA1B2C3D4' }],
        PolicyDocument: {
          Statement: [
            {
              Action: ['dynamodb:GetItem', 'dynamodb:Query'],
              Resource: { 'Fn::GetAtt': ['TableCD117FA1', 'Arn'] },
            },
            { Action: 'xray:PutTraceSegments', Resource: '*' },
          ],
        },
      },
    },
    OtherPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'SomeoneElseRole' }],
        PolicyDocument: { Statement: [{ Action: 'dynamodb:DeleteItem', Resource: '*' }] },
      },
    },
  },
};

describe('roleActions', () => {
  it("lists every action of the function's role, and none of another role's", () => {
    expect(roleActions(template, 'GetOrder')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'xray:PutTraceSegments',
    ]);
  });

  it('keeps only the statements on a resource when asked', () => {
    expect(roleActions(template, 'GetOrder', { resource: (json) => json.includes('TableCD117FA1') })).toEqual(
      ['dynamodb:GetItem', 'dynamodb:Query'],
    );
  });

  it('says so when the function has no role in the template', () => {
    expect(() => roleActions(template, 'PlaceOrder')).toThrow(/No role of a function PlaceOrder/);
  });
});
