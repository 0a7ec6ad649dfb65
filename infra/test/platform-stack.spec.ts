import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PlatformStack } from '../src';

let template: Template;

beforeAll(() => {
  template = Template.fromStack(new PlatformStack(new App(), 'SlicePlatform-dev', { stage: 'dev' }));
});

describe('SlicePlatform stack', () => {
  it('has an event bus with an archive and a dead-letter queue', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { DeadLetterConfig: { Arn: Match.anyValue() } });
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      EventPattern: { source: [{ prefix: 'slice.' }] },
    });
  });

  it('has a user pool with staff and customer groups and an app client without a secret', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'staff' });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'customer' });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('has a regional WAF web ACL with managed rules and a rate limit', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          // The services' own 413 answers oversized bodies; the WAF only counts them.
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
        Match.objectLike({ Name: 'RateLimitPerIp' }),
      ]),
    });
  });

  it('publishes every value services read under /slice/<stage>/platform/', () => {
    const names = Object.values(template.findResources('AWS::SSM::Parameter'))
      .map((p) => p.Properties.Name as string)
      .sort();
    expect(names).toEqual(
      [
        'api-url',
        'domain-name',
        'event-bus-arn',
        'event-bus-name',
        'token-issuer',
        'user-pool-arn',
        'user-pool-client-id',
        'user-pool-id',
        'web-acl-arn',
      ].map((name) => `/slice/dev/platform/${name}`),
    );
  });

  it('takes the domain from the stage file, not from the stack', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/platform/api-url',
      Value: 'https://api.dev.slice.example.com',
    });
  });

  it('keeps data in prod: the user pool is retained and protected', () => {
    const prod = Template.fromStack(new PlatformStack(new App(), 'SlicePlatform-prod', { stage: 'prod' }));
    prod.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });
});
