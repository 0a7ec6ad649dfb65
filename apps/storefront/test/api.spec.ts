import { ProblemResponseError, UpstreamUnavailableError } from '@slice/contract';
import { shownError } from '../src/api';
import { codeChallenge } from '../src/auth';

describe('what the page shows for a failed call', () => {
  it("is the problem+json's title and detail", () => {
    const error = new ProblemResponseError('placeOrder', 422, {
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Item tiramisu is not available.',
    });

    expect(shownError(error)).toEqual({
      title: 'Unprocessable Content',
      detail: 'Item tiramisu is not available.',
    });
  });

  it('is the title alone when the problem has no detail', () => {
    const error = new ProblemResponseError('getOrder', 404, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
    });

    expect(shownError(error)).toEqual({ title: 'Not Found' });
  });

  it('says the service is unavailable, without internals, for a 5xx or no answer', () => {
    expect(shownError(new UpstreamUnavailableError('listMenu', 'answered 502')).title).toBe(
      'Service unavailable',
    );
  });
});

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636, appendix B', async () => {
    await expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});
