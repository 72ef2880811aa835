import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  linkIn,
  mailFor,
  projectRoot,
  startTestStack,
  type TestStack,
} from '../support/local-stack';
import { tidingsCli } from '../support/tidings-cli';

const fixture = (name: string) => readFile(join(projectRoot, 'test/fixtures/wire', name), 'utf8');

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

async function subscribe(email: string, topics: string[], frequency: string) {
  const response = await fetch(`${stack.apiUrl}/subscriptions`, {
    method: 'POST',
    body: JSON.stringify({ email, topics, frequency }),
    headers: { 'content-type': 'application/json' },
  });
  expect(response.status).toBe(202);
  const [confirmation] = await eventually(async () => {
    const mail = await mailFor(stack.outboxDir, email);
    return mail.length > 0 ? mail : undefined;
  });
  const confirmUrl = linkIn(confirmation?.mail.text ?? '', '/confirm');
  const confirmed = await fetch(confirmUrl, { method: 'POST', headers: { accept: 'application/json' } });
  expect(confirmed.status).toBe(200);
}

const tidings = (...args: string[]) => tidingsCli(stack, args);

/** A CloudWatch alarm's state change, as the alarm publishes it to its SNS topic. */
const alarmChange = (state: 'ALARM' | 'OK', at: string) =>
  JSON.stringify({
    AlarmName: 'Tidings-BounceRate',
    NewStateValue: state,
    NewStateReason:
      'Threshold Crossed: 1 datapoint [0.045] was greater than or equal to the threshold (0.04).',
    StateChangeTime: at,
    Trigger: { MetricName: 'Reputation.BounceRate', Namespace: 'AWS/SES' },
  });

describe('the reputation guard, on the local stack', () => {
  it('pauses digests on a bounce-rate alarm while alerts go on, and sends the held story once after resume', async () => {
    await subscribe('alert-reader@example.com', ['Iran AND Iraq'], 'instant');
    await subscribe('digest-reader@example.com', ['Iran'], 'daily');

    // The alarm fires, and SNS delivers its notification twice.
    const alarm = alarmChange('ALARM', '2026-12-02T09:00:00.000+0000');
    await stack.publish('reputationAlarms', alarm);
    await stack.publish('reputationAlarms', alarm);
    // One pause record, which remembers the one notification it acted on.
    const guard = (await stack.items()).filter((item) => item.pk === 'DIGESTPAUSE');
    expect(guard).toHaveLength(1);
    expect([...((guard[0]?.notifications as Set<string> | undefined) ?? [])]).toEqual([
      'Tidings-BounceRate#2026-12-02T09:00:00.000+0000',
    ]);
    const paused = await tidings('digests', 'status');
    expect(paused.stdout).toMatch(/Digests are PAUSED since .* by alarm:Tidings-BounceRate/);
    // Clearing the alarm does not resume: an operator does.
    await stack.publish('reputationAlarms', alarmChange('OK', '2026-12-02T10:00:00.000+0000'));
    expect((await tidings('digests', 'status')).stdout).toMatch(/PAUSED/);

    expect((await stack.ingest(await fixture('basra-water-accord.txt'))).status).toBe(201);
    // The alert subscriber still gets the story.
    await eventually(async () => {
      const mail = await mailFor(stack.outboxDir, 'alert-reader@example.com');
      return mail.length > 1 ? mail : undefined;
    });
    const held = await tidings('digest', 'run', '--now');
    expect(held.stdout).toMatch(/Queued 0 digests: digests are paused/);
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'digest-reader@example.com')).toHaveLength(1);

    const resumed = await tidings('digests', 'resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Digests resumed/);
    expect((await tidings('digests', 'resume')).code).toBe(1);
    expect((await tidings('digests', 'status')).stdout).toMatch(/Digests are sending/);

    await tidings('digest', 'run', '--now');
    const digest = await eventually(
      async () => (await mailFor(stack.outboxDir, 'digest-reader@example.com'))[1],
    );
    expect(digest.mail.subject).toMatch(/daily/i);
    expect(digest.mail.text).toContain('Iran and Iraq signed a water-sharing accord');
    // A second run, and the redelivered alarm from before, send and pause nothing more.
    await tidings('digest', 'run', '--now');
    await stack.publish('reputationAlarms', alarm);
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'digest-reader@example.com')).toHaveLength(2);
    expect((await tidings('digests', 'status')).stdout).toMatch(/Digests are sending/);
  }, 180_000);

  it('lets an operator pause digests by hand, keeping the first pause and its reason', async () => {
    expect((await tidings('digests', 'pause')).code).toBe(2);
    expect((await tidings('digests', 'pause', '--reason', 'list cleanup')).stdout).toMatch(/Digests paused/);
    expect((await tidings('digests', 'pause', '--reason', 'again')).stdout).toMatch(/already paused/);
    expect((await tidings('digests', 'status')).stdout).toMatch(/by operator:.*: list cleanup/);
    expect((await tidings('digests', 'resume')).code).toBe(0);
  }, 60_000);
});
