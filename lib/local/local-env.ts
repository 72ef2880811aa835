import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The local stack's settings, read from the same variables by `npm start` and by the CLI, so the CLI
 * finds the stack that `npm start` runs. Each has a default that works on a fresh clone.
 */
export interface LocalSettings {
  readonly port: number;
  readonly dynamodbPort: number;
  readonly sesPort: number;
  readonly dataDir: string;
  readonly outboxDir: string;
  readonly publicUrl: string;
  readonly ingestKey: string;
  readonly tableName: string;
  readonly mailFrom: string;
  readonly postalAddress: string;
  /**
   * How long a schedule's minute lasts locally (`TIDINGS_SCHEDULE_MINUTE_MS`, default 60,000): tests that
   * restart the stack shorten it so the every-minute sweeper runs within seconds.
   */
  readonly scheduleMinuteMs: number;
  /** Origins whose pages may call the API (`TIDINGS_ALLOWED_ORIGINS`, comma-separated), as `tidings:allowedOrigins`. */
  readonly allowedOrigins: readonly string[];
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535, got "${raw}".`);
  }
  return value;
}

function scheduleMinute(env: NodeJS.ProcessEnv): number {
  const raw = env.TIDINGS_SCHEDULE_MINUTE_MS;
  if (raw === undefined || raw === '') return 60_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100) {
    throw new Error(
      `TIDINGS_SCHEDULE_MINUTE_MS must be a whole number of milliseconds of at least 100, got "${raw}".`,
    );
  }
  return value;
}

export function readLocalSettings(env: NodeJS.ProcessEnv, projectRoot: string): LocalSettings {
  const portValue = port(env, 'PORT', 3000);
  const dataDir = resolve(projectRoot, env.TIDINGS_DATA_DIR || '.tidings');
  return {
    port: portValue,
    dynamodbPort: port(env, 'DYNAMODB_PORT', 8000),
    sesPort: port(env, 'SES_PORT', 8005),
    dataDir,
    outboxDir: env.TIDINGS_OUTBOX ? resolve(projectRoot, env.TIDINGS_OUTBOX) : join(dataDir, 'outbox'),
    publicUrl: env.TIDINGS_PUBLIC_URL || `http://localhost:${portValue}`,
    ingestKey: env.TIDINGS_INGEST_KEY || 'local-dev-key',
    tableName: env.TABLE_NAME || 'tidings',
    mailFrom: env.MAIL_FROM || 'Tidings <alerts@tidings.local>',
    postalAddress: env.TIDINGS_POSTAL_ADDRESS || 'Tidings (local), 1 Example Street, Springfield',
    scheduleMinuteMs: scheduleMinute(env),
    allowedOrigins: (env.TIDINGS_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}

/** A secret of the local stack, kept in the data folder so it survives restarts (and `--fresh` retires it). */
function persistedSecret(given: string | undefined, dataDir: string, fileName: string): string {
  if (given) return given;
  const file = join(dataDir, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Links in emails are signed with this secret: links sent before a restart still work after it. */
export function localTokenSecret(env: NodeJS.ProcessEnv, dataDir: string): string {
  return persistedSecret(env.TIDINGS_TOKEN_SECRET, dataDir, 'token-secret');
}

/**
 * The suppression list's address hashes are keyed by this salt: a separate one from the token secret, so
 * replacing the link secret never un-suppresses anyone (see `subscriptions/suppression.ts`).
 */
export function localSuppressionSalt(env: NodeJS.ProcessEnv, dataDir: string): string {
  return persistedSecret(env.TIDINGS_SUPPRESSION_SALT, dataDir, 'suppression-salt');
}

/** The variables `lib/config.ts` reads, pointing at the local emulators. */
export function functionEnvironment(
  settings: LocalSettings,
  endpoints: { dynamodb: string; ses: string },
  tokenSecret: string,
  suppressionSalt: string,
): Record<string, string> {
  return {
    TABLE_NAME: settings.tableName,
    AWS_REGION: 'us-east-1',
    TIDINGS_PUBLIC_URL: settings.publicUrl,
    MAIL_FROM: settings.mailFrom,
    TIDINGS_POSTAL_ADDRESS: settings.postalAddress,
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    SES_ENDPOINT: endpoints.ses,
    TIDINGS_INGEST_KEY: settings.ingestKey,
    TIDINGS_TOKEN_SECRET: tokenSecret,
    TIDINGS_SUPPRESSION_SALT: suppressionSalt,
  };
}
