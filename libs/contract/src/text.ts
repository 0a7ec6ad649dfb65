import * as z from 'zod/mini';
import './locale';

/** Options of {@link freeText}. */
export interface FreeTextOptions {
  /** Fewest characters after trimming. @default 0 */
  readonly min?: number;
  /** Most characters after trimming. */
  readonly max: number;
}

/** C0 and C1 controls (NUL, CR, LF, ESC, DEL…): no name, address or description needs one. */
const control = /\p{Cc}/u;
/** Bidirectional embeddings, overrides and isolates: they reorder how the text around them reads. */
const bidiOverride = /[\u202A-\u202E\u2066-\u2069]/u;
/** A letter, digit, punctuation or symbol: what a reader sees, unlike spaces and zero-width characters. */
const visible = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * A free-text field a person types (a name, an address line, a description): trimmed, between `min`
 * and `max` characters, and refusing what no such field needs and what makes text read otherwise
 * than it is stored: control characters (NUL, CR/LF, ESC), bidirectional overrides and isolates,
 * lone surrogates (not Unicode text), and, when not empty, text made only of spaces and zero-width
 * characters. Zero-width joiners inside visible text (emoji sequences, Persian or Indic names)
 * stay allowed. Each refusal is a 400 naming the field, as every schema violation is.
 *
 * @example
 * ```ts
 * const DeliveryAddress = z.strictObject({ name: freeText({ min: 1, max: 100 }), line2: z.optional(freeText({ max: 200 })) });
 * DeliveryAddress.safeParse({ name: 'Ana\u0000' }).success; // false: "Must not contain control characters."
 * ```
 */
export function freeText(options: FreeTextOptions) {
  // No `minLength: 0` in the published schema for a field that may be empty.
  return z.string().check(
    z.trim(),
    ...(options.min ? [z.minLength(options.min)] : []),
    z.maxLength(options.max),
    z.refine((value: string) => value.isWellFormed(), 'Must be Unicode text: no lone surrogates.'),
    z.refine((value: string) => !control.test(value), 'Must not contain control characters.'),
    z.refine(
      (value: string) => !bidiOverride.test(value),
      'Must not contain bidirectional override characters.',
    ),
    z.refine((value: string) => value === '' || visible.test(value), 'Must contain a visible character.'),
  );
}
