import { canonicalTimeZone, type SourceZones } from './articles/time-zones';
import { ConfigError } from './errors';
import { parseDomainList } from './subscriptions/disposable-domains';
import { DEFAULT_MAX_TOPICS } from './subscriptions/model';

/**
 * Every setting Tidings reads, read and validated in one place. Variable names are set by the CDK
 * construct (`lib/stack/`) on AWS and by the local runner (`bin/local.ts`) on one machine.
 */
export type SecretRef =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'arn'; readonly arn: string };

export interface Config {
  readonly tableName: string;
  readonly region: string;
  /** Base URL for every link in emails and pages, without a trailing slash. */
  readonly publicUrl: string;
  readonly mailFrom: string;
  /** Set locally: DynamoDB Local. Unset on AWS. */
  readonly dynamodbEndpoint: string | undefined;
  /** Set locally: aws-ses-v2-local. Unset on AWS. */
  readonly sesEndpoint: string | undefined;
  /** Only the functions granted a secret get its variable; using an absent one is a deployment fault. */
  readonly ingestKey: SecretRef | undefined;
  readonly tokenSecret: SecretRef | undefined;
  /** Keys the suppression list's address hashes (see `subscriptions/suppression.ts`). */
  readonly suppressionSalt: SecretRef | undefined;
  /** SES configuration set for feedback events; unset locally. */
  readonly sesConfigurationSet: string | undefined;
  /**
   * The sender's physical postal address, printed in the footer of every list mail (CAN-SPAM, and what
   * readers look for to trust a sender). The stack refuses to deploy without it; unset only in tests.
   */
  readonly postalAddress: string | undefined;
  /** Mailbox of the `mailto:` List-Unsubscribe; `unsubscribe@<MAIL_FROM's domain>` unless set. */
  readonly unsubscribeMailbox: string | undefined;
  /** Subscribe posts one client IP may make in a minute. */
  readonly subscribePerIpPerMinute: number;
  /** Domains (and their subdomains) whose addresses may not subscribe; none unless configured. */
  readonly disposableDomains: readonly string[];
  /** Topics one subscriber may have, and so one request may ask for. */
  readonly maxTopics: number;
  /**
   * Messages a second all senders together may hand to SES (`TIDINGS_MAX_SEND_RATE`). Unset: SES's own
   * `MaxSendRate` on AWS, `DEFAULT_MAX_SEND_RATE` against the local endpoint (which has no quota to read).
   */
  readonly maxSendRate: number | undefined;
  /**
   * How old a 'sending' claim must be before the sweeper takes its worker for dead
   * (`TIDINGS_CLAIM_TIMEOUT_SECONDS`); unset, twice the send function's timeout.
   */
  readonly claimTimeoutSeconds: number | undefined;
  /**
   * The zone each source writes its offsetless times in (`TIDINGS_SOURCE_TIMEZONES`, a JSON object of source or
   * credit name → IANA zone), keyed by the lower-cased name; empty unless set.
   */
  readonly sourceTimezones: SourceZones;
  /** Days a stored article is kept before the table's TTL removes it (`TIDINGS_ARTICLE_RETENTION_DAYS`). */
  readonly articleRetentionDays: number;
  /**
   * Whether feeds may be registered and fetched from loopback, private and other non-public addresses
   * (`TIDINGS_ALLOW_PRIVATE_FEEDS`). Unset: yes against DynamoDB Local (`npm start`, tests, whose feeds are
   * served on this machine), no on AWS, where such an address reaches into the network the function runs in.
   */
  readonly allowPrivateFeeds: boolean;
  /**
   * How the publisher is authenticated (TIDINGS_INGEST_AUTH): `key`, the Bearer ingest key (default), or
   * `iam`, where API Gateway has checked a SigV4 signature before the request arrives (AWS only).
   */
  readonly ingestAuth: 'key' | 'iam';
}

export const DEFAULT_ARTICLE_RETENTION_DAYS = 90;
/** Ten years: more is no retention policy, and a typo for one. */
export const MAX_ARTICLE_RETENTION_DAYS = 3650;

/** SES's default sending rate for an account out of the sandbox. */
export const DEFAULT_MAX_SEND_RATE = 14;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`Environment variable ${name} is required.`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function secret(env: Env, valueName: string, arnName: string): SecretRef | undefined {
  const arn = optional(env, arnName);
  if (arn) return { kind: 'arn', arn };
  const value = optional(env, valueName);
  return value ? { kind: 'value', value } : undefined;
}

const secretVariables = {
  'ingest key': 'INGEST_KEY_SECRET_ARN or TIDINGS_INGEST_KEY',
  'token secret': 'TOKEN_SECRET_ARN or TIDINGS_TOKEN_SECRET',
  'suppression salt': 'SUPPRESSION_SALT_SECRET_ARN or TIDINGS_SUPPRESSION_SALT',
} as const;

/** The secret a use case needs, or a ConfigError naming the variables that would provide it. */
export function requireSecret(ref: SecretRef | undefined, name: keyof typeof secretVariables): SecretRef {
  if (ref) return ref;
  const vars = secretVariables[name];
  throw new ConfigError(
    `This function has no ${name}: set ${vars} (the stack grants it to the functions that need it).`,
  );
}

function url(env: Env, name: string): string {
  const value = required(env, name);
  try {
    new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${value}".`);
  }
  return value.replace(/\/+$/, '');
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}".`);
  }
  return value;
}

function optionalPositiveInteger(env: Env, name: string): number | undefined {
  return optional(env, name) === undefined ? undefined : positiveInteger(env, name, 1);
}

function integerInRange(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

/**
 * A JSON object of names → IANA zones, keyed by the lower-cased name, each zone in its canonical spelling;
 * `where` names the setting in errors. Shared with the CDK context, which the stack passes on as this variable.
 */
export function parseSourceTimezones(value: unknown, where: string): Map<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be a JSON object such as {"AFP":"Europe/Paris"}.`);
  }
  const zones = new Map<string, string>();
  for (const [name, zone] of Object.entries(value)) {
    const canonical = typeof zone === 'string' ? canonicalTimeZone(zone) : undefined;
    if (canonical === undefined) {
      throw new ConfigError(
        `${where} gives ${JSON.stringify(name)} the time zone ${JSON.stringify(zone)}, which is no IANA time zone (such as "Europe/Paris").`,
      );
    }
    const key = name.trim().toLowerCase();
    if (key === '') throw new ConfigError(`${where} has a blank source name.`);
    zones.set(key, canonical);
  }
  return zones;
}

function sourceTimezones(env: Env, name: string): SourceZones {
  const raw = optional(env, name);
  if (raw === undefined) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be a JSON object such as {"AFP":"Europe/Paris"}, got "${raw}".`);
  }
  return parseSourceTimezones(parsed, name);
}

function ingestAuth(env: Env): 'key' | 'iam' {
  const raw = optional(env, 'TIDINGS_INGEST_AUTH') ?? 'key';
  if (raw === 'key' || raw === 'iam') return raw;
  throw new ConfigError(`TIDINGS_INGEST_AUTH must be "key" or "iam", got "${raw}".`);
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function domainList(env: Env, name: string): string[] {
  const { domains, invalid } = parseDomainList(optional(env, name) ?? '');
  if (invalid.length > 0) {
    throw new ConfigError(
      `${name} must be comma-separated domains such as mailinator.com; these are not: ${invalid.map((d) => JSON.stringify(d)).join(', ')}.`,
    );
  }
  return domains;
}

/** `TIDINGS_MAX_TOPICS`, on its own for callers that need no other setting (the CLI's import). */
export function loadMaxTopics(env: Env = process.env): number {
  return positiveInteger(env, 'TIDINGS_MAX_TOPICS', DEFAULT_MAX_TOPICS);
}

export function loadConfig(env: Env = process.env): Config {
  return {
    tableName: required(env, 'TABLE_NAME'),
    region: optional(env, 'AWS_REGION') ?? 'us-east-1',
    publicUrl: url(env, 'TIDINGS_PUBLIC_URL'),
    mailFrom: required(env, 'MAIL_FROM'),
    dynamodbEndpoint: optional(env, 'DYNAMODB_ENDPOINT'),
    sesEndpoint: optional(env, 'SES_ENDPOINT'),
    ingestKey: secret(env, 'TIDINGS_INGEST_KEY', 'INGEST_KEY_SECRET_ARN'),
    tokenSecret: secret(env, 'TIDINGS_TOKEN_SECRET', 'TOKEN_SECRET_ARN'),
    suppressionSalt: secret(env, 'TIDINGS_SUPPRESSION_SALT', 'SUPPRESSION_SALT_SECRET_ARN'),
    sesConfigurationSet: optional(env, 'SES_CONFIGURATION_SET'),
    postalAddress: optional(env, 'TIDINGS_POSTAL_ADDRESS'),
    unsubscribeMailbox: optional(env, 'TIDINGS_UNSUBSCRIBE_MAILBOX'),
    subscribePerIpPerMinute: positiveInteger(env, 'TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE', 10),
    disposableDomains: domainList(env, 'TIDINGS_DISPOSABLE_DOMAINS'),
    maxTopics: loadMaxTopics(env),
    maxSendRate: optionalPositiveInteger(env, 'TIDINGS_MAX_SEND_RATE'),
    claimTimeoutSeconds: optionalPositiveInteger(env, 'TIDINGS_CLAIM_TIMEOUT_SECONDS'),
    sourceTimezones: sourceTimezones(env, 'TIDINGS_SOURCE_TIMEZONES'),
    articleRetentionDays: integerInRange(
      env,
      'TIDINGS_ARTICLE_RETENTION_DAYS',
      DEFAULT_ARTICLE_RETENTION_DAYS,
      1,
      MAX_ARTICLE_RETENTION_DAYS,
    ),
    ingestAuth: ingestAuth(env),
    allowPrivateFeeds: flag(
      env,
      'TIDINGS_ALLOW_PRIVATE_FEEDS',
      optional(env, 'DYNAMODB_ENDPOINT') !== undefined,
    ),
  };
}
