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

  it('reads a rendered claim as it is from an event without headers', () => {
    const event = { requestContext: { authorizer: { claims: { sub: 'dana', 'cognito:groups': 'staff' } } } };
    expect(userFromEvent(event as unknown as Pick<APIGatewayProxyEvent, 'requestContext'>)?.groups).toEqual([
      'staff',
    ]);
  });

  it('leaves out an email claim that is empty or not text', () => {
    expect(userFromEvent(eventOf({ sub: 'alice', email: '' }))).not.toHaveProperty('email');
    expect(userFromEvent(eventOf({ sub: 'alice', email: 42 }))).not.toHaveProperty('email');
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

describe('userFromEvent without a verified user', () => {
  it('is undefined for an event without a request context (a direct invocation)', () => {
    expect(userFromEvent({} as unknown as Pick<APIGatewayProxyEvent, 'requestContext'>)).toBeUndefined();
  });

  it('is undefined when no authorizer ran, or it passed no subject', () => {
    expect(
      userFromEvent({ requestContext: {} } as unknown as Pick<APIGatewayProxyEvent, 'requestContext'>),
    ).toBe(undefined);
    expect(userFromEvent(eventOf({ 'cognito:groups': 'staff' }))).toBeUndefined();
    expect(userFromEvent(eventOf({ sub: '', 'cognito:groups': 'staff' }))).toBeUndefined();
    expect(userFromEvent(eventOf({ sub: 42, 'cognito:groups': 'staff' }))).toBeUndefined();
  });
});

describe('userFromEvent with a Lambda authorizer', () => {
  /** An event whose Lambda authorizer returned `context` (with its `principalId`). */
  const lambdaAuthorized = (context: Record<string, unknown>) =>
    ({ requestContext: { authorizer: context }, headers: {} }) as unknown as Pick<
      APIGatewayProxyEvent,
      'requestContext' | 'headers'
    >;

  it('reads the subject from principalId when the context has no sub, and its groups', () => {
    expect(userFromEvent(lambdaAuthorized({ principalId: 'kim', groups: 'staff' }))).toEqual({
      id: 'kim',
      groups: ['staff'],
      isStaff: true,
    });
  });

  it('prefers sub to principalId', () => {
    expect(userFromEvent(lambdaAuthorized({ sub: 'kim', principalId: 'user|kim' }))?.id).toBe('kim');
  });

  it('prefers cognito:groups to groups', () => {
    const user = userFromEvent(eventOf({ sub: 'kim', 'cognito:groups': 'customer', groups: 'staff' }));
    expect(user).toMatchObject({ groups: ['customer'], isStaff: false });
  });
});

describe('userFromEvent group renderings', () => {
  const groupsOf = (claim: unknown, headers?: Record<string, string>) =>
    userFromEvent(eventOf({ sub: 'alice', 'cognito:groups': claim }, headers))?.groups;

  it('reads a list claim as it is, each entry as text', () => {
    expect(groupsOf(['customer,staff'])).toEqual(['customer,staff']);
    expect(groupsOf([7, 'staff'])).toEqual(['7', 'staff']);
  });

  it('reads no groups from a claim that is neither a list nor text', () => {
    expect(groupsOf(7)).toEqual([]);
    expect(groupsOf({ staff: true })).toEqual([]);
  });

  it('splits the comma-joined rendering, trimming each group and dropping empty ones', () => {
    expect(groupsOf('customer, staff')).toEqual(['customer', 'staff']);
    expect(groupsOf('customer,,staff,')).toEqual(['customer', 'staff']);
  });

  it('splits the bracketed rendering on spaces and commas, dropping empty ones', () => {
    expect(groupsOf('[ customer  staff ]')).toEqual(['customer', 'staff']);
    expect(groupsOf('[customer,staff]')).toEqual(['customer', 'staff']);
    expect(groupsOf('[]')).toEqual([]);
  });

  it('reads the bracketed rendering with spaces around it', () => {
    expect(groupsOf(' [customer staff] ')).toEqual(['customer', 'staff']);
  });

  it('reads a JSON list of other values as text', () => {
    expect(groupsOf('[7, "staff"]')).toEqual(['7', 'staff']);
  });
});

describe('userFromEvent with the verified token', () => {
  it('reads a group whose name holds a comma from the token list when the rendering matches it', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'customer,staff' };
    expect(
      userFromEvent(eventOf(claims, bearer({ sub: 'erin', 'cognito:groups': ['customer,staff'] }))),
    ).toEqual({
      id: 'erin',
      groups: ['customer,staff'],
      isStaff: false,
    });
  });

  it('keeps the token list when the rendering is the bracketed one of the same groups', () => {
    const claims = { sub: 'dana', 'cognito:groups': '[customer staff]' };
    const user = userFromEvent(
      eventOf(claims, bearer({ sub: 'dana', 'cognito:groups': ['staff', 'customer'] })),
    );
    expect(user).toMatchObject({ groups: ['staff', 'customer'], isStaff: true });
  });

  it('never grants a group from the token that the rendered claim lacks', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'customer' };
    const user = userFromEvent(
      eventOf(claims, bearer({ sub: 'erin', 'cognito:groups': ['customer', 'staff'] })),
    );
    expect(user).toMatchObject({ groups: ['customer'], isStaff: false });
  });

  it('finds the token under any spelling of the header and of the scheme', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'customer,staff' };
    const { Authorization } = bearer({ sub: 'erin', 'cognito:groups': ['customer,staff'] });
    const token = Authorization.replace('Bearer ', '');
    const spellings: Array<Record<string, string>> = [
      { authorization: Authorization },
      { AUTHORIZATION: Authorization },
      { Authorization: `bearer ${token}` },
      { Authorization: `Bearer \t${token} ` },
    ];
    for (const headers of spellings) {
      expect(userFromEvent(eventOf(claims, headers))?.groups).toEqual(['customer,staff']);
    }
  });

  it('finds the token among the other headers', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'customer,staff' };
    const headers = {
      'content-type': 'application/json',
      ...bearer({ sub: 'erin', 'cognito:groups': ['customer,staff'] }),
    };
    expect(userFromEvent(eventOf(claims, headers))?.groups).toEqual(['customer,staff']);
  });

  it('keeps the token list when its groups, one holding a comma, join to the rendering', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'customer,staff,kitchen' };
    const token = bearer({ sub: 'erin', 'cognito:groups': ['customer,staff', 'kitchen'] });
    expect(userFromEvent(eventOf(claims, token))?.groups).toEqual(['customer,staff', 'kitchen']);
  });

  it('compares the token list with the rendering without the spaces around it', () => {
    const claims = { sub: 'erin', 'cognito:groups': ' customer,staff ' };
    const token = bearer({ sub: 'erin', 'cognito:groups': ['customer,staff'] });
    expect(userFromEvent(eventOf(claims, token))?.groups).toEqual(['customer,staff']);
  });

  it('reads the rendering when the token groups are not a list of names', () => {
    const claims = { sub: 'erin', 'cognito:groups': 'customer,staff' };
    for (const groups of ['customer,staff', ['customer,staff', 7]]) {
      expect(
        userFromEvent(eventOf(claims, bearer({ sub: 'erin', 'cognito:groups': groups })))?.groups,
      ).toEqual(['customer', 'staff']);
    }
  });

  it('reads a list claim as it is, whatever the token says', () => {
    const claims = { sub: 'erin', 'cognito:groups': ['customer'] };
    expect(
      userFromEvent(eventOf(claims, bearer({ sub: 'erin', 'cognito:groups': ['staff'] })))?.groups,
    ).toEqual(['customer']);
  });
});
