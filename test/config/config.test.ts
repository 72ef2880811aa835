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

  it('allows feeds on private addresses against DynamoDB Local only, unless TIDINGS_ALLOW_PRIVATE_FEEDS says', () => {
    expect(loadConfig(base).allowPrivateFeeds).toBe(false);
    const local = { ...base, DYNAMODB_ENDPOINT: 'http://localhost:8000' };
    expect(loadConfig(local).allowPrivateFeeds).toBe(true);
    expect(loadConfig({ ...local, TIDINGS_ALLOW_PRIVATE_FEEDS: 'false' }).allowPrivateFeeds).toBe(false);
    expect(loadConfig({ ...base, TIDINGS_ALLOW_PRIVATE_FEEDS: 'TRUE' }).allowPrivateFeeds).toBe(true);
    expect(() => loadConfig({ ...base, TIDINGS_ALLOW_PRIVATE_FEEDS: 'yes please' })).toThrow(
      'TIDINGS_ALLOW_PRIVATE_FEEDS must be true or false, got "yes please".',
    );
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

  it('maps sources to time zones from TIDINGS_SOURCE_TIMEZONES, by name in any case, each zone spelled canonically', () => {
    expect(loadConfig(base).sourceTimezones.size).toBe(0);
    const zones = loadConfig({
      ...base,
      TIDINGS_SOURCE_TIMEZONES: '{"AFP": "Europe/Paris", "Reuters": "europe/london"}',
    }).sourceTimezones;
    expect([...zones]).toEqual([
      ['afp', 'Europe/Paris'],
      ['reuters', 'Europe/London'],
    ]);
  });

  it.each([
    [
      '{"AFP": "Europe/Paris", "DPA": "Europe/Bonn"}',
      /TIDINGS_SOURCE_TIMEZONES gives "DPA" the time zone "Europe\/Bonn", which is no IANA time zone/,
    ],
    ['{"AFP": 1}', /"AFP" the time zone 1,/],
    ['AFP=Europe/Paris', /TIDINGS_SOURCE_TIMEZONES must be a JSON object/],
    ['["Europe/Paris"]', /TIDINGS_SOURCE_TIMEZONES must be a JSON object/],
  ])('refuses TIDINGS_SOURCE_TIMEZONES=%s', (value, message) => {
    expect(() => loadConfig({ ...base, TIDINGS_SOURCE_TIMEZONES: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TIDINGS_SOURCE_TIMEZONES: value })).toThrow(message);
  });

  it('keeps articles 90 days unless TIDINGS_ARTICLE_RETENTION_DAYS says otherwise, from 1 to 3650', () => {
    expect(loadConfig(base).articleRetentionDays).toBe(90);
    expect(loadConfig({ ...base, TIDINGS_ARTICLE_RETENTION_DAYS: '1' }).articleRetentionDays).toBe(1);
    expect(loadConfig({ ...base, TIDINGS_ARTICLE_RETENTION_DAYS: '3650' }).articleRetentionDays).toBe(3650);
    for (const bad of ['0', '3651', '30.5', 'a month', '-7']) {
      expect(() => loadConfig({ ...base, TIDINGS_ARTICLE_RETENTION_DAYS: bad })).toThrow(
        new ConfigError(
          `TIDINGS_ARTICLE_RETENTION_DAYS must be a whole number from 1 to 3650, got "${bad}".`,
        ),
      );
    }
  });
});
