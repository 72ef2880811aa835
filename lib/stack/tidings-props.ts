import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IPublicHostedZone } from 'aws-cdk-lib/aws-route53';
import { MAX_ARTICLE_RETENTION_DAYS, parseSourceTimezones } from '../config';
import { ConfigError } from '../errors';
import { parseDomainList } from '../subscriptions/disposable-domains';

/** How the publisher's system proves itself to `POST /articles` and the `/feeds` routes. */
export type IngestAuth = 'key' | 'iam';

/**
 * What a deployment of Tidings is given. Every setting but the sender and the postal address has a
 * default; each is also a CDK context value `tidings:<name>` (cdk.json or `-c`) when the stack is deployed
 * from this project (README, "Configuration").
 */
export interface TidingsProps {
  /**
   * The From of every message: `Name <address>` or a bare address. Without `domain`, SES verifies this one
   * address (it receives a confirmation link); with it, the address must be on that domain.
   */
  readonly senderAddress: string;
  /**
   * The domain to verify in SES as the sending identity, signed with Easy DKIM (2048-bit keys). Needed for
   * bulk sending: Gmail and Yahoo ask bulk senders for DKIM and DMARC aligned with the From domain.
   */
  readonly domain?: string;
  /** The domain's public hosted zone: when given, SES's DKIM records are published into it. */
  readonly hostedZone?: IPublicHostedZone;
  /** The sender's physical postal address, printed in the footer of every list mail (CAN-SPAM). */
  readonly postalAddress: string;
  /** Base URL of the links in emails; default the custom domain, else the HTTP API's own URL. */
  readonly publicUrl?: string;
  /** Serves the HTTP API under this domain (a certificate for it in the stack's region). */
  readonly customDomain?: { readonly domainName: string; readonly certificate: ICertificate };
  /** Origins (`https://news.example.com`) whose pages may call the API from a browser; none by default. */
  readonly allowedOrigins?: readonly string[];
  /** Messages a second all senders together hand to SES; default the account's MaxSendRate. */
  readonly maxSendRate?: number;
  /** Days a story is kept after publication; default 90. */
  readonly articleRetentionDays?: number;
  /** Minutes between digest runs: how close to a subscriber's chosen local time a digest leaves; default 15. */
  readonly digestEveryMinutes?: number;
  /** Minutes between polls of the registered feeds; default 15. */
  readonly feedPollEveryMinutes?: number;
  /**
   * `key` (default): a Bearer key kept in Secrets Manager; `iam`: the caller signs with SigV4 and needs
   * `execute-api:Invoke` on the ingest routes (`Tidings.grantIngest`).
   */
  readonly ingestAuth?: IngestAuth;
  /** Raise it by one and re-deploy to replace the ingest key by a new random one; default 1. */
  readonly ingestKeyGeneration?: number;
  /** Steady requests a second, and the burst, the API stage takes before answering 429; default 50 / 100. */
  readonly apiRateLimit?: number;
  readonly apiBurstLimit?: number;
  /** Subscribe posts one client IP may make a minute; default 10. */
  readonly subscribePerIpPerMinute?: number;
  /** Topics one subscriber may have; default 25. */
  readonly maxTopics?: number;
  /** Domains whose addresses may not subscribe (throwaway mailboxes); none by default. */
  readonly disposableDomains?: readonly string[];
  /** The zone each source writes offsetless times in, `{"AFP":"Europe/Paris"}`; UTC for every source by default. */
  readonly sourceTimezones?: Readonly<Record<string, string>>;
  /** Where the alarms are mailed (the alarm topic exists without it). */
  readonly alarmEmail?: string;
  /**
   * For development and test deployments only: the table, the secrets and the logs are deleted with the
   * stack. Off by default, when they outlive it (a redeploy never replaces them either way).
   */
  readonly development?: boolean;
}

export type Setting = keyof TidingsProps;

/**
 * How a setting is named in an error, and how to set it: as a prop of the construct, or as the context
 * key an operator sets in cdk.json or on the command line.
 */
export interface SettingNamer {
  name(setting: Setting): string;
  /** A sentence appended to the error, or ''. */
  hint(setting: Setting): string;
}

export const propNamer: SettingNamer = { name: (setting) => `Tidings prop ${setting}`, hint: () => '' };

/**
 * Lambda allows 4 KB of environment variables per function in all; the list travels in one of them, next to
 * the table name, URLs and secret ARNs.
 */
export const MAX_DISPOSABLE_DOMAINS_CHARS = 2500;

/** The address inside `Name <address>` or a bare address. */
export function addressOf(sender: string): string {
  const angled = /<([^<>]+)>\s*$/.exec(sender);
  return (angled?.[1] ?? sender).trim();
}

const EMAIL = /^[^\s@<>()",;:]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/**
 * A postal address a reader could write to: 10–300 characters on at most six lines, parts separated by
 * commas or line breaks (street or PO box, town, postcode, country), with a number in it (house, box or
 * postcode), no markup and no control characters. Placeholder text ("TBD", "none") fails all of this.
 */
function postalAddressProblem(address: string): string | undefined {
  if (address.length < 10 || address.length > 300)
    return `must be 10 to 300 characters long (this is ${address.length})`;
  if (CONTROL.test(address) || /[<>]/.test(address))
    return 'must be plain text, without markup or control characters';
  const parts = address.split(/[,\n]/).filter((part) => part.trim() !== '');
  if (parts.length < 2 || parts.length > 6)
    return 'must be written as 2 to 6 parts separated by commas or line breaks (street or PO box, town and postcode, country)';
  if (!/\p{Nd}/u.test(address)) return 'must contain a house, PO box or postcode number';
  return undefined;
}

/** The error for one setting: its name, what is wrong, and how to set it. */
function failure(naming: SettingNamer, setting: Setting, problem: string): ConfigError {
  return new ConfigError(`${naming.name(setting)} ${problem}${naming.hint(setting)}`);
}

function wholeNumber(
  naming: SettingNamer,
  setting: Setting,
  value: unknown,
  [min, max]: readonly [number, number],
  unit: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    throw failure(
      naming,
      setting,
      `must be a whole number of ${unit} from ${min} to ${max.toLocaleString('en')}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** The settings as the construct uses them: defaults filled, text trimmed, sender checked against the domain. */
export interface ResolvedTidingsProps extends TidingsProps {
  readonly ingestAuth: IngestAuth;
  readonly ingestKeyGeneration: number;
  readonly digestEveryMinutes: number;
  readonly feedPollEveryMinutes: number;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  readonly development: boolean;
}

/**
 * Checks every setting, naming the one that is wrong (as `naming` spells it), what it must be and how to
 * set it, so a bad deployment fails at synthesis instead of at the first send.
 */
export function resolveTidingsProps(
  props: TidingsProps,
  naming: SettingNamer = propNamer,
): ResolvedTidingsProps {
  const fail = (setting: Setting, problem: string) => failure(naming, setting, problem);
  const number = (setting: Setting, range: readonly [number, number], unit: string) =>
    wholeNumber(naming, setting, props[setting], range, unit);

  const senderAddress = typeof props.senderAddress === 'string' ? props.senderAddress.trim() : '';
  if (!senderAddress) throw fail('senderAddress', 'is required: it is the From of every message.');
  const address = addressOf(senderAddress);
  if (!EMAIL.test(address)) {
    throw fail(
      'senderAddress',
      `must be an email address or "Name <address>", got ${JSON.stringify(senderAddress)}.`,
    );
  }
  const domain = props.domain?.trim().toLowerCase() || undefined;
  if (domain !== undefined) {
    if (!DOMAIN.test(domain)) throw fail('domain', `must be a domain name, got "${domain}".`);
    // SES only sends from addresses its identity covers; a mismatch would surface as a runtime send failure.
    if (address.slice(address.lastIndexOf('@') + 1).toLowerCase() !== domain) {
      throw fail('senderAddress', `sends from "${address}", which is not on the mail domain "${domain}".`);
    }
  }
  if (props.hostedZone && domain === undefined) {
    throw fail(
      'hostedZone',
      `needs ${naming.name('domain')}: the DKIM records it would hold are the domain's.`,
    );
  }
  // Bulk mail without the sender's physical address breaks CAN-SPAM and reads as spam; refuse to deploy it.
  const postalAddress = typeof props.postalAddress === 'string' ? props.postalAddress.trim() : '';
  if (!postalAddress) {
    throw fail(
      'postalAddress',
      "is required: every alert and digest prints the sender's postal address in its footer.",
    );
  }
  const postalProblem = postalAddressProblem(postalAddress);
  if (postalProblem) throw fail('postalAddress', `${postalProblem}, got ${JSON.stringify(postalAddress)}.`);
  const publicUrl = props.publicUrl?.trim() || undefined;
  if (publicUrl !== undefined && !(/^https?:\/\//i.test(publicUrl) && URL.canParse(publicUrl))) {
    throw fail('publicUrl', `must be an absolute http(s) URL, got "${publicUrl}".`);
  }
  if (props.customDomain && !DOMAIN.test(props.customDomain.domainName)) {
    throw fail('customDomain', `must name a domain, got "${props.customDomain.domainName}".`);
  }
  const allowedOrigins = props.allowedOrigins?.map((origin) => origin.trim()).filter(Boolean);
  for (const origin of allowedOrigins ?? []) {
    // An origin is scheme, host and port only; "*" would let any page post subscriptions for its visitors.
    if (!/^https?:\/\/[^/\s?#*]+$/i.test(origin)) {
      throw fail(
        'allowedOrigins',
        `must list origins such as https://news.example.com (no path, no wildcard), got "${origin}".`,
      );
    }
  }
  if (props.ingestAuth !== undefined && props.ingestAuth !== 'key' && props.ingestAuth !== 'iam') {
    throw fail('ingestAuth', `must be "key" or "iam", got ${JSON.stringify(props.ingestAuth)}.`);
  }
  const alarmEmail = props.alarmEmail?.trim() || undefined;
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw fail('alarmEmail', `must be an email address, got "${alarmEmail}".`);
  }
  const disposableDomains = checkedDomains(props.disposableDomains, fail);
  const sourceTimezones = zones(props.sourceTimezones, naming);
  return {
    ...props,
    senderAddress,
    domain,
    postalAddress,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    allowedOrigins,
    alarmEmail,
    disposableDomains,
    sourceTimezones,
    maxSendRate: number('maxSendRate', [1, 100_000], 'messages a second'),
    articleRetentionDays: number('articleRetentionDays', [1, MAX_ARTICLE_RETENTION_DAYS], 'days'),
    subscribePerIpPerMinute: number('subscribePerIpPerMinute', [1, 10_000], 'posts'),
    maxTopics: number('maxTopics', [1, 1_000], 'topics'),
    // Scheduler rates are whole minutes; a digest run finds every slot due since the last, at any rate.
    digestEveryMinutes: number('digestEveryMinutes', [1, 60], 'minutes') ?? 15,
    feedPollEveryMinutes: number('feedPollEveryMinutes', [5, 1_440], 'minutes') ?? 15,
    ingestAuth: props.ingestAuth ?? 'key',
    ingestKeyGeneration: number('ingestKeyGeneration', [1, 1_000_000], 'generations') ?? 1,
    apiRateLimit: number('apiRateLimit', [1, 10_000], 'requests a second') ?? 50,
    apiBurstLimit: number('apiBurstLimit', [1, 5_000], 'requests') ?? 100,
    development: props.development ?? false,
  };
}

/** The zones by source, names made canonical (`{"afp":"Europe/Paris"}`), or undefined when none is given. */
function zones(
  given: TidingsProps['sourceTimezones'],
  naming: SettingNamer,
): Record<string, string> | undefined {
  if (given === undefined) return undefined;
  try {
    const parsed = parseSourceTimezones(given, naming.name('sourceTimezones'));
    return parsed.size > 0 ? Object.fromEntries(parsed) : undefined;
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ConfigError(`${error.message}${naming.hint('sourceTimezones')}`);
    throw error;
  }
}

function checkedDomains(
  list: readonly string[] | undefined,
  fail: (setting: Setting, problem: string) => ConfigError,
): string[] | undefined {
  if (list === undefined) return undefined;
  const { domains, invalid } = parseDomainList([...list]);
  if (invalid.length > 0) {
    throw fail(
      'disposableDomains',
      `must list domains such as mailinator.com; these are not: ${invalid.map((d) => JSON.stringify(d)).join(', ')}.`,
    );
  }
  const chars = domains.join(',').length;
  if (chars > MAX_DISPOSABLE_DOMAINS_CHARS) {
    throw fail(
      'disposableDomains',
      `holds ${chars} characters of domains; Lambda allows 4 KB of environment variables per function, so keep the list under ${MAX_DISPOSABLE_DOMAINS_CHARS}.`,
    );
  }
  return domains.length > 0 ? domains : undefined;
}
