import * as z from 'zod';
import { fieldErrorsFrom, freeText } from '../src';

const Address = z.strictObject({
  name: freeText({ min: 1, max: 20 }),
  line2: z.optional(freeText({ max: 20 })),
});
const problemsOf = (value: unknown) => {
  const result = Address.safeParse(value);
  return result.success ? [] : fieldErrorsFrom('body', result.error);
};

describe('freeText()', () => {
  it('accepts names in any script, emoji sequences with zero-width joiners, and trims them', () => {
    for (const name of ['Ana', 'Zoë Müller', 'محمد', 'फ़ीरोज़', '👩‍👩‍👧 family', "O'Brien-Smith"]) {
      expect(Address.parse({ name: `  ${name} ` }).name).toBe(name);
    }
    expect(Address.parse({ name: 'Ana', line2: '' }).line2).toBe('');
  });

  it.each([
    ['NUL', 'Ana\u0000'],
    ['CR/LF', 'Ana\r\nX-Injected: 1'],
    ['escape', 'Ana\u001b[31m'],
    ['DEL', 'Ana\u007f'],
    ['a C1 control', 'Ana\u0085'],
  ])('refuses %s with a 400 naming the field', (_kind, name) => {
    expect(problemsOf({ name })).toEqual([
      { path: 'body.name', message: 'Must not contain control characters.' },
    ]);
  });

  it.each([
    ['right-to-left override', 'Ana\u202Etxt.exe'],
    ['left-to-right embedding', '\u202AAna'],
    ['first-strong isolate', 'Ana\u2068x\u2069'],
  ])('refuses a %s', (_kind, name) => {
    expect(problemsOf({ name })).toEqual([
      { path: 'body.name', message: 'Must not contain bidirectional override characters.' },
    ]);
  });

  it('refuses a name made only of zero-width characters', () => {
    expect(problemsOf({ name: '\u200B\u200C\u200D\u2060' })).toEqual([
      { path: 'body.name', message: 'Must contain a visible character.' },
    ]);
  });

  it('refuses lone surrogates, wherever they are', () => {
    expect(problemsOf({ name: 'Ana', line2: 'x\uD800' })).toEqual([
      { path: 'body.line2', message: 'Must be Unicode text: no lone surrogates.' },
    ]);
    expect(problemsOf({ name: '\uDC00Ana' })).toEqual([
      { path: 'body.name', message: 'Must be Unicode text: no lone surrogates.' },
    ]);
  });

  it('keeps the length limits', () => {
    expect(problemsOf({ name: '   ' })).toEqual([{ path: 'body.name', message: expect.any(String) }]);
    expect(problemsOf({ name: 'x'.repeat(21) })).toHaveLength(1);
  });
});
