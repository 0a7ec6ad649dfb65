import type { APIGatewayProxyEvent } from 'aws-lambda';
import { userFromEvent } from '../src';

/** An event whose authorizer passed `claims`, with the request's headers. */
const eventOf = (claims: Record<string, unknown>, headers: Record<string, string> = {}) =>
  ({ requestContext: { authorizer: { claims } }, headers }) as unknown as Pick<
    APIGatewayProxyEvent,
    'requestContext' | 'headers'
  >;

/** A bearer token as the authorizer verified it (decoded only, so no signature is needed here). */
const bearer = (payload: Record<string, unknown>) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return { Authorization: `Bearer ${part({ alg: 'RS256' })}.${part(payload)}.signature` };
};

describe('userFromEvent', () => {
  it('reads no groups from a blank claim, and one group from a plain one', () => {
    expect(userFromEvent(eventOf({ sub: 'alice', 'cognito:groups': '  ' }))?.groups).toEqual([]);
    expect(userFromEvent(eventOf({ sub: 'alice' }))?.groups).toEqual([]);
    expect(userFromEvent(eventOf({ sub: 'dana', 'cognito:groups': ' staff ' }))).toEqual({
      id: 'dana',
      groups: ['staff'],
      isStaff: true,
    });
  });

  it('reads a JSON list as the list it is, and the bracketed rendering as words', () => {
    expect(userFromEvent(eventOf({ sub: 'erin', 'cognito:groups': '["customer,staff"]' }))).toMatchObject({
      groups: ['customer,staff'],
      isStaff: false,
    });
    expect(userFromEvent(eventOf({ sub: 'dana', 'cognito:groups': '[customer staff]' }))?.groups).toEqual([
      'customer',
      'staff',
    ]);
  });

  it('keeps the email claim when there is one', () => {
    expect(userFromEvent(eventOf({ sub: 'alice', email: 'alice@example.com' }))).toEqual({
      id: 'alice',
      groups: [],
      isStaff: false,
      email: 'alice@example.com',
    });
  });

  it('reads the rendered claim as it is when the token cannot be decoded or belongs to someone else', () => {
    const claims = { sub: 'dana', 'cognito:groups': 'customer,staff' };
    expect(userFromEvent(eventOf(claims, { Authorization: 'Bearer not-a-jwt' }))?.groups).toEqual([
      'customer',
      'staff',
    ]);
    const mallory = bearer({ sub: 'mallory', 'cognito:groups': ['customer,staff'] });
    expect(userFromEvent(eventOf(claims, mallory))?.groups).toEqual(['customer', 'staff']);
  });

  it('grants no group from a token without a groups claim, whatever the rendering says', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'staff' };
    expect(userFromEvent(eventOf(claims, bearer({ sub: 'erin' })))).toMatchObject({
      groups: [],
      isStaff: false,
    });
  });
});
