import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { catchAllPriority, FrontDoorStack, routing } from '../src';

let template: Template;

beforeAll(() => {
  template = Template.fromStack(
    new FrontDoorStack(new App(), 'SliceFrontDoor-dev', { stage: 'dev', routing }),
  );
});

interface RuleProperties {
  Priority: number;
  Conditions: unknown[];
  Actions: Array<{ InvokeApi: Record<string, unknown> }>;
}

const rules = (): RuleProperties[] =>
  Object.values(template.findResources('AWS::ApiGatewayV2::RoutingRule')).map(
    (rule) => rule.Properties as RuleProperties,
  );

describe('SliceFrontDoor stack', () => {
  it('serves one regional TLS 1.2 custom domain, rules first, with a DNS-validated certificate and an alias', () => {
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.dev.slice.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
      RoutingMode: 'ROUTING_RULE_THEN_BASE_PATH_MAPPING',
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { ValidationMethod: 'DNS' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', AliasTarget: Match.anyValue() });
  });

  it('publishes the base paths it sends to services, which the monolith refuses without the routing header', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/front-door/moved-base-paths',
      Value: JSON.stringify({ basePaths: routing.services.flatMap((route) => route.basePaths) }),
    });
    expect(routing.services.flatMap((route) => route.basePaths)).toEqual(['menu', 'orders', 'kitchen']);
  });

  it('has one rule per service base path, targeting the API id the service publishes in SSM', () => {
    for (const route of routing.services) {
      const rule = rules().find((r) => r.Priority === route.priority);
      expect(rule?.Conditions).toEqual([{ MatchBasePaths: { AnyOf: route.basePaths } }]);
      expect(rule?.Actions[0]?.InvokeApi).toMatchObject({ Stage: 'dev', StripBasePath: false });
      expect(JSON.stringify(template.toJSON().Parameters)).toContain(`/slice/dev/${route.service}/api-id`);
    }
  });

  it('puts the header rules above the services and a catch-all without conditions last', () => {
    const header = rules().find((r) => r.Priority === routing.headerRules[0]?.priority);
    expect(header?.Conditions).toEqual([
      { MatchHeaders: { AnyOf: [{ Header: 'x-slice-route', ValueGlob: 'monolith' }] } },
    ]);
    const catchAll = rules().find((r) => r.Priority === catchAllPriority);
    expect(catchAll?.Conditions).toEqual([]);
    expect(rules()).toHaveLength(routing.services.length + routing.headerRules.length + 1);
  });

  it('sends unmatched routes and the x-slice-route: monolith header to the monolith API id from SSM', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    const parameters = template.toJSON().Parameters as Record<string, { Default?: string }>;
    const [monolithParameter] = Object.entries(parameters).find(
      ([, parameter]) => parameter.Default === '/slice/dev/monolith/api-id',
    ) ?? [''];
    expect(monolithParameter).not.toBe('');
    for (const priority of [catchAllPriority, routing.headerRules[0]?.priority]) {
      const rule = rules().find((r) => r.Priority === priority);
      expect(rule?.Actions[0]?.InvokeApi).toMatchObject({ ApiId: { Ref: monolithParameter } });
    }
  });

  it('leaves the base paths of a service still served by the monolith to the catch-all', () => {
    const pending = {
      service: 'billing',
      team: 'orders',
      basePaths: ['billing'],
      priority: 1300,
      target: 'monolith' as const,
    };
    const withPending = Template.fromStack(
      new FrontDoorStack(new App(), 'SliceFrontDoor-dev', {
        stage: 'dev',
        routing: { ...routing, services: [...routing.services, pending] },
      }),
    );
    const priorities = Object.values(withPending.findResources('AWS::ApiGatewayV2::RoutingRule')).map(
      (rule) => (rule.Properties as RuleProperties).Priority,
    );
    expect(priorities).not.toContain(1300);
    expect(JSON.stringify(withPending.toJSON().Parameters)).not.toContain('/slice/dev/billing/api-id');
    withPending.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/dev/front-door/moved-base-paths',
      Value: JSON.stringify({ basePaths: ['menu', 'orders', 'kitchen'] }),
    });
  });

  it("maps Tracking's WebSocket API onto its own TLS 1.2 domain, ws.<domain>, from the API id in SSM", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'ws.dev.slice.example.com',
      DomainNameConfigurations: [Match.objectLike({ EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: Match.stringLikeRegexp('slicedevtrackingapiid') },
      Stage: 'dev',
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'ws.dev.slice.example.com.',
      Type: 'A',
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'ws.dev.slice.example.com',
    });
  });

  it('answers 404 from a placeholder on a platform without a monolith', () => {
    const withoutMonolith = Template.fromStack(
      new FrontDoorStack(new App(), 'SliceFrontDoor-dev', {
        stage: 'dev',
        routing: { ...routing, headerRules: [], fallback: 'placeholder' },
      }),
    );
    withoutMonolith.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      Integration: Match.objectLike({ Type: 'MOCK' }),
    });
    expect(JSON.stringify(withoutMonolith.toJSON().Parameters)).not.toContain('/slice/dev/monolith/api-id');
  });
});
