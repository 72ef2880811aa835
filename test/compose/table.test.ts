import { describe, expect, it } from 'vitest';
import { dynamodbTimeoutsFor } from '../../lib/compose/table';
import { functions } from '../../lib/manifest';

describe('how long a function waits for one DynamoDB request', () => {
  it('gives up on a hung request within seconds where claims and readers wait, and lets long jobs wait 30 s', () => {
    // The send function holds claims; a hung call must not hold them till its 60 s timeout.
    expect(functions.send.timeoutSeconds).toBe(60);
    expect(dynamodbTimeoutsFor('send')).toEqual({
      connectionTimeout: 2_000,
      requestTimeout: 6_000,
      throwOnRequestTimeout: true,
    });
    expect(dynamodbTimeoutsFor('subscriptions').requestTimeout).toBe(5_000);
    // The snapshot reads every topic in 1 MB pages with 15 minutes to do it.
    expect(functions.snapshot.timeoutSeconds).toBe(900);
    expect(dynamodbTimeoutsFor('snapshot').requestTimeout).toBe(30_000);
  });

  it('never waits on one request longer than a tenth of the function time limit, once past 50 s', () => {
    for (const name of Object.keys(functions) as (keyof typeof functions)[]) {
      const { requestTimeout } = dynamodbTimeoutsFor(name);
      const limitMs = functions[name].timeoutSeconds * 1000;
      expect(requestTimeout, name).toBeGreaterThanOrEqual(5_000);
      expect(requestTimeout, name).toBeLessThanOrEqual(Math.max(5_000, limitMs / 10));
    }
  });
});
