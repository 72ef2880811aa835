import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import {
  disposableDomainOf,
  parseDomainList,
  rejectDisposableAddress,
} from '../../lib/subscriptions/disposable-domains';
import { normaliseEmail } from '../../lib/subscriptions/email-address';

describe('the disposable domains list', () => {
  it('reads comma-separated domains in the form addresses are normalised to', () => {
    expect(parseDomainList(' Mailinator.com, @guerrillamail.com ,.yopmail.com,,wegwerf-bücher.de ,')).toEqual(
      {
        domains: ['mailinator.com', 'guerrillamail.com', 'yopmail.com', 'xn--wegwerf-bcher-4ob.de'],
        invalid: [],
      },
    );
    expect(parseDomainList(['mailinator.com', 'MAILINATOR.COM.'])).toEqual({
      domains: ['mailinator.com'],
      invalid: [],
    });
    expect(parseDomainList('')).toEqual({ domains: [], invalid: [] });
  });

  it('names the entries that are no domain', () => {
    expect(parseDomainList('mailinator.com, not a domain, user@, -bad-.com, a..b').invalid).toEqual([
      'not a domain',
      'user@',
      '-bad-.com',
      'a..b',
    ]);
  });

  it('matches a listed domain and its subdomains, not look-alikes', () => {
    const domains = ['mailinator.com'];
    expect(disposableDomainOf('ann@mailinator.com', domains)).toBe('mailinator.com');
    expect(disposableDomainOf('ann@eu.mailinator.com', domains)).toBe('mailinator.com');
    expect(disposableDomainOf('ann@notmailinator.com', domains)).toBeUndefined();
    expect(disposableDomainOf('ann@mailinator.com.example.org', domains)).toBeUndefined();
    expect(disposableDomainOf('mailinator.com@example.org', domains)).toBeUndefined();
    expect(
      disposableDomainOf(
        normaliseEmail('Ann@WEGWERF-BÜCHER.de'),
        parseDomainList('wegwerf-bücher.de').domains,
      ),
    ).toBe('xn--wegwerf-bcher-4ob.de');
  });

  it('refuses such an address with invalid_email, saying such addresses are not accepted', () => {
    expect(() => rejectDisposableAddress('ann@eu.mailinator.com', ['mailinator.com'])).toThrow(
      new ValidationError(
        'invalid_email',
        'Addresses at mailinator.com are disposable addresses, which are not accepted here; use an address you keep.',
      ),
    );
    expect(() => rejectDisposableAddress('ann@example.com', ['mailinator.com'])).not.toThrow();
    // Off by default: an empty list refuses nothing.
    expect(() => rejectDisposableAddress('ann@mailinator.com', [])).not.toThrow();
  });
});
