import * as z from 'zod';
import { idList } from '../src';

describe('idList', () => {
  const ids = idList(z.string().regex(/^[a-z]+$/, 'lower-case letters'), { max: 3 });

  it('reads a comma-separated list as its distinct ids, in the order asked', () => {
    expect(ids.parse('tiramisu,margherita,tiramisu')).toEqual(['tiramisu', 'margherita']);
    expect(ids.parse('cola')).toEqual(['cola']);
  });

  it('refuses an empty list, an empty entry, a bad id and more than max distinct ids', () => {
    for (const text of ['', 'a,,b', ',a', 'a,B', 'a,b,c,d']) {
      expect(ids.safeParse(text).success).toBe(false);
    }
    expect(ids.safeParse('a,b,c,a').success).toBe(true);
  });

  it('says how many ids it takes in the schema it documents', () => {
    const json = z.toJSONSchema(ids, { io: 'input' });

    expect(json).toMatchObject({ type: 'string', minLength: 1 });
    expect(json.description).toBe('Comma-separated ids, at most 3 distinct.');
  });
});
