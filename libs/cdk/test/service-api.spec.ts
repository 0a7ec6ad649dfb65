import { Problem } from '@slice/contract';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { corsAllowHeaders, ServiceApi, ServiceFunction, type ServiceApiProps } from '../src';
import {
  buildPizzasService,
  fixtureEntry,
  pizzasContract,
  pizzasStack,
  publicContract,
  type PizzasService,
} from './support';

type Resource = { Properties: Record<string, unknown> };

/** The body API Gateway would send for a gateway response template, with its variables filled in. */
function renderProblem(template: string): unknown {
  return JSON.parse(
    template
      .replaceAll(
        '$context.error.messageString',
        JSON.stringify('Missing required request parameters: [menu]'),
      )
      .replaceAll('$context.requestId', 'c0ffee00-0000-4000-8000-000000000000'),
  );
}

describe('ServiceApi', () => {
  let service: PizzasService;
  let template: Template;
  let logicalId: (construct: { node: { defaultChild?: unknown } }) => string;

  beforeAll(() => {
    service = buildPizzasService('prod');
    template = Template.fromStack(service.stack);
    logicalId = (construct) =>
      service.stack.resolve(service.stack.getLogicalId(construct.node.defaultChild as never)) as string;
  }, 60_000);

  const methodOf = (httpMethod: string, operationName: string) => {
    const found = Object.values(
      template.findResources('AWS::ApiGateway::Method', {
        Properties: { HttpMethod: httpMethod, OperationName: operationName },
      }),
    ) as Resource[];
    expect(found).toHaveLength(1);
    return found[0]!.Properties;
  };

  it('builds one resource tree from the route paths', () => {
    const parts = Object.values(
      template.findResources('AWS::ApiGateway::Resource') as Record<string, Resource>,
    )
      .map((resource) => resource.Properties.PathPart)
      .sort();

    expect(parts).toEqual(['pizzas', 'retirement', '{pizzaId}']);
  });

  it('has one Lambda proxy method per route, named by its operation id', () => {
    const routed = template.findResources('AWS::ApiGateway::Method', {
      Properties: { HttpMethod: Match.not('OPTIONS'), Integration: { Type: 'AWS_PROXY' } },
    });

    expect(Object.keys(routed)).toHaveLength(Object.keys(pizzasContract.routes).length);
    expect(methodOf('GET', 'getPizza').Integration).toMatchObject({
      Uri: {
        'Fn::Join': [
          '',
          expect.arrayContaining([{ 'Fn::GetAtt': [logicalId(service.handlers.getPizza), 'Arn'] }]),
        ],
      },
    });
  });

  it('leaves public routes open and puts the Cognito authorizer on user and staff routes', () => {
    const authorizerId = { Ref: logicalId(service.api.node.findChild('Authorizer')) };

    expect(methodOf('GET', 'getPizza')).toMatchObject({ AuthorizationType: 'NONE' });
    expect(methodOf('GET', 'getPizza').AuthorizerId).toBeUndefined();
    expect(methodOf('POST', 'addPizza')).toMatchObject({
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: authorizerId,
    });
    expect(methodOf('DELETE', 'retirePizza')).toMatchObject({
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: authorizerId,
    });
  });

  it('authorizes with the platform user pool from the Authorization header', () => {
    const parameter = Object.keys(
      template.findParameters('*', { Default: '/slice/prod/platform/user-pool-arn' }),
    )[0];

    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ Ref: parameter }],
    });
  });

  it('declares path, query and header parameters, required as the contract says', () => {
    expect(methodOf('GET', 'getPizza').RequestParameters).toEqual({
      'method.request.path.pizzaId': true,
      'method.request.querystring.locale': false,
      'method.request.querystring.size': false,
      'method.request.header.X-Correlation-Id': false,
    });
    expect(methodOf('POST', 'addPizza').RequestParameters).toEqual({
      'method.request.querystring.menu': true,
      'method.request.header.idempotency-key': true,
      'method.request.header.X-Correlation-Id': false,
    });
    expect(methodOf('DELETE', 'retirePizza').RequestParameters).toMatchObject({
      'method.request.path.pizzaId': true,
    });
  });

  it('validates parameters at the gateway and leaves bodies to the middleware', () => {
    const validators = template.findResources('AWS::ApiGateway::RequestValidator');
    const [validatorId] = Object.keys(validators);

    expect(Object.values(validators)).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({ ValidateRequestParameters: true, ValidateRequestBody: false }),
      }),
    ]);
    for (const [method, operation] of [
      ['GET', 'getPizza'],
      ['POST', 'addPizza'],
      ['DELETE', 'retirePizza'],
    ] as const) {
      expect(methodOf(method, operation).RequestValidatorId).toEqual({ Ref: validatorId });
    }
  });

  it('deploys a regional API to a stage named after the stage, throttled, traced and logged', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'slice-pizzas-prod',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    // Only the platform domain reaches the API, so its WAF and routing rules cannot be bypassed.
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
          LoggingLevel: 'ERROR',
          MetricsEnabled: true,
          DataTraceEnabled: false,
        },
      ],
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourceCountIs('AWS::IAM::Role', 3);
  });

  it('writes JSON access logs with the request id, caller, route, status and latency', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as Resource;
    const setting = stage.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };

    expect(setting.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(service.api.accessLogGroup), 'Arn'] });
    expect(JSON.parse(setting.Format)).toMatchObject({
      service: 'pizzas',
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      latency: '$context.responseLatency',
      xrayTraceId: '$context.xrayTraceId',
    });
  });

  it('answers CORS preflight on every resource with the headers Slice clients send', () => {
    const preflights = Object.values(
      template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }),
    ) as Resource[];

    expect(preflights).toHaveLength(4);
    for (const preflight of preflights) {
      const integration = preflight.Properties.Integration as {
        Type: string;
        IntegrationResponses: { ResponseParameters: Record<string, string> }[];
      };
      expect(integration.Type).toBe('MOCK');
      const headers = integration.IntegrationResponses[0]!.ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe("'https://app.example.com'");
      const allowed = headers['method.response.header.Access-Control-Allow-Headers']!.replaceAll(
        "'",
        '',
      ).split(',');
      expect(allowed).toEqual(expect.arrayContaining([...corsAllowHeaders]));
    }
  });

  it('tells each handler the origins the API allows', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;

    for (const handler of Object.values(service.handlers)) {
      const environment = functions[logicalId(handler)]!.Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(environment.Variables.CORS_ALLOWED_ORIGINS).toBe('https://app.example.com');
    }
  });

  it('turns every gateway error into a problem+json answer with CORS headers', () => {
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as Resource[];
    const byType = Object.fromEntries(
      responses.map((response) => [String(response.Properties.ResponseType), response.Properties]),
    );

    expect(Object.keys(byType)).toEqual(
      expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'THROTTLED', 'UNAUTHORIZED']),
    );
    for (const response of responses) {
      const { StatusCode, ResponseParameters, ResponseTemplates } = response.Properties as {
        StatusCode: string;
        ResponseParameters: Record<string, string>;
        ResponseTemplates: Record<string, string>;
      };
      expect(ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
      expect(ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(
        "'https://app.example.com'",
      );
      const body = Problem.parse(renderProblem(ResponseTemplates['application/json']!));
      expect(String(body.status)).toBe(StatusCode);
      if (body.status >= 500) expect(body.detail).toBeUndefined();
    }
    expect(byType.DEFAULT_5XX).toMatchObject({ StatusCode: '500' });
    expect(byType.MISSING_AUTHENTICATION_TOKEN).toMatchObject({ StatusCode: '404' });
    expect(byType.UNAUTHORIZED).toMatchObject({ StatusCode: '401' });
    expect(byType.THROTTLED).toMatchObject({
      StatusCode: '429',
      ResponseParameters: expect.objectContaining({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
    expect(
      renderProblem(
        (byType.BAD_REQUEST_PARAMETERS!.ResponseTemplates as Record<string, string>)['application/json']!,
      ),
    ).toEqual({
      type: 'urn:slice:problem:validation',
      title: 'Bad Request',
      status: 400,
      detail: 'Missing required request parameters: [menu]',
      correlationId: 'c0ffee00-0000-4000-8000-000000000000',
    });
  });

  it('publishes the API id and stage name to SSM for the routing rules', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/prod/pizzas/api-id',
      Type: 'String',
      Value: { Ref: logicalId(service.api.api) },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slice/prod/pizzas/stage-name',
      Value: { Ref: logicalId(service.api.deploymentStage) },
    });
  });

  it('attaches the platform web ACL to the stage', () => {
    const webAcl = Object.keys(
      template.findParameters('*', { Default: '/slice/prod/platform/web-acl-arn' }),
    )[0];

    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { Ref: webAcl },
      ResourceArn: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            { Ref: logicalId(service.api.api) },
            { Ref: logicalId(service.api.deploymentStage) },
          ]),
        ],
      },
    });
  });

  it('alarms on the 5xx rate, p99 latency and throttled requests, named after the service', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slice-pizzas-prod-api-5xx-rate',
      MetricName: '5XXError',
      Statistic: 'Average',
      Threshold: 0.05,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slice-pizzas-prod-api-p99-latency',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 3000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slice-pizzas-prod-api-throttled',
      Namespace: 'Slice',
      MetricName: 'ThrottledRequests',
      Dimensions: [
        { Name: 'Service', Value: 'pizzas' },
        { Name: 'Stage', Value: 'prod' },
      ],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      LogGroupName: { Ref: logicalId(service.api.accessLogGroup) },
    });
    expect(service.api.alarms).toEqual([
      service.api.serverErrorAlarm,
      service.api.latencyAlarm,
      service.api.throttlingAlarm,
    ]);
  });

  it('exports nothing through CloudFormation', () => {
    const outputs = Object.values((template.toJSON().Outputs ?? {}) as Record<string, { Export?: unknown }>);

    expect(outputs.filter((output) => output.Export !== undefined)).toEqual([]);
  });
});

describe('ServiceApi checks', () => {
  /** A stack with one function per route of the pizzas contract, and the props to build the API. */
  function arrange(stage = 'dev') {
    const { app, stack } = pizzasStack(stage);
    const fn = (id: string) => new ServiceFunction(stack, id, { entry: fixtureEntry });
    const handlers = { getPizza: fn('GetPizza'), addPizza: fn('AddPizza'), retirePizza: fn('RetirePizza') };
    const props: ServiceApiProps<typeof pizzasContract.routes> = {
      contract: pizzasContract,
      stage,
      handlers,
      userPool: stack.userPool,
      webAclArn: stack.webAclArn,
    };
    return { app, stack, handlers, props };
  }

  it('refuses a contract route without a handler, naming it', () => {
    const { stack, props } = arrange();
    const { retirePizza: _left, ...handlers } = props.handlers;

    expect(() => new ServiceApi(stack, 'Api', { ...props, handlers: handlers as never })).toThrow(
      'ServiceApi Api: no handler for retirePizza (DELETE /pizzas/{pizzaId}/retirement).',
    );
  });

  it('refuses a handler for no route, naming it', () => {
    const { stack, props } = arrange();
    const extra = new ServiceFunction(stack, 'Bake', { entry: fixtureEntry });

    const handlers = { ...props.handlers, bakePizza: extra };

    expect(() => new ServiceApi(stack, 'Api', { ...props, handlers })).toThrow(
      'ServiceApi Api: handlers for no route of the contract: bakePizza.',
    );
  });

  it('refuses routes for signed-in callers without a user pool', () => {
    const { stack, props } = arrange();

    expect(() => new ServiceApi(stack, 'Api', { ...props, userPool: undefined })).toThrow(
      /routes addPizza \(POST \/pizzas\), retirePizza \(DELETE \/pizzas\/\{pizzaId\}\/retirement\) need signed-in callers; pass userPool/,
    );
  });

  it('needs no user pool, and makes no authorizer, when every route is public', () => {
    const { stack } = pizzasStack('dev');
    const getPizza = new ServiceFunction(stack, 'GetPizza', { entry: fixtureEntry });

    new ServiceApi(stack, 'Api', {
      contract: publicContract,
      stage: 'dev',
      handlers: { getPizza },
      webAclArn: stack.webAclArn,
    });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ CORS_ALLOWED_ORIGINS: 'https://www.dev.slice.example.com' }),
      },
    });
  });

  it("allows the stage's storefront origin by default, and any origin on a stage without a stage file", () => {
    const origins = (stage: string) => {
      const { stack } = pizzasStack(stage);
      const getPizza = new ServiceFunction(stack, 'GetPizza', { entry: fixtureEntry });
      new ServiceApi(stack, 'Api', {
        contract: publicContract,
        stage,
        handlers: { getPizza },
        webAclArn: stack.webAclArn,
      });
      return Template.fromStack(stack).findResources('AWS::ApiGateway::GatewayResponse');
    };
    const allowed = (stage: string): unknown[] =>
      Object.values(origins(stage)).map((response) => {
        const parameters = (response.Properties as { ResponseParameters: Record<string, unknown> })
          .ResponseParameters;
        return parameters['gatewayresponse.header.Access-Control-Allow-Origin'];
      });

    expect(new Set(allowed('prod'))).toEqual(new Set(["'https://www.slice.example.com'"]));
    expect(new Set(allowed('pr-42'))).toEqual(new Set(["'*'"]));
  });

  it('throttles the stage with the limits it is given', () => {
    const { stack, props } = arrange();

    new ServiceApi(stack, 'Api', { ...props, throttling: { rateLimit: 20, burstLimit: 40 } });

    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
    });
  });

  it('echoes the caller’s origin on gateway errors when several origins are allowed', () => {
    const { stack, props } = arrange();

    new ServiceApi(stack, 'Api', {
      ...props,
      corsOrigins: ['https://a.example.com', 'https://b.example.com'],
    });

    const template = Template.fromStack(stack);
    template.allResourcesProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
        'gatewayresponse.header.Vary': "'Origin'",
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ CORS_ALLOWED_ORIGINS: 'https://a.example.com,https://b.example.com' }),
      },
    });
  });

  it('refuses CORS origins that are not scheme://host', () => {
    const { stack, props } = arrange();

    expect(() => new ServiceApi(stack, 'Api', { ...props, corsOrigins: ['app.example.com/path'] })).toThrow(
      /CORS origins must be '\*' or scheme:\/\/host\[:port\]; got app.example.com\/path/,
    );
    expect(() => new ServiceApi(stack, 'Api2', { ...props, corsOrigins: [] })).toThrow(/at least one origin/);
  });

  it('refuses throttling limits API Gateway would reject', () => {
    const { stack, props } = arrange();

    expect(
      () => new ServiceApi(stack, 'Api', { ...props, throttling: { rateLimit: 0, burstLimit: 10 } }),
    ).toThrow(/rateLimit > 0/);
  });

  it('fails the synth without a web ACL until someone acknowledges it', () => {
    const { stack, props } = arrange();

    new ServiceApi(stack, 'Api', { ...props, webAclArn: undefined });

    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-APIG3/);
  });

  it('works outside a ServiceStack too', () => {
    const stack = new Stack(new App(), 'Plain');
    const getPizza = new ServiceFunction(stack, 'GetPizza', {
      entry: fixtureEntry,
      stage: 'dev',
      serviceName: 'catalog',
    });

    const api = new ServiceApi(stack, 'Api', {
      contract: publicContract,
      stage: 'dev',
      handlers: { getPizza },
    });

    expect(api.methods.getPizza.httpMethod).toBe('GET');
  });
});
