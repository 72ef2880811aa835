import { functions } from '../../../lib/manifest';
import type { TestStack } from '../local-stack';

const UNFINISHED = new Set(['queued', 'sending', 'retry']);

/**
 * Waits until the stream plumbing is idle and none of the test's deliveries (subscribers whose id starts
 * with `prefix`) is still queued, claimed or waiting for a retry, running the sweeper between looks as its
 * every-minute schedule would (in-process stacks run no schedule on their own). Returns what is still
 * unfinished when the time is up, for the test to report; an empty list means settled.
 */
export async function settle(stack: TestStack, prefix: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let unfinished: string[] = [];
  while (Date.now() < deadline) {
    await stack.whenIdle(Math.max(1_000, deadline - Date.now())).catch(() => undefined);
    unfinished = (await stack.items())
      .filter((item) => item.entity === 'delivery' && String(item.subscriberId).startsWith(prefix))
      .filter((item) => UNFINISHED.has(String(item.status)))
      .map((item) => `${item.subscriberId} ${item.status}`);
    if (unfinished.length === 0) {
      // Whatever the last sweep queued has been picked up by now; one more idle pass makes sure it landed.
      await stack.whenIdle(Math.max(1_000, deadline - Date.now())).catch(() => undefined);
      return [];
    }
    await Promise.resolve(stack.invoke('sweep', {})).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
  }
  return unfinished;
}

/**
 * Deliveries sent longer than the send function's timeout after their claim. On AWS that invocation would
 * have been stopped with the claim held (and the message sent again after the claim timeout); locally it
 * goes on in the background while the sweeper may queue the same delivery again, a duplicate either way.
 */
export async function sentPastTimeout(stack: TestStack, prefix: string): Promise<string[]> {
  const limitMs = functions.send.timeoutSeconds * 1000;
  return (await stack.items())
    .filter((item) => item.entity === 'delivery' && String(item.subscriberId).startsWith(prefix))
    .filter((item) => item.status === 'sent')
    .filter((item) => Date.parse(String(item.sentAt)) - Date.parse(String(item.claimedAt)) > limitMs)
    .map((item) => `${item.subscriberId}: claimed ${item.claimedAt}, sent ${item.sentAt}`);
}
