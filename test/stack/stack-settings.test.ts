import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { contextNamer, readStackSettings } from '../../lib/stack/stack-settings';
import { Tidings } from '../../lib/stack/tidings';
import { createTidingsApp } from '../../lib/stack/tidings-app';
import { resolveTidingsProps } from '../../lib/stack/tidings-props';

/** The settings as a deployment from this project's cdk.json or `-c` would have them. */
function settingsFrom(context: Record<string, unknown>) {
  return resolveTidingsProps(readStackSettings(new App({ context }).node).tidings, contextNamer);
}

const valid = {
  'tidings:domain': 'news.example.org',
  'tidings:senderAddress': 'Tidings <alerts@news.example.org>',
  'tidings:postalAddress': 'Example News, 1 Example Street, Springfield 12345',
};

const hint = (key: string) => ` Set it in cdk.json ("context": {"${key}": …}) or pass -c ${key}=… to cdk.`;

describe('the settings read from CDK context', () => {
  it('reads the sender, domain and postal address, and leaves the rest to their defaults', () => {
    expect(settingsFrom(valid)).toMatchObject({
      domain: 'news.example.org',
      senderAddress: 'Tidings <alerts@news.example.org>',
      postalAddress: 'Example News, 1 Example Street, Springfield 12345',
      publicUrl: undefined,
      ingestAuth: 'key',
      ingestKeyGeneration: 1,
      digestEveryMinutes: 15,
      feedPollEveryMinutes: 15,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      development: false,
    });
  });

  it('sends from one verified address when no domain is given, and compares domains case-insensitively', () => {
    const { 'tidings:domain': _domain, ...noDomain } = valid;
    expect(settingsFrom({ ...noDomain, 'tidings:senderAddress': 'alerts@news.example.org' }).domain).toBe(
      undefined,
    );
    expect(settingsFrom({ ...valid, 'tidings:domain': 'News.Example.ORG' }).domain).toBe('news.example.org');
  });

  it('strips trailing slashes from the public URL and refuses one that is not absolute', () => {
    expect(settingsFrom({ ...valid, 'tidings:publicUrl': 'https://news.example.org//' }).publicUrl).toBe(
      'https://news.example.org',
    );
    expect(() => settingsFrom({ ...valid, 'tidings:publicUrl': 'news.example.org' })).toThrow(
      new ConfigError(
        `Context tidings:publicUrl must be an absolute http(s) URL, got "news.example.org".${hint('tidings:publicUrl')}`,
      ),
    );
  });

  it('refuses a missing or malformed sender, naming the setting and how to set it', () => {
    expect(() => settingsFrom({ 'tidings:postalAddress': valid['tidings:postalAddress'] })).toThrow(
      new ConfigError(
        `Context tidings:senderAddress is required: it is the From of every message.${hint('tidings:senderAddress')}`,
      ),
    );
    expect(() => settingsFrom({ ...valid, 'tidings:senderAddress': '  ' })).toThrow(
      /tidings:senderAddress is required/,
    );
    expect(() => settingsFrom({ ...valid, 'tidings:senderAddress': 'Tidings' })).toThrow(
      /tidings:senderAddress must be an email address or "Name <address>", got "Tidings"/,
    );
    expect(() => settingsFrom({ ...valid, 'tidings:senderAddress': 42 })).toThrow(
      `Context tidings:senderAddress must be a string, got 42.${hint('tidings:senderAddress')}`,
    );
  });

  it('rejects a sender that the SES identity for the mail domain would not cover', () => {
    expect(() => settingsFrom({ ...valid, 'tidings:senderAddress': 'Tidings <alerts@example.org>' })).toThrow(
      new ConfigError(
        `Context tidings:senderAddress sends from "alerts@example.org", which is not on the mail domain "news.example.org".${hint('tidings:senderAddress')}`,
      ),
    );
  });

  it('requires a postal address a reader could write to', () => {
    expect(() => settingsFrom({ ...valid, 'tidings:postalAddress': '' })).toThrow(
      /Context tidings:postalAddress is required: every alert and digest prints the sender's postal address/,
    );
    const invalid = {
      TBD: /must be 10 to 300 characters long/,
      'To be announced later': /must be written as 2 to 6 parts separated by commas/,
      'Example News, Main Street, Springfield': /must contain a house, PO box or postcode number/,
      'Example News, <b>1 Main St</b>': /must be plain text/,
      [`Example News, 1 Main Street, ${'x'.repeat(300)}`]: /must be 10 to 300 characters long/,
    };
    for (const [address, problem] of Object.entries(invalid)) {
      expect(() => settingsFrom({ ...valid, 'tidings:postalAddress': address }), address).toThrow(problem);
    }
    expect(
      settingsFrom({ ...valid, 'tidings:postalAddress': 'PO Box 42\nSpringfield 12345\nUSA' }).postalAddress,
    ).toBe('PO Box 42\nSpringfield 12345\nUSA');
  });

  it('reads whole-number settings from numbers or command-line text, and names the range when out of it', () => {
    expect(settingsFrom({ ...valid, 'tidings:maxSendRate': '50' }).maxSendRate).toBe(50);
    expect(settingsFrom({ ...valid, 'tidings:subscribePerIpPerMinute': 5 }).subscribePerIpPerMinute).toBe(5);
    expect(settingsFrom({ ...valid, 'tidings:maxTopics': '40' }).maxTopics).toBe(40);
    for (const bad of [0, -1, '0', '2.5']) {
      expect(() => settingsFrom({ ...valid, 'tidings:maxSendRate': bad }), String(bad)).toThrow(
        new ConfigError(
          `Context tidings:maxSendRate must be a whole number of messages a second from 1 to 100,000, got ${Number(bad)}.${hint('tidings:maxSendRate')}`,
        ),
      );
    }
    expect(() => settingsFrom({ ...valid, 'tidings:maxTopics': 'lots' })).toThrow(
      `Context tidings:maxTopics must be a number, got "lots".${hint('tidings:maxTopics')}`,
    );
    expect(() => settingsFrom({ ...valid, 'tidings:digestEveryMinutes': 90 })).toThrow(
      /tidings:digestEveryMinutes must be a whole number of minutes from 1 to 60, got 90/,
    );
    expect(() => settingsFrom({ ...valid, 'tidings:feedPollEveryMinutes': 1 })).toThrow(
      /tidings:feedPollEveryMinutes must be a whole number of minutes from 5 to 1,440, got 1/,
    );
  });

  it('reads the article retention in whole days, at least one', () => {
    expect(settingsFrom(valid).articleRetentionDays).toBeUndefined();
    expect(settingsFrom({ ...valid, 'tidings:articleRetentionDays': '30' }).articleRetentionDays).toBe(30);
    for (const bad of [0, 0.5, 4000]) {
      expect(() => settingsFrom({ ...valid, 'tidings:articleRetentionDays': bad }), String(bad)).toThrow(
        new ConfigError(
          `Context tidings:articleRetentionDays must be a whole number of days from 1 to 3,650, got ${bad}.${hint('tidings:articleRetentionDays')}`,
        ),
      );
    }
  });

  it('reads the allowed origins as a list or comma-separated text, and refuses paths and wildcards', () => {
    expect(
      settingsFrom({ ...valid, 'tidings:allowedOrigins': 'https://news.example.org, http://localhost:3000' })
        .allowedOrigins,
    ).toEqual(['https://news.example.org', 'http://localhost:3000']);
    expect(
      settingsFrom({ ...valid, 'tidings:allowedOrigins': ['https://news.example.org'] }).allowedOrigins,
    ).toEqual(['https://news.example.org']);
    for (const bad of ['*', 'https://*.example.org', 'https://news.example.org/signup', 'news.example.org']) {
      expect(() => settingsFrom({ ...valid, 'tidings:allowedOrigins': bad }), bad).toThrow(
        /tidings:allowedOrigins must list origins such as https:\/\/news.example.com/,
      );
    }
  });

  it('reads the ingest authentication mode, key or iam', () => {
    expect(settingsFrom({ ...valid, 'tidings:ingestAuth': 'iam' }).ingestAuth).toBe('iam');
    expect(() => settingsFrom({ ...valid, 'tidings:ingestAuth': 'oauth' })).toThrow(
      /tidings:ingestAuth must be "key" or "iam", got "oauth"/,
    );
  });

  it('reads the alarm email as one address, absent unless set', () => {
    expect(settingsFrom(valid).alarmEmail).toBeUndefined();
    expect(settingsFrom({ ...valid, 'tidings:alarmEmail': ' ops@news.example.org ' }).alarmEmail).toBe(
      'ops@news.example.org',
    );
    for (const bad of ['ops', 'ops@example', 'Ops <ops@example.com>', 'a@example.com,b@example.com']) {
      expect(() => settingsFrom({ ...valid, 'tidings:alarmEmail': bad }), bad).toThrow(
        `Context tidings:alarmEmail must be an email address, got "${bad}".${hint('tidings:alarmEmail')}`,
      );
    }
  });

  it('reads the development flag only as true or false', () => {
    expect(settingsFrom({ ...valid, 'tidings:development': 'true' }).development).toBe(true);
    expect(settingsFrom({ ...valid, 'tidings:development': false }).development).toBe(false);
    expect(() => settingsFrom({ ...valid, 'tidings:development': 'yes' })).toThrow(
      /tidings:development must be true or false, got "yes"/,
    );
  });

  it('reads the disposable domains as comma-separated text or a list, and refuses what is no domain', () => {
    expect(
      settingsFrom({ ...valid, 'tidings:disposableDomains': 'Mailinator.com, yopmail.com' })
        .disposableDomains,
    ).toEqual(['mailinator.com', 'yopmail.com']);
    expect(settingsFrom({ ...valid, 'tidings:disposableDomains': ' , ' }).disposableDomains).toBeUndefined();
    expect(() => settingsFrom({ ...valid, 'tidings:disposableDomains': 'mailinator.com, x y' })).toThrow(
      /tidings:disposableDomains must list domains such as mailinator.com; these are not: "x y"/,
    );
    expect(() => settingsFrom({ ...valid, 'tidings:disposableDomains': 42 })).toThrow(
      /tidings:disposableDomains must be comma-separated text or a list of strings/,
    );
    const many = Array.from({ length: 200 }, (_, i) => `throwaway-mail-${i}.example`).join(',');
    expect(() => settingsFrom({ ...valid, 'tidings:disposableDomains': many })).toThrow(
      /Lambda allows 4 KB of environment variables per function, so keep the list under 2500/,
    );
  });

  it('reads source time zones from an object or JSON text, naming a bad zone', () => {
    const fromObject = settingsFrom({ ...valid, 'tidings:sourceTimezones': { AFP: 'Europe/Paris' } });
    const fromText = settingsFrom({ ...valid, 'tidings:sourceTimezones': '{"AFP":"europe/paris"}' });
    expect(fromObject.sourceTimezones).toEqual({ afp: 'Europe/Paris' });
    expect(fromText.sourceTimezones).toEqual(fromObject.sourceTimezones);
    expect(() => settingsFrom({ ...valid, 'tidings:sourceTimezones': { ANSA: 'Europe/Roma' } })).toThrow(
      /Context tidings:sourceTimezones gives "ANSA" the time zone "Europe\/Roma", which is no IANA time zone/,
    );
    expect(() => settingsFrom({ ...valid, 'tidings:sourceTimezones': 'AFP=Europe/Paris' })).toThrow(
      /tidings:sourceTimezones must be a JSON object/,
    );
  });

  it('needs both parts of a custom API domain, and a real certificate ARN', () => {
    expect(() => settingsFrom({ ...valid, 'tidings:apiDomain': 'api.news.example.org' })).toThrow(
      /tidings:apiCertificateArn is required with tidings:apiDomain/,
    );
    expect(() =>
      readStackSettings(
        new App({
          context: {
            ...valid,
            'tidings:apiDomain': 'api.example.org',
            'tidings:apiCertificateArn': 'cert-1',
          },
        }).node,
      ),
    ).toThrow(/tidings:apiCertificateArn must be an ACM certificate ARN, got "cert-1"/);
  });
});

describe('bad configuration', () => {
  it('fails the synth itself, before any function is built', () => {
    const bad = {
      'tidings:senderAddress': undefined,
      'tidings:postalAddress': 'Nowhere',
      'tidings:maxSendRate': 0,
      'tidings:articleRetentionDays': 0,
    };
    for (const [key, value] of Object.entries(bad)) {
      expect(() => createTidingsApp({ context: { ...valid, [key]: value } }), key).toThrow(
        new RegExp(`^Context ${key} .*Set it in cdk.json`),
      );
    }
  });

  it('names the prop when the construct is used from another app', () => {
    const stack = new Stack(new App(), 'Other');
    expect(
      () => new Tidings(stack, 'Alerts', { senderAddress: 'alerts@example.org', postalAddress: 'Nowhere' }),
    ).toThrow(
      new ConfigError(
        'Tidings prop postalAddress must be 10 to 300 characters long (this is 7), got "Nowhere".',
      ),
    );
    expect(
      () =>
        new Tidings(stack, 'Alerts2', {
          senderAddress: 'alerts@example.org',
          postalAddress: valid['tidings:postalAddress'],
          maxSendRate: 0,
        }),
    ).toThrow(
      'Tidings prop maxSendRate must be a whole number of messages a second from 1 to 100,000, got 0.',
    );
  });
});
