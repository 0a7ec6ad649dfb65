import { randomInt } from 'node:crypto';

/** `GenerateSecretString` of an `AWS::SecretsManager::Secret`, resolved. */
export interface GenerateSecretStringOptions {
  readonly PasswordLength?: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludeLowercase?: boolean;
  readonly ExcludeUppercase?: boolean;
  readonly ExcludeNumbers?: boolean;
  readonly ExcludePunctuation?: boolean;
  readonly IncludeSpace?: boolean;
  readonly RequireEachIncludedType?: boolean;
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
}

const lowercase = 'abcdefghijklmnopqrstuvwxyz';
const uppercase = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const numbers = '0123456789';
const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * A random secret string as Secrets Manager generates it for `GenerateSecretString`: the length
 * (32 by default) and the character classes it asks for, at least one of each class unless
 * `RequireEachIncludedType` is false, and the JSON of `SecretStringTemplate` with the password under
 * `GenerateStringKey` when both are given.
 *
 * @example
 * ```ts
 * generateSecretString({ PasswordLength: 48, ExcludePunctuation: true }); // 'q3Vd…' (48 letters and digits)
 * ```
 */
export function generateSecretString(options: GenerateSecretStringOptions = {}): string {
  const excluded = new Set(options.ExcludeCharacters ?? '');
  const classes = [
    options.ExcludeLowercase ? '' : lowercase,
    options.ExcludeUppercase ? '' : uppercase,
    options.ExcludeNumbers ? '' : numbers,
    options.ExcludePunctuation ? '' : punctuation,
    options.IncludeSpace ? ' ' : '',
  ]
    .map((characters) => [...characters].filter((character) => !excluded.has(character)).join(''))
    .filter((characters) => characters.length > 0);
  const all = classes.join('');
  const length = options.PasswordLength ?? 32;
  if (all.length === 0) throw new Error('GenerateSecretString excludes every character.');
  const pick = (characters: string) => characters[randomInt(characters.length)] ?? '';

  const chosen = Array.from({ length }, () => pick(all));
  if (options.RequireEachIncludedType ?? true) {
    // Put one character of each class at distinct random positions.
    const positions = [...Array(length).keys()];
    for (const characters of classes.slice(0, length)) {
      const [position] = positions.splice(randomInt(positions.length), 1);
      if (position !== undefined) chosen[position] = pick(characters);
    }
  }
  const password = chosen.join('');

  if (options.SecretStringTemplate !== undefined && options.GenerateStringKey !== undefined) {
    const template = JSON.parse(options.SecretStringTemplate) as Record<string, unknown>;
    return JSON.stringify({ ...template, [options.GenerateStringKey]: password });
  }
  return password;
}
