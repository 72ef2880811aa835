import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Audience } from './audience';
import { type Letter, letterOf } from './letter';

export type { Letter };

/** Every message in the outbox: what the mailer wrote once SES accepted it. */
export async function outboxLetters(outboxDir: string): Promise<Letter[]> {
  const files = await readdir(outboxDir).catch(() => [] as string[]);
  return Promise.all(
    files
      .filter((f) => f.endsWith('.eml'))
      .map(async (f) => letterOf(await readFile(join(outboxDir, f), 'utf8'))),
  );
}

export interface Tally {
  readonly expected: number;
  /** Expected recipients who got the story at least once. */
  readonly delivered: number;
  /** Copies beyond the first, over everyone. */
  readonly duplicated: number;
  /** Expected recipients who never got it. */
  readonly lost: number;
  /** Whoever got it without being expected to, with how many copies. */
  readonly strays: readonly string[];
}

/** Counts one story's copies (one recipient address per copy) against the audience it was meant for. */
export function tally(audience: Audience, recipients: readonly string[]): Tally {
  const copies = new Map<string, number>();
  for (const to of recipients) copies.set(to, (copies.get(to) ?? 0) + 1);
  const expected = new Set(audience.expected);
  const delivered = audience.expected.filter((to) => copies.has(to)).length;
  return {
    expected: expected.size,
    delivered,
    duplicated: [...copies.values()].reduce((sum, n) => sum + n - 1, 0),
    lost: expected.size - delivered,
    strays: [...copies].filter(([to]) => !expected.has(to)).map(([to, n]) => `${to} ×${n}`),
  };
}

/**
 * Prints the suite's one line per fault and holds the invariant: everyone expected has the story exactly
 * once, and nobody else has it at all.
 */
export function expectExactlyOnce(fault: string, counted: Tally): void {
  const { expected, delivered, duplicated, lost } = counted;
  console.log(
    `faults: ${fault}: expected ${expected}, delivered ${delivered}, duplicated ${duplicated}, lost ${lost}`,
  );
  if (counted.strays.length > 0)
    console.log(`faults: ${fault}: mailed without being expected: ${counted.strays.join(', ')}`);
  expect({ duplicated, lost, strays: counted.strays }).toEqual({ duplicated: 0, lost: 0, strays: [] });
  expect(delivered).toBe(expected);
}
