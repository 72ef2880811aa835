import type { Node } from 'constructs';
import { MAX_ARTICLE_RETENTION_DAYS, parseSourceTimezones } from '../config';
import { ConfigError } from '../errors';
import { parseDomainList } from '../subscriptions/disposable-domains';

/** Deployment settings an operator chooses, read from CDK context (`cdk.json` or `cdk synth -c key=value`). */
export interface StackSettings {
  /** Domain verified in SES as the sending identity. */
  readonly mailDomain: string;
  /** From header of every message, e.g. `Tidings <alerts@example.com>`; its address must be on `mailDomain`. */
  readonly mailFrom: string;
  /** Base URL for links in emails; when absent the stack uses the HTTP API's own URL. */
  readonly publicUrl: string | undefined;
  /** Subscribe posts one client IP may make a minute (TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE); default 10. */
  readonly subscribePerIpPerMinute: number | undefined;
  /** Domains whose addresses may not subscribe (TIDINGS_DISPOSABLE_DOMAINS); none when unset. */
  readonly disposableDomains: readonly string[] | undefined;
  /** Topics one subscriber may have (TIDINGS_MAX_TOPICS); default 25. */
  readonly maxTopics: number | undefined;
  /** The sender's postal address for the footer of every list mail (TIDINGS_POSTAL_ADDRESS); required. */
  readonly postalAddress: string;
  /**
   * Messages a second all send function instances together hand to SES (TIDINGS_MAX_SEND_RATE); when
   * unset the send function reads the account's MaxSendRate from SES's GetSendQuota at cold start.
   */
  readonly maxSendRate: number | undefined;
  /**
   * The zone each source writes offsetless times in (TIDINGS_SOURCE_TIMEZONES, set on the ingest function),
   * as JSON text; UTC for every source when unset.
   */
  readonly sourceTimezones: string | undefined;
  /** Days a story is kept after publication (TIDINGS_ARTICLE_RETENTION_DAYS, ingest function); default 90. */
  readonly articleRetentionDays: number | undefined;
}

export const contextKeys = {
  mailDomain: 'tidings:mailDomain',
  mailFrom: 'tidings:mailFrom',
  publicUrl: 'tidings:publicUrl',
  subscribePerIpPerMinute: 'tidings:subscribePerIpPerMinute',
  disposableDomains: 'tidings:disposableDomains',
  maxTopics: 'tidings:maxTopics',
  postalAddress: 'tidings:postalAddress',
  maxSendRate: 'tidings:maxSendRate',
  sourceTimezones: 'tidings:sourceTimezones',
  articleRetentionDays: 'tidings:articleRetentionDays',
} as const;

/**
 * Lambda allows 4 KB of environment variables per function in all; the list travels in one of them, next to
 * the table name, URLs and secret ARNs.
 */
export const MAX_DISPOSABLE_DOMAINS_CHARS = 2500;

/** A whole number of at least 1 (given as a number or, on the command line, as text), or undefined. */
function positive(node: Node, key: string): number | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new ConfigError(`Context ${key} must be a whole number of at least 1, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

/** `tidings:sourceTimezones`: an object in cdk.json, or its JSON text on the command line. */
function sourceTimezones(node: Node): string | undefined {
  const key = contextKeys.sourceTimezones;
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError(
        `Context ${key} must be a JSON object such as {"AFP":"Europe/Paris"}, got ${raw}.`,
      );
    }
  }
  const zones = parseSourceTimezones(value, `Context ${key}`);
  return zones.size > 0 ? JSON.stringify(Object.fromEntries(zones)) : undefined;
}

function retentionDays(node: Node): number | undefined {
  const key = contextKeys.articleRetentionDays;
  const days = positive(node, key);
  if (days !== undefined && days > MAX_ARTICLE_RETENTION_DAYS) {
    throw new ConfigError(`Context ${key} must be at most ${MAX_ARTICLE_RETENTION_DAYS} days, got ${days}.`);
  }
  return days;
}

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new ConfigError(`Context ${key} must be a string, got ${JSON.stringify(value)}.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function required(node: Node, key: string): string {
  const value = text(node, key);
  if (!value) throw new ConfigError(`Context ${key} is required: set it in cdk.json or pass -c ${key}=...`);
  return value;
}

/** The address inside `Name <address>` or a bare address. */
function addressOf(mailFrom: string): string {
  const angled = /<([^<>]+)>\s*$/.exec(mailFrom);
  return (angled?.[1] ?? mailFrom).trim();
}

/** `tidings:disposableDomains`: comma-separated text or a JSON list of domains. */
function disposableDomains(node: Node): string[] | undefined {
  const key = contextKeys.disposableDomains;
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  const isList = Array.isArray(value) && value.every((entry) => typeof entry === 'string');
  if (typeof value !== 'string' && !isList) {
    throw new ConfigError(
      `Context ${key} must be comma-separated domains or a list of them, got ${JSON.stringify(value)}.`,
    );
  }
  const { domains, invalid } = parseDomainList(value as string | string[]);
  if (invalid.length > 0) {
    throw new ConfigError(
      `Context ${key} must list domains such as mailinator.com; these are not: ${invalid.map((d) => JSON.stringify(d)).join(', ')}.`,
    );
  }
  const chars = domains.join(',').length;
  if (chars > MAX_DISPOSABLE_DOMAINS_CHARS) {
    throw new ConfigError(
      `Context ${key} holds ${chars} characters of domains; Lambda allows 4 KB of environment variables per function, so keep the list under ${MAX_DISPOSABLE_DOMAINS_CHARS}.`,
    );
  }
  return domains.length > 0 ? domains : undefined;
}

export function readStackSettings(node: Node): StackSettings {
  const mailDomain = required(node, contextKeys.mailDomain).toLowerCase();
  const mailFrom = required(node, contextKeys.mailFrom);
  const address = addressOf(mailFrom);
  const at = address.lastIndexOf('@');
  if (at < 1) throw new ConfigError(`Context ${contextKeys.mailFrom} has no email address: "${mailFrom}".`);
  // SES only sends from addresses its identity covers; a mismatch would surface as a runtime send failure.
  if (address.slice(at + 1).toLowerCase() !== mailDomain) {
    throw new ConfigError(
      `Context ${contextKeys.mailFrom} sends from "${address}", which is not on the mail domain "${mailDomain}".`,
    );
  }
  const publicUrl = text(node, contextKeys.publicUrl);
  if (publicUrl !== undefined && !URL.canParse(publicUrl)) {
    throw new ConfigError(`Context ${contextKeys.publicUrl} must be an absolute URL, got "${publicUrl}".`);
  }
  // Bulk mail without the sender's physical address breaks CAN-SPAM and reads as spam; refuse to deploy it.
  const postalAddress = text(node, contextKeys.postalAddress);
  if (!postalAddress) {
    throw new ConfigError(
      `Context ${contextKeys.postalAddress} is required: every alert and digest prints the sender's postal address in its footer. Set it in cdk.json or pass -c ${contextKeys.postalAddress}="1 Example Street, City, Country".`,
    );
  }
  return {
    mailDomain,
    mailFrom,
    postalAddress,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    subscribePerIpPerMinute: positive(node, contextKeys.subscribePerIpPerMinute),
    maxTopics: positive(node, contextKeys.maxTopics),
    maxSendRate: positive(node, contextKeys.maxSendRate),
    sourceTimezones: sourceTimezones(node),
    articleRetentionDays: retentionDays(node),
    disposableDomains: disposableDomains(node),
  };
}
