import { loadConfig, SiteConfig } from '../src/config';

const valid = {
  apiUrl: 'https://api.slice.example/',
  webSocketUrl: 'wss://ws.slice.example',
  signIn: { url: 'https://slice.auth.eu-west-1.amazoncognito.com', clientId: 'abc', scopes: ['openid'] },
};

const answering = (body: unknown, status = 200) =>
  (() => Promise.resolve(new Response(JSON.stringify(body), { status }))) as unknown as typeof fetch;

describe('the runtime configuration', () => {
  it('reads config.json and drops trailing slashes from its URLs', async () => {
    const config = await loadConfig(answering(valid));

    expect(config.apiUrl).toBe('https://api.slice.example');
    expect(config.signIn.clientId).toBe('abc');
  });

  it('names every invalid field of a broken config.json', async () => {
    const broken = {
      ...valid,
      webSocketUrl: 'https://ws.slice.example',
      signIn: { ...valid.signIn, clientId: '' },
    };

    await expect(loadConfig(answering(broken))).rejects.toThrow(
      /webSocketUrl: A wss: or ws: URL.*signIn\.clientId/,
    );
  });

  it('refuses an unknown field, so a renamed setting is not silently ignored', () => {
    expect(SiteConfig.safeParse({ ...valid, apiURL: 'https://x.example' }).success).toBe(false);
  });

  it('fails with the status when config.json is missing', async () => {
    await expect(loadConfig(answering({}, 404))).rejects.toThrow('/config.json answered 404.');
  });
});
