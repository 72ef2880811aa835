import { createHash } from 'node:crypto';

/** Fills the subscribe form's hidden time zone so digests arrive in the reader's morning, not UTC's. */
export const TIMEZONE_SCRIPT =
  "document.getElementById('timezone').value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';";

/** The page's CSP allows exactly this script and nothing else. */
export const SCRIPT_HASHES = [TIMEZONE_SCRIPT].map(
  (script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`,
);
