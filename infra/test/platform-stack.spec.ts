import { BlockList } from 'node:net';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Problem } from '@slice/contract';
import { InvalidPreviewSource, PlatformStack, type PlatformStackProps } from '../src';

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

  it('limits each caller on its own, per IP and per bearer token, answering 429 with Retry-After', () => {
    interface Rule {
      Name: string;
      Statement: { RateBasedStatement?: unknown };
      Action: { Block?: { CustomResponse?: unknown } };
    }
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL')) as Array<{
      Properties: { Rules: Rule[]; CustomResponseBodies: Record<string, { Content: string }> };
    }>;
    const byName = new Map((acl?.Properties.Rules ?? []).map((rule) => [rule.Name, rule]));
    const perIp = byName.get('RateLimitPerIp');
    const perCaller = byName.get('RateLimitPerCaller');

    expect(perIp?.Statement.RateBasedStatement).toEqual({ Limit: 2000, AggregateKeyType: 'IP' });
    expect(perCaller?.Statement.RateBasedStatement).toEqual({
      Limit: 1000,
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [
        { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      ],
    });
    for (const rule of [perIp, perCaller]) {
      expect(rule?.Action.Block?.CustomResponse).toEqual({
        ResponseCode: 429,
        CustomResponseBodyKey: 'rate-limited',
        ResponseHeaders: [{ Name: 'Retry-After', Value: '300' }],
      });
    }
    const body = JSON.parse(acl?.Properties.CustomResponseBodies['rate-limited']?.Content ?? '{}') as unknown;
    expect(body).toMatchObject({ status: 429, title: 'Too Many Requests' });
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
        'sign-in-url',
        'token-issuer',
        'user-pool-arn',
        'user-pool-client-id',
        'user-pool-id',
        'web-acl-arn',
        'ws-url',
      ].map((name) => `/slice/dev/platform/${name}`),
    );
  });

  it('takes the domain from the stage file, not from the stack', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/platform/api-url',
      Value: 'https://api.dev.slice.example.com',
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/platform/ws-url',
      Value: 'wss://ws.dev.slice.example.com',
    });
  });

  it("gives the user pool the stage's Cognito domain for its hosted sign-in pages", () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'slice-dev-example' });
  });

  it("lets the app client sign customers in with the code grant, back on the stage's storefront only", () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://www.dev.slice.example.com/callback'],
      LogoutURLs: ['https://www.dev.slice.example.com/'],
      SupportedIdentityProviders: ['COGNITO'],
      GenerateSecret: false,
    });
  });

  it('keeps data in prod: the user pool is retained and protected', () => {
    const prod = Template.fromStack(new PlatformStack(new App(), 'SlicePlatform-prod', { stage: 'prod' }));
    prod.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });

  it('is clean under cdk-nag AwsSolutions', () => {
    const stack = new PlatformStack(new App(), 'SlicePlatform-dev', { stage: 'dev' });
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

    expect(report.violations).toEqual([]);
  });
});

describe('the routing header guard (x-slice-route only from preview sources)', () => {
  type Resource = { Type: string; Properties: Record<string, unknown> };
  type Rule = { Name: string; Priority: number };

  const synth = (stage: string, props: Partial<PlatformStackProps> = {}): Template =>
    Template.fromStack(new PlatformStack(new App(), `SlicePlatform-${stage}`, { stage, ...props }));
  const ipSets = (of: Template): Record<string, Resource> =>
    of.findResources('AWS::WAFv2::IPSet') as Record<string, Resource>;
  const addressesOf = (of: Template, version: 'IPV4' | 'IPV6'): unknown =>
    Object.values(ipSets(of)).find((set) => set.Properties.IPAddressVersion === version)?.Properties
      .Addresses;
  const webAcl = (of: Template): Record<string, unknown> =>
    (Object.values(of.findResources('AWS::WAFv2::WebACL'))[0] as Resource).Properties;

  let prod: Template;
  beforeAll(() => {
    prod = synth('prod');
  });

  it('blocks the header from any source outside both IP sets, whatever its value', () => {
    const [ipv4, ipv6] = ['IPV4', 'IPV6'].map(
      (version) =>
        Object.entries(ipSets(template)).find(([, set]) => set.Properties.IPAddressVersion === version)?.[0],
    );
    expect(ipv4).toBeDefined();
    expect(ipv6).toBeDefined();

    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'BlockRoutingHeader',
          Statement: {
            AndStatement: {
              Statements: [
                {
                  SizeConstraintStatement: {
                    FieldToMatch: { SingleHeader: { Name: 'x-slice-route' } },
                    ComparisonOperator: 'GE',
                    Size: 0,
                    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                  },
                },
                {
                  NotStatement: {
                    Statement: {
                      OrStatement: {
                        Statements: [
                          { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [ipv4, 'Arn'] } } },
                          { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [ipv6, 'Arn'] } } },
                        ],
                      },
                    },
                  },
                },
              ],
            },
          },
          VisibilityConfig: {
            CloudWatchMetricsEnabled: true,
            MetricName: 'block-routing-header',
            SampledRequestsEnabled: true,
          },
        }),
      ]),
    });
  });

  it('answers a blocked request with 403 and a problem document naming the header', () => {
    const acl = webAcl(template);
    const rule = (
      acl.Rules as (Rule & { Action: { Block: { CustomResponse: Record<string, unknown> } } })[]
    ).find((candidate) => candidate.Name === 'BlockRoutingHeader');
    const response = rule?.Action.Block.CustomResponse;
    expect(response?.ResponseCode).toBe(403);

    const bodies = acl.CustomResponseBodies as Record<string, { ContentType: string; Content: string }>;
    const body = bodies[response?.CustomResponseBodyKey as string];
    expect(body?.ContentType).toBe('APPLICATION_JSON');
    const problem = Problem.parse(JSON.parse(body?.Content ?? 'null'));
    expect(problem).toMatchObject({ type: 'urn:slice:problem:forbidden', status: 403 });
    expect(problem.detail).toContain('x-slice-route');
  });

  it('runs before the managed rule groups and the rate limit', () => {
    const rules = webAcl(template).Rules as Rule[];
    const guard = rules.find((rule) => rule.Name === 'BlockRoutingHeader');
    const others = rules.filter((rule) => rule !== guard);

    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(guard?.Priority).toBeLessThan(other.Priority);
    expect(new Set(rules.map((rule) => rule.Priority)).size).toBe(rules.length);
  });

  it('lets every IPv4 and IPv6 address send the header in dev', () => {
    const allowed = new BlockList();
    for (const version of ['IPV4', 'IPV6'] as const) {
      for (const cidr of addressesOf(template, version) as string[]) {
        const [address = '', prefix] = cidr.split('/');
        allowed.addSubnet(address, Number(prefix), version === 'IPV4' ? 'ipv4' : 'ipv6');
      }
    }

    for (const address of ['0.0.0.0', '127.0.0.1', '128.0.0.0', '203.0.113.9', '255.255.255.255']) {
      expect(allowed.check(address, 'ipv4')).toBe(true);
    }
    for (const address of [
      '::',
      '::1',
      '2001:db8::1',
      '7fff::',
      '8000::',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]) {
      expect(allowed.check(address, 'ipv6')).toBe(true);
    }
  });

  it('lets nobody send the header in prod: the rule is there and both IP sets are empty', () => {
    prod.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'BlockRoutingHeader', Action: { Block: Match.anyValue() } }),
      ]),
    });
    expect(addressesOf(prod, 'IPV4')).toEqual([]);
    expect(addressesOf(prod, 'IPV6')).toEqual([]);
  });

  it("puts a team's office and VPN CIDRs in the IP set of their version", () => {
    const listed = synth('prod', { previewSources: ['203.0.113.0/24', '2001:db8::/48', '198.51.100.7/32'] });

    expect(addressesOf(listed, 'IPV4')).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(addressesOf(listed, 'IPV6')).toEqual(['2001:db8::/48']);
    listed.resourcePropertiesCountIs('AWS::WAFv2::IPSet', { Scope: 'REGIONAL' }, 2);
  });

  it.each([
    '0.0.0.0/0',
    '::/0',
    '203.0.113.9',
    '203.0.113.0/33',
    '2001:db8::/129',
    'office.example.com/24',
    '10.0.0.0/8/8',
  ])('refuses %s at synthesis, before WAF would', (source) => {
    expect(() => synth('prod', { previewSources: [source] })).toThrow(InvalidPreviewSource);
  });
});
