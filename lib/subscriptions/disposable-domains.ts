import { domainToASCII } from 'node:url';
import { ValidationError } from '../errors';

/**
 * Optional refusal of throwaway addresses: the operator lists domains (none by default) and addresses at
 * them, or at any of their subdomains, cannot subscribe. Read from TIDINGS_DISPOSABLE_DOMAINS or the CDK
 * context `tidings:disposableDomains`.
 */
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The domains of a list (comma-separated text, or entries already split), in the form addresses are
 * normalised to (lower case, IDNA ASCII), and the entries that are no domain. `@mailinator.com` and
 * `.mailinator.com` are read as `mailinator.com`.
 */
export function parseDomainList(list: string | readonly string[]): { domains: string[]; invalid: string[] } {
  const entries = (typeof list === 'string' ? list.split(',') : list).map((entry) => entry.trim());
  const domains = new Set<string>();
  const invalid: string[] = [];
  for (const entry of entries) {
    if (entry === '') continue;
    const domain = domainToASCII(entry.replace(/^[@.]/, '').replace(/\.$/, '')).toLowerCase();
    if (DOMAIN.test(domain)) domains.add(domain);
    else invalid.push(entry);
  }
  return { domains: [...domains], invalid };
}

/** The listed domain a normalised address is at (itself or a subdomain of it), if any. */
export function disposableDomainOf(email: string, domains: readonly string[]): string | undefined {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return domains.find((listed) => domain === listed || domain.endsWith(`.${listed}`));
}

/** Refuses an address at a listed domain with a 400 that says why; nothing has been written by then. */
export function rejectDisposableAddress(email: string, domains: readonly string[]): void {
  const listed = disposableDomainOf(email, domains);
  if (listed === undefined) return;
  throw new ValidationError(
    'invalid_email',
    `Addresses at ${listed} are disposable addresses, which are not accepted here; use an address you keep.`,
  );
}
