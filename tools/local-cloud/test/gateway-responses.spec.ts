import type { GatewayResponseSpec, IntegrationResponseSpec } from '../src/assembly/types';
import {
  gatewayErrors,
  mockResponse,
  type RenderContext,
  renderGatewayError,
  renderTemplate,
} from '../src/services/apigateway';

const render: RenderContext = {
  context: { requestId: 'r-1', stage: 'dev', resourcePath: '/orders' },
  stageVariables: { flavour: 'margherita' },
  header: (name) => (name.toLowerCase() === 'origin' ? 'https://app.example.com' : undefined),
  query: () => undefined,
  pathParameter: () => undefined,
};
const response = (responseType: string, extra: Partial<GatewayResponseSpec> = {}): GatewayResponseSpec => ({
  responseType,
  responseParameters: {},
  responseTemplates: {
    'application/json': '{"error":$context.error.messageString,"id":"$context.requestId"}',
  },
  ...extra,
});

describe('gateway responses', () => {
  it('answers with API Gateway defaults when the API customizes nothing', () => {
    const rendered = renderGatewayError(new Map(), gatewayErrors.unauthorized(), render);

    expect(rendered).toEqual({
      statusCode: 401,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'UnauthorizedException' },
      body: '{"message":"Unauthorized"}',
    });
  });

  it('uses the response of the error type, with its status code and header mappings', () => {
    const responses = new Map([
      [
        'THROTTLED',
        response('THROTTLED', {
          statusCode: 503,
          responseParameters: {
            'gatewayresponse.header.Retry-After': "'1'",
            'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
            'gatewayresponse.header.Content-Type': "'application/problem+json'",
          },
        }),
      ],
    ]);

    const rendered = renderGatewayError(responses, gatewayErrors.throttled(), render);

    expect(rendered.statusCode).toBe(503);
    expect(rendered.headers).toMatchObject({
      'Retry-After': '1',
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Content-Type': 'application/problem+json',
    });
    expect(rendered.body).toBe('{"error":"Too Many Requests","id":"r-1"}');
  });

  it('falls back to DEFAULT_4XX for an uncustomized 4xx type, whose status code then replaces the type one', () => {
    const responses = new Map([['DEFAULT_4XX', response('DEFAULT_4XX', { statusCode: 400 })]]);

    const rendered = renderGatewayError(responses, gatewayErrors.missingAuthenticationToken(), render);

    expect(rendered.statusCode).toBe(400);
    expect(rendered.body).toBe('{"error":"Missing Authentication Token","id":"r-1"}');
  });

  it('gives a function error (502) the status and body of the DEFAULT_5XX response', () => {
    const responses = new Map([['DEFAULT_5XX', response('DEFAULT_5XX', { statusCode: 500 })]]);

    const rendered = renderGatewayError(responses, gatewayErrors.badGateway(), render);

    expect(rendered.statusCode).toBe(500);
    expect(rendered.body).toBe('{"error":"Internal server error","id":"r-1"}');
  });

  it('keeps a function error at 502 when the DEFAULT_5XX response sets no status', () => {
    const responses = new Map([['DEFAULT_5XX', response('DEFAULT_5XX')]]);

    expect(renderGatewayError(responses, gatewayErrors.badGateway(), render).statusCode).toBe(502);
  });

  it('lets a type with its own status code keep it over the DEFAULT_5XX status', () => {
    const responses = new Map([
      ['DEFAULT_5XX', response('DEFAULT_5XX', { statusCode: 500 })],
      ['INTEGRATION_TIMEOUT', response('INTEGRATION_TIMEOUT', { statusCode: 503 })],
    ]);

    expect(renderGatewayError(responses, gatewayErrors.integrationTimeout(), render).statusCode).toBe(503);
  });

  it('ignores every customization of REQUEST_TOO_LARGE, which API Gateway does not support', () => {
    const responses = new Map([
      ['REQUEST_TOO_LARGE', response('REQUEST_TOO_LARGE', { statusCode: 400 })],
      ['DEFAULT_4XX', response('DEFAULT_4XX', { statusCode: 400 })],
    ]);

    expect(renderGatewayError(responses, gatewayErrors.requestTooLarge(), render)).toEqual({
      statusCode: 413,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'RequestTooLargeException' },
      body: '{"message":"Request Too Long"}',
    });
  });

  it('renders $context and $stageVariables in plain and ${} notation, null messages as null', () => {
    expect(
      renderTemplate('$stageVariables.flavour ${context.stage} $context.resourcePath', undefined, render),
    ).toBe('margherita dev /orders');
    expect(
      renderTemplate('{"message":$context.error.messageString}', gatewayErrors.authorizerFailure(), render),
    ).toBe('{"message":null}');
  });
});

describe('MOCK integrations', () => {
  const responses: IntegrationResponseSpec[] = [
    { statusCode: '200', responseParameters: {}, responseTemplates: { 'application/json': '{"ok":true}' } },
    {
      statusCode: '404',
      selectionPattern: '4\\d{2}',
      responseParameters: { 'method.response.header.X-Stage': 'stageVariables.flavour' },
      responseTemplates: {},
    },
  ];

  it('selects the integration response whose pattern matches the status the request template sets', () => {
    const found = mockResponse(
      { 'application/json': '{"statusCode": 404}' },
      responses,
      'application/json',
      render,
    );

    expect(found).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': 'application/json', 'X-Stage': 'margherita' },
      body: '',
    });
  });

  it('falls back to the default integration response, and to nothing when there is none', () => {
    expect(
      mockResponse({ 'application/json': '{"statusCode": 200}' }, responses, undefined, render)?.body,
    ).toBe('{"ok":true}');
    expect(mockResponse({}, responses.slice(1), undefined, render)).toBeUndefined();
  });
});
