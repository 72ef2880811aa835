import { describe, expect, it } from 'vitest';
import { loadConfig, requireSecret } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

const base = { TABLE_NAME: 't', TIDINGS_PUBLIC_URL: 'https://news.example.com/', MAIL_FROM: 'a@example.com' };

describe('configuration', () => {
  it('reads what a function without secrets is given on AWS', () => {
    const config = loadConfig(base);
    expect(config.publicUrl).toBe('https://news.example.com');
    expect(config.ingestKey).toBeUndefined();
    expect(() => requireSecret(config.tokenSecret, 'token secret')).toThrow(/TOKEN_SECRET_ARN/);
    expect(() => requireSecret(config.suppressionSalt, 'suppression salt')).toThrow(
      /SUPPRESSION_SALT_SECRET_ARN or TIDINGS_SUPPRESSION_SALT/,
    );
  });

  it('prefers a secret ARN over a local value', () => {
    const config = loadConfig({
      ...base,
      INGEST_KEY_SECRET_ARN: 'arn:aws:secretsmanager:x',
      TIDINGS_INGEST_KEY: 'k',
    });
    expect(config.ingestKey).toEqual({ kind: 'arn', arn: 'arn:aws:secretsmanager:x' });
  });

  it('refuses no domain unless TIDINGS_DISPOSABLE_DOMAINS lists some, and then reads them once', () => {
    expect(loadConfig(base).disposableDomains).toEqual([]);
    expect(
      loadConfig({ ...base, TIDINGS_DISPOSABLE_DOMAINS: 'Mailinator.com, yopmail.com' }).disposableDomains,
    ).toEqual(['mailinator.com', 'yopmail.com']);
  });

  it.each([
    [
      { ...base, TIDINGS_DISPOSABLE_DOMAINS: 'mailinator.com, not a domain' },
      /TIDINGS_DISPOSABLE_DOMAINS .*"not a domain"/,
    ],
    [{ ...base, TABLE_NAME: '' }, /TABLE_NAME/],
    [{ ...base, TIDINGS_PUBLIC_URL: 'news.example.com' }, /absolute URL/],
    [{ ...base, MAIL_FROM: undefined }, /MAIL_FROM/],
  ])('refuses a broken environment %#', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
