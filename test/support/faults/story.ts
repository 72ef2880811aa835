import { expect } from 'vitest';
import type { TestStack } from '../local-stack';
import { type Audience, type AudienceOptions, seedAudience } from './audience';
import { outboxLetters, type Tally, tally } from './inbox';
import { sentPastTimeout, settle } from './settle';
import { MATCHING, OTHERS, SETTLE_MS } from './sizes';

export interface StoryRun {
  readonly audience: Audience;
  readonly title: string;
  readonly counted: Tally;
  /** Deliveries sent later than the send function's timeout after their claim (see `sentPastTimeout`). */
  readonly sentLate: readonly string[];
}

/** The fault tests' audience on an in-process stack: MATCHING readers of `word` and OTHERS of each other kind. */
export function audienceOn(stack: TestStack, word: string, frequency?: AudienceOptions['frequency']) {
  return seedAudience(
    stack.dynamodbUrl,
    stack.env.TABLE_NAME ?? 'tidings',
    stack.env.TIDINGS_SUPPRESSION_SALT ?? '',
    {
      prefix: word,
      query: word,
      matching: MATCHING,
      others: OTHERS,
      frequency,
    },
  );
}

/** The story a test publishes about `word`: its title is what the alert's subject carries. */
export const storyAbout = (word: string) => ({
  title: `${word} sighted near the harbour`,
  text: `A ${word} was sighted near the harbour, witnesses said.`,
});

/**
 * 1. subscribe an audience to `word` (straight to the emulator, before any fault)
 * 2. arm the fault, before or right after the story is ingested (`armAfterIngest`: the ingest request
 *    itself must succeed, the fault is for what the story sets off)
 * 3. let the stack settle, disarm, and count the outbox against the audience
 */
export async function storyUnderFault(
  stack: TestStack,
  word: string,
  fault: { arm: () => void; disarm: () => void; armAfterIngest?: boolean },
): Promise<StoryRun> {
  const audience = await audienceOn(stack, word);
  const story = storyAbout(word);
  if (!fault.armAfterIngest) fault.arm();
  expect((await stack.ingest(story)).status).toBe(201);
  if (fault.armAfterIngest) fault.arm();
  const unfinished = await settle(stack, word, SETTLE_MS);
  fault.disarm();
  expect(unfinished).toEqual([]);
  const letters = (await outboxLetters(stack.outboxDir)).filter((l) => l.subject.includes(story.title));
  return {
    audience,
    title: story.title,
    counted: tally(
      audience,
      letters.map((l) => l.to),
    ),
    sentLate: await sentPastTimeout(stack, word),
  };
}
