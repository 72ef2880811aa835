import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_RECIPIENTS } from '../../lib/matching/fan-out-plan';
import { outbox, startTestStack, type TestStack, to } from '../support/local-stack';
import { seedSubscribers } from '../support/subscribers';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe('a story that matches more subscribers than one chunk holds', () => {
  it('reaches every one of them once, in chunks, alerts and digest holds alike', async () => {
    // 1,230 subscribers of one topic: every tenth wants instant alerts, the rest a daily digest.
    const ids = await seedSubscribers(stack.dynamodbUrl, stack.env.TABLE_NAME ?? 'tidings', {
      prefix: 'fan',
      count: 1_230,
      query: 'quokka',
      frequencyOf: (i) => (i % 10 === 0 ? 'instant' : 'daily'),
    });
    const instant = ids.filter((_, i) => i % 10 === 0);
    expect((await stack.ingest({ title: 'Quokka census', text: 'The quokka count rose.' })).status).toBe(201);
    await stack.whenIdle(120_000);

    const items = await stack.items();
    const chunks = items.filter((item) => item.entity === 'fanout');
    expect(chunks).toHaveLength(Math.ceil(1_230 / CHUNK_RECIPIENTS));
    const alerts = items.filter((item) => item.entity === 'delivery' && item.kind === 'alert');
    expect(alerts.map((item) => item.subscriberId).sort()).toEqual(instant);
    expect(alerts.every((item) => item.status === 'sent')).toBe(true);
    const held = items.filter((item) => item.entity === 'held-match');
    expect(held).toHaveLength(1_230 - instant.length);
    // What a held match or an alert keeps is the topic's id and words, never the query.
    expect(JSON.stringify([...held, ...alerts])).not.toContain('"query"');

    const recipients = (await outbox(stack.outboxDir)).map(to).sort();
    expect(recipients).toEqual(instant.map((id) => `${id}@example.com`));
  }, 240_000);
});
