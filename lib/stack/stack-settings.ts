import type { Node } from 'constructs';
import { ConfigError } from '../errors';
import type { Setting, SettingNamer, TidingsProps } from './tidings-props';

/**
 * The stack's own settings besides the construct's: the ones that name AWS resources made elsewhere
 * (a hosted zone, a certificate), which the stack imports by id.
 */
export interface StackSettings {
  readonly tidings: TidingsProps;
  /** `tidings:hostedZoneId`: the public hosted zone of `tidings:domain`, for the DKIM records. */
  readonly hostedZoneId: string | undefined;
  /** `tidings:apiDomain` and `tidings:apiCertificateArn`: the custom domain of the HTTP API. */
  readonly apiDomain: { readonly domainName: string; readonly certificateArn: string } | undefined;
}

const key = (setting: string) => `tidings:${setting}`;

/** Errors name the context key and say where it is set. */
export const contextNamer: SettingNamer = {
  name: (setting) => `Context ${key(setting)}`,
  hint: (setting) =>
    ` Set it in cdk.json ("context": {"${key(setting)}": …}) or pass -c ${key(setting)}=… to cdk.`,
};

const fail = (setting: string, problem: string) =>
  new ConfigError(
    `${contextNamer.name(setting as Setting)} ${problem}${contextNamer.hint(setting as Setting)}`,
  );

function raw(node: Node, setting: string): unknown {
  const value: unknown = node.tryGetContext(key(setting));
  return value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;
}

function text(node: Node, setting: string): string | undefined {
  const value = raw(node, setting);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw fail(setting, `must be a string, got ${JSON.stringify(value)}.`);
  return value.trim();
}

/** A number in cdk.json, or its digits on the command line; the range is the construct's to check. */
function number(node: Node, setting: string): number | undefined {
  const value = raw(node, setting);
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  throw fail(setting, `must be a number, got ${JSON.stringify(value)}.`);
}

function flag(node: Node, setting: string): boolean | undefined {
  const value = raw(node, setting);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw fail(setting, `must be true or false, got ${JSON.stringify(value)}.`);
}

/** A JSON list in cdk.json, or comma-separated text on the command line. */
function list(node: Node, setting: string): string[] | undefined {
  const value = raw(node, setting);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(',').map((entry) => entry.trim());
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value;
  throw fail(setting, `must be comma-separated text or a list of strings, got ${JSON.stringify(value)}.`);
}

/** A JSON object in cdk.json, or its JSON text on the command line. */
function object(node: Node, setting: string, example: string): Record<string, string> | undefined {
  let value = raw(node, setting);
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw fail(setting, `must be a JSON object such as ${example}, got ${value as string}.`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(setting, `must be a JSON object such as ${example}, got ${JSON.stringify(value)}.`);
  }
  return value as Record<string, string>;
}

function ingestAuth(node: Node): TidingsProps['ingestAuth'] {
  return text(node, 'ingestAuth') as TidingsProps['ingestAuth'];
}

/**
 * Deployment settings an operator chooses, read from CDK context (`cdk.json` or `cdk synth -c key=value`):
 * `tidings:<prop>` for each of the construct's props (README, "Configuration"). Only the shapes are read
 * here; the construct checks the values, and its errors name these keys.
 */
export function readStackSettings(node: Node): StackSettings {
  const tidings: TidingsProps = {
    senderAddress: text(node, 'senderAddress') ?? '',
    domain: text(node, 'domain'),
    postalAddress: text(node, 'postalAddress') ?? '',
    publicUrl: text(node, 'publicUrl'),
    allowedOrigins: list(node, 'allowedOrigins'),
    maxSendRate: number(node, 'maxSendRate'),
    articleRetentionDays: number(node, 'articleRetentionDays'),
    digestEveryMinutes: number(node, 'digestEveryMinutes'),
    feedPollEveryMinutes: number(node, 'feedPollEveryMinutes'),
    ingestAuth: ingestAuth(node),
    ingestKeyGeneration: number(node, 'ingestKeyGeneration'),
    apiRateLimit: number(node, 'apiRateLimit'),
    apiBurstLimit: number(node, 'apiBurstLimit'),
    subscribePerIpPerMinute: number(node, 'subscribePerIpPerMinute'),
    maxTopics: number(node, 'maxTopics'),
    disposableDomains: list(node, 'disposableDomains'),
    sourceTimezones: object(node, 'sourceTimezones', '{"AFP":"Europe/Paris"}'),
    alarmEmail: text(node, 'alarmEmail'),
    development: flag(node, 'development'),
  };
  const hostedZoneId = text(node, 'hostedZoneId');
  if (hostedZoneId !== undefined && tidings.domain === undefined) {
    throw fail('hostedZoneId', `needs ${contextNamer.name('domain')}: the zone is the mail domain's.`);
  }
  const domainName = text(node, 'apiDomain');
  const certificateArn = text(node, 'apiCertificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw fail(
      domainName === undefined ? 'apiDomain' : 'apiCertificateArn',
      'is required with tidings:apiDomain / tidings:apiCertificateArn: a custom API domain needs both.',
    );
  }
  if (
    certificateArn !== undefined &&
    !/^arn:aws[\w-]*:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)
  ) {
    throw fail('apiCertificateArn', `must be an ACM certificate ARN, got "${certificateArn}".`);
  }
  return {
    tidings,
    hostedZoneId,
    apiDomain:
      domainName !== undefined && certificateArn !== undefined ? { domainName, certificateArn } : undefined,
  };
}
