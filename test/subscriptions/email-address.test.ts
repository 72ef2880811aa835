import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import { normaliseEmail } from '../../lib/subscriptions/email-address';

describe('normaliseEmail', () => {
  it('gives one address for the Unicode, case and spacing variants of it', () => {
    const variants = [
      'ann@bücher.de',
      'Ann@Bücher.de',
      'ANN@BÜCHER.DE',
      '  ann@bücher.de\t',
      'ann@bu\u0308cher.de', // ü as u + combining diaeresis (NFD)
      'ann@xn--bcher-kva.de',
      'ann@XN--BCHER-KVA.DE',
      'ann@ｂüｃｈｅｒ.ｄｅ', // full-width letters
      'ann@bücher.de.',
      'ann@BU\u0308CHER.de',
    ];
    const forms = new Set(variants.map(normaliseEmail));
    expect([...forms]).toEqual(['ann@xn--bcher-kva.de']);
  });

  it('lower-cases local parts', () => {
    expect(normaliseEmail('JOSE.Smith@Example.COM')).toBe('jose.smith@example.com');
  });

  it('refuses a local part beyond ASCII in either Unicode form, saying why, since SES cannot mail it', () => {
    for (const address of ['Jose\u0301@example.com', 'JOSÉ@Example.COM', 'jürgen@bücher.de']) {
      expect(() => normaliseEmail(address)).toThrow(ValidationError);
      expect(() => normaliseEmail(address)).toThrow(/before the @ contains "[éü]".*cannot be mailed/);
    }
  });

  it.each([
    ['NUL', 'ann\u0000@example.com', 'U+0000'],
    ['next line', 'ann@exam\u0085ple.com', 'U+0085'],
    ['zero-width space', 'an\u200bn@example.com', 'U+200B'],
    ['right-to-left override', 'ann@\u202eexample.com', 'U+202E'],
    ['soft hyphen', 'an\u00adn@example.com', 'U+00AD'],
    ['line separator', 'ann@example.com\u2028x', 'U+2028'],
    ['carriage return in the middle (header injection)', 'ann@example.com\r\nBcc: x@evil.test', 'U+000D'],
    ['private use', 'ann\ue000@example.com', 'U+E000'],
  ])('rejects a %s with the code point named', (_, input, codePoint) => {
    expect(() => normaliseEmail(input)).toThrow(
      new ValidationError(
        'invalid_email',
        `The email address contains an invisible or control character (${codePoint}); type it again.`,
      ),
    );
  });

  it.each([
    ['', 'An email address is required.'],
    ['   ', 'An email address is required.'],
    ['ann', '"ann" is not a valid email address.'],
    ['@example.com', '"@example.com" is not a valid email address.'],
    ['ann@', '"ann@" is not a valid email address.'],
    ['ann@example', '"ann@example" is not a valid email address.'],
    ['ann@exa mple.com', '"ann@exa mple.com" is not a valid email address.'],
    ['<ann@example.com>', '"<ann@example.com>" is not a valid email address.'],
    [`${'a'.repeat(250)}@example.com`, `"${'a'.repeat(80)}" is not a valid email address.`],
  ])('rejects %j', (input, message) => {
    expect(() => normaliseEmail(input)).toThrow(new ValidationError('invalid_email', message));
  });

  it('rejects what is not a string', () => {
    for (const input of [undefined, null, 42, ['ann@example.com'], { email: 'ann@example.com' }]) {
      expect(() => normaliseEmail(input)).toThrow(ValidationError);
    }
  });
});
