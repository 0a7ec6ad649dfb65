import type { FunctionSpec, LocalModel, RestApiSpec, StaticSiteSpec } from '../src/model';
import { localizeOrigins, localizeText, localOrigins } from '../src/origins';

const site = {
  id: 'E1',
  stackName: 'SliceStorefront-dev',
  logicalId: 'Site',
  domainName: 'd123.cloudfront.net',
  aliases: ['www.slice.example'],
  errorResponses: [],
  allowedMethods: ['GET', 'HEAD'],
  headers: {
    'content-security-policy': {
      value:
        "connect-src 'self' https://api.slice.example wss://ws.slice.example https://shop.auth.eu-west-1.amazoncognito.com",
      override: true,
    },
  },
  sources: [
    { dir: '/tmp/x', markers: { '<<marker:0xbaba:0>>': 'wss://ws.slice.example' }, jsonEscape: true },
  ],
  keyPrefix: '',
} satisfies StaticSiteSpec;

const model = {
  accountId: '000000000000',
  region: 'eu-west-1',
  staticSites: [site],
  webSocketApis: [{ domains: [{ domainName: 'ws.slice.example', stage: 'dev', mappingKey: '' }] }],
  signIn: {
    domains: ['https://shop.auth.eu-west-1.amazoncognito.com'],
    clients: [
      {
        clientId: 'c',
        flows: ['code'],
        scopes: ['openid'],
        callbackUrls: ['https://www.slice.example/callback'],
        logoutUrls: ['https://www.slice.example/'],
        hasSecret: false,
      },
    ],
  },
  functions: [
    {
      id: 'f',
      environment: { CORS_ALLOWED_ORIGINS: 'https://www.slice.example', OTHER: 'x' },
    } as unknown as FunctionSpec,
  ],
  restApis: [
    {
      gatewayResponses: [
        {
          responseType: 'DEFAULT_4XX',
          responseParameters: {
            'gatewayresponse.header.Access-Control-Allow-Origin': "'https://www.slice.example'",
          },
          responseTemplates: {},
        },
      ],
    } as unknown as RestApiSpec,
  ],
  parameters: new Map([['/slice/dev/platform/sign-in-url', 'https://shop.auth.eu-west-1.amazoncognito.com']]),
} as unknown as LocalModel;

describe('the local origins of the origins a browser meets', () => {
  const local = localizeOrigins(model, 'http://localhost:3000');

  it("maps a site's alias, a WebSocket domain and a Cognito domain to their own local hosts", () => {
    expect(localOrigins(model, 'http://localhost:3000')).toEqual(
      expect.arrayContaining([
        ['https://www.slice.example', 'http://www.localhost:3000'],
        ['wss://ws.slice.example', 'ws://ws.localhost:3000'],
        ['https://shop.auth.eu-west-1.amazoncognito.com', 'http://auth.localhost:3000'],
      ]),
    );
  });

  it("allows the site's local origin where the APIs allowed its deployed one (CORS)", () => {
    expect(local.functions[0]?.environment).toEqual({
      CORS_ALLOWED_ORIGINS: 'http://www.localhost:3000',
      OTHER: 'x',
    });
    expect(local.restApis[0]?.gatewayResponses[0]?.responseParameters).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'http://www.localhost:3000'",
    });
  });

  it("rewrites the site's configuration values, security headers and the app client's URLs", () => {
    const [localSite] = local.staticSites ?? [];

    expect(localSite?.sources[0]?.markers).toEqual({ '<<marker:0xbaba:0>>': 'ws://ws.localhost:3000' });
    expect(localSite?.headers['content-security-policy']?.value).toBe(
      "connect-src 'self' https://api.slice.example ws://ws.localhost:3000 http://auth.localhost:3000",
    );
    expect(local.signIn?.clients[0]?.callbackUrls).toEqual(['http://www.localhost:3000/callback']);
    expect(local.parameters.get('/slice/dev/platform/sign-in-url')).toBe('http://auth.localhost:3000');
  });

  it('replaces whole origins only', () => {
    const pairs = localOrigins(model, 'http://localhost:3000');

    expect(localizeText('https://www.slice.example.evil.com', pairs)).toBe(
      'https://www.slice.example.evil.com',
    );
    expect(localizeText('https://www.slice.example:8443', pairs)).toBe('https://www.slice.example:8443');
  });
});
