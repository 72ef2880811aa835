import type fc from 'fast-check';
import type { FuzzRequest } from '../harness';
import type { ForgedToken } from '../tokens';

/** What the generators need from the running stack: the ingest key and the tokens it will take. */
export interface FuzzContext {
  readonly ingestKey: string;
  /** Tokens for the fuzz subscribers, valid and forged, by purpose. */
  readonly token: (forged: ForgedToken) => string;
}

export type EntryPoint = (context: FuzzContext) => fc.Arbitrary<FuzzRequest>;

export const json = (value: unknown) => JSON.stringify(value);

export function post(
  target: string,
  type: string,
  body: Buffer | string,
  label: string,
  extra: [string, string][] = [],
) {
  return { method: 'POST', target, headers: [['Content-Type', type], ...extra] as const, body, label };
}

/** The ingest key as publishers send it. */
export const authed = (context: FuzzContext): [string, string] => [
  'Authorization',
  `Bearer ${context.ingestKey}`,
];
export const asBrowser: [string, string] = ['Accept', 'text/html'];
