import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { readStackSettings } from '../../lib/stack/stack-settings';

function settingsFrom(context: Record<string, unknown>) {
  return readStackSettings(new App({ context }).node);
}

const valid = {
  'tidings:mailDomain': 'news.example.org',
  'tidings:mailFrom': 'Tidings <alerts@news.example.org>',
  'tidings:postalAddress': 'Example News, 1 Example Street, Springfield',
};

describe('readStackSettings', () => {
  it('reads the mail domain and sender, and leaves the public URL to the API when unset', () => {
    expect(settingsFrom(valid)).toEqual({
      mailDomain: 'news.example.org',
      mailFrom: 'Tidings <alerts@news.example.org>',
      postalAddress: 'Example News, 1 Example Street, Springfield',
      publicUrl: undefined,
    });
  });

  it('accepts a bare sender address and compares domains case-insensitively', () => {
    const settings = settingsFrom({
      ...valid,
      'tidings:mailDomain': 'Example.COM',
      'tidings:mailFrom': 'alerts@example.com',
    });
    expect(settings.mailDomain).toBe('example.com');
    expect(settings.mailFrom).toBe('alerts@example.com');
  });

  it('strips trailing slashes from the public URL', () => {
    expect(settingsFrom({ ...valid, 'tidings:publicUrl': 'https://news.example.org//' }).publicUrl).toBe(
      'https://news.example.org',
    );
  });

  it('requires the mail domain and sender', () => {
    expect(() => settingsFrom({ 'tidings:mailFrom': 'alerts@example.com' })).toThrow(
      new ConfigError(
        'Context tidings:mailDomain is required: set it in cdk.json or pass -c tidings:mailDomain=...',
      ),
    );
    expect(() => settingsFrom({ 'tidings:mailDomain': 'example.com', 'tidings:mailFrom': '  ' })).toThrow(
      /tidings:mailFrom is required/,
    );
  });

  it('refuses to deploy without the postal address every list mail prints in its footer', () => {
    const { 'tidings:postalAddress': _address, ...withoutAddress } = valid;
    expect(() => settingsFrom(withoutAddress)).toThrow(/Context tidings:postalAddress is required/);
    expect(() => settingsFrom({ ...valid, 'tidings:postalAddress': '  ' })).toThrow(
      /tidings:postalAddress is required/,
    );
  });

  it('rejects a sender that the SES identity for the mail domain would not cover', () => {
    expect(() => settingsFrom({ ...valid, 'tidings:mailFrom': 'Tidings <alerts@example.org>' })).toThrow(
      new ConfigError(
        'Context tidings:mailFrom sends from "alerts@example.org", which is not on the mail domain "news.example.org".',
      ),
    );
    expect(() => settingsFrom({ ...valid, 'tidings:mailFrom': 'Tidings' })).toThrow(/has no email address/);
  });

  it('rejects a public URL that is not absolute, and context values that are not strings', () => {
    expect(() => settingsFrom({ ...valid, 'tidings:publicUrl': 'news.example.org' })).toThrow(ConfigError);
    expect(() => settingsFrom({ ...valid, 'tidings:mailDomain': 42 })).toThrow(
      'Context tidings:mailDomain must be a string, got 42.',
    );
  });

  it('reads the per-IP subscribe limit as a whole number, and refuses anything else', () => {
    expect(settingsFrom(valid).subscribePerIpPerMinute).toBeUndefined();
    expect(settingsFrom({ ...valid, 'tidings:subscribePerIpPerMinute': '30' }).subscribePerIpPerMinute).toBe(
      30,
    );
    expect(settingsFrom({ ...valid, 'tidings:subscribePerIpPerMinute': 5 }).subscribePerIpPerMinute).toBe(5);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => settingsFrom({ ...valid, 'tidings:subscribePerIpPerMinute': bad }), bad).toThrow(
        /tidings:subscribePerIpPerMinute must be a whole number of at least 1/,
      );
    }
  });

  it('reads the send-rate cap, absent unless set (the send function then asks SES)', () => {
    expect(settingsFrom(valid).maxSendRate).toBeUndefined();
    expect(settingsFrom({ ...valid, 'tidings:maxSendRate': '50' }).maxSendRate).toBe(50);
    expect(() => settingsFrom({ ...valid, 'tidings:maxSendRate': 0 })).toThrow(
      'Context tidings:maxSendRate must be a whole number of at least 1, got 0.',
    );
  });

  it('reads the topic limit the same way', () => {
    expect(settingsFrom(valid).maxTopics).toBeUndefined();
    expect(settingsFrom({ ...valid, 'tidings:maxTopics': '40' }).maxTopics).toBe(40);
    expect(() => settingsFrom({ ...valid, 'tidings:maxTopics': 'lots' })).toThrow(
      'Context tidings:maxTopics must be a whole number of at least 1, got "lots".',
    );
  });

  it('reads the disposable domains as comma-separated text or a list, and refuses what is no domain', () => {
    expect(settingsFrom(valid).disposableDomains).toBeUndefined();
    expect(
      settingsFrom({ ...valid, 'tidings:disposableDomains': 'Mailinator.com, yopmail.com' })
        .disposableDomains,
    ).toEqual(['mailinator.com', 'yopmail.com']);
    expect(
      settingsFrom({ ...valid, 'tidings:disposableDomains': ['mailinator.com'] }).disposableDomains,
    ).toEqual(['mailinator.com']);
    expect(settingsFrom({ ...valid, 'tidings:disposableDomains': ' , ' }).disposableDomains).toBeUndefined();
    expect(() => settingsFrom({ ...valid, 'tidings:disposableDomains': 'mailinator.com, x y' })).toThrow(
      new ConfigError(
        'Context tidings:disposableDomains must list domains such as mailinator.com; these are not: "x y".',
      ),
    );
    for (const bad of [42, { domains: 'mailinator.com' }, ['mailinator.com', 7]]) {
      expect(() => settingsFrom({ ...valid, 'tidings:disposableDomains': bad }), JSON.stringify(bad)).toThrow(
        /tidings:disposableDomains must be comma-separated domains or a list of them/,
      );
    }
  });

  it('refuses a disposable domains list too long for a Lambda environment', () => {
    const many = Array.from({ length: 200 }, (_, i) => `throwaway-mail-${i}.example`).join(',');
    expect(() => settingsFrom({ ...valid, 'tidings:disposableDomains': many })).toThrow(
      /Lambda allows 4 KB of environment variables per function, so keep the list under 2500/,
    );
  });

  it('reads source time zones from an object in cdk.json or JSON text on the command line, naming a bad zone', () => {
    expect(settingsFrom(valid).sourceTimezones).toBeUndefined();
    const fromObject = settingsFrom({ ...valid, 'tidings:sourceTimezones': { AFP: 'Europe/Paris' } });
    const fromText = settingsFrom({ ...valid, 'tidings:sourceTimezones': '{"AFP":"europe/paris"}' });
    expect(fromObject.sourceTimezones).toBe('{"afp":"Europe/Paris"}');
    expect(fromText.sourceTimezones).toBe(fromObject.sourceTimezones);
    expect(() =>
      settingsFrom({ ...valid, 'tidings:sourceTimezones': { AFP: 'Europe/Paris', ANSA: 'Europe/Roma' } }),
    ).toThrow(
      new ConfigError(
        'Context tidings:sourceTimezones gives "ANSA" the time zone "Europe/Roma", which is no IANA time zone (such as "Europe/Paris").',
      ),
    );
    expect(() => settingsFrom({ ...valid, 'tidings:sourceTimezones': 'AFP=Europe/Paris' })).toThrow(
      /tidings:sourceTimezones must be a JSON object/,
    );
  });

  it('reads the article retention in whole days from 1 to 3650', () => {
    expect(settingsFrom(valid).articleRetentionDays).toBeUndefined();
    expect(settingsFrom({ ...valid, 'tidings:articleRetentionDays': '30' }).articleRetentionDays).toBe(30);
    expect(() => settingsFrom({ ...valid, 'tidings:articleRetentionDays': 0 })).toThrow(
      'Context tidings:articleRetentionDays must be a whole number of at least 1, got 0.',
    );
    expect(() => settingsFrom({ ...valid, 'tidings:articleRetentionDays': 4000 })).toThrow(
      'Context tidings:articleRetentionDays must be at most 3650 days, got 4000.',
    );
  });
});
