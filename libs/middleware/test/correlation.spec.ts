import {
  correlationIdFrom,
  currentCausationId,
  currentCorrelationId,
  withCausationId,
  withCorrelationId,
} from '../src';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('correlationIdFrom', () => {
  it("keeps the caller's id of 1 to 128 visible ASCII characters", () => {
    expect(correlationIdFrom('!')).toBe('!');
    expect(correlationIdFrom('~corr-1~')).toBe('~corr-1~');
    expect(correlationIdFrom('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['with a space', 'corr 1'],
    ['with a line break (log injection)', 'corr-1\n{"level":"ERROR"}'],
    ['with a character past ASCII', 'corr-é'],
    ['not a string', 42],
    ['absent', undefined],
  ])('replaces an id that is %s with a new UUID', (_case, value) => {
    expect(correlationIdFrom(value)).toMatch(uuid);
  });

  it('makes a new id each time it replaces one', () => {
    expect(correlationIdFrom(undefined)).not.toBe(correlationIdFrom(undefined));
  });
});

describe('withCorrelationId and withCausationId', () => {
  it('hold their ids for the function they run, each its own, and none outside', async () => {
    const seen = await withCorrelationId('corr-1', () =>
      withCausationId('cause-1', async () => {
        await Promise.resolve();
        return { correlation: currentCorrelationId(), causation: currentCausationId() };
      }),
    );

    expect(seen).toEqual({ correlation: 'corr-1', causation: 'cause-1' });
    expect(currentCorrelationId()).toBeUndefined();
    expect(currentCausationId()).toBeUndefined();
  });
});
