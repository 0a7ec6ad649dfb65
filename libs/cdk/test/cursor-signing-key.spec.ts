import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CursorSigningKey } from '../src';

/** A stack with the key and one function granted it. */
function synthesize() {
  const stack = new Stack(new App(), 'KeyStack');
  const key = new CursorSigningKey(stack, 'CursorSigningKey', { purpose: 'the test cursors' });
  const fn = new lambda.Function(stack, 'ListThings', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => ({})'),
  });
  key.grantRead(fn);
  return {
    template: Template.fromStack(stack),
    secretId: stack.getLogicalId(key.secret.node.defaultChild as never),
  };
}

describe('CursorSigningKey', () => {
  it("gives a function the secret's ARN, never its value", () => {
    const { template, secretId } = synthesize();
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn?.Properties.Environment.Variables).toEqual({
      CURSOR_SIGNING_KEY_SECRET_ARN: { Ref: secretId },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('resolve:secretsmanager');
  });

  it('lets the function read that secret and no other', () => {
    const { template, secretId } = synthesize();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
    const secrets = statements.filter((statement) =>
      JSON.stringify(statement.Action).includes('secretsmanager:'),
    );
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.Resource).toEqual({ Ref: secretId });
    expect([secrets[0]?.Action].flat().sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
  });
});
