import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSesMailer } from '../../lib/adapters/ses/ses-mailer';
import {
  localTopicArn,
  type SesFeedbackLoop,
  simulatedFeedback,
  simulatorOutcome,
  snsEvent,
  startSesFeedbackLoop,
} from '../../lib/local/ses-feedback';
import { type RunningSesLocal, startSesLocal } from '../../lib/local/ses-local';
import { forEachSnsMessage } from '../../lib/sns/sns-batch';
import { parseSesFeedback } from '../../lib/subscriptions/ses-feedback';
import { parseSubscriptionRequest } from '../../lib/subscriptions/subscription-request';
import { eventually } from '../support/local-stack';

const mail = {
  messageId: 'ses-123456789',
  from: 'Tidings <alerts@tidings.local>',
  to: ['bounce@simulator.amazonses.com'],
  sentAt: new Date('2026-12-01T10:00:00Z'),
};
const at = new Date('2026-12-01T10:00:01Z');

describe('the SES mailbox simulator addresses', () => {
  it('are told apart by their local part, labels and display names included', () => {
    expect(simulatorOutcome('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatorOutcome('Bounce+alerts-1@Simulator.AmazonSES.com')).toBe('bounce');
    expect(simulatorOutcome('Reader <complaint@simulator.amazonses.com>')).toBe('complaint');
    expect(simulatorOutcome('suppressionlist@simulator.amazonses.com')).toBe('suppressionlist');
    for (const quiet of [
      'success@simulator.amazonses.com',
      'ooto@simulator.amazonses.com',
      'bounce@example.com',
      'bounce@simulator.amazonses.com.evil.test',
    ]) {
      expect(simulatorOutcome(quiet), quiet).toBeUndefined();
    }
  });

  it('can be subscribed, labels and all', () => {
    const request = parseSubscriptionRequest({
      email: 'Bounce+Alerts@Simulator.AmazonSES.com',
      topics: ['Iran'],
    });
    expect(request.email).toBe('bounce+alerts@simulator.amazonses.com');
    expect(simulatorOutcome(request.email)).toBe('bounce');
  });

  it('answer with the SES events the feedback function reads', () => {
    const recipient = 'bounce@simulator.amazonses.com';
    expect(
      parseSesFeedback(JSON.stringify(simulatedFeedback('bounce', recipient, mail, at)), at),
    ).toMatchObject({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      messageId: 'ses-123456789',
      recipients: [recipient],
      at,
    });
    expect(
      parseSesFeedback(
        JSON.stringify(
          simulatedFeedback('suppressionlist', 'suppressionlist@simulator.amazonses.com', mail, at),
        ),
        at,
      ),
    ).toMatchObject({ kind: 'bounce', bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' });
    const complaint = parseSesFeedback(
      JSON.stringify(simulatedFeedback('complaint', 'complaint@simulator.amazonses.com', mail, at)),
      at,
    );
    expect(complaint).toMatchObject({ kind: 'complaint', complaintFeedbackType: 'abuse' });
    // Every answer is its own report.
    const ids = new Set(
      [1, 2].map(
        (n) =>
          (
            simulatedFeedback('bounce', recipient, { ...mail, messageId: `m${n}` }, at) as {
              bounce: { feedbackId: string };
            }
          ).bounce.feedbackId,
      ),
    );
    expect(ids.size).toBe(2);
  });

  it('arrive in the SNS event shape Lambda gets from a subscription', async () => {
    const event = snsEvent(localTopicArn('mailFeedback'), '{"eventType":"Bounce"}', at);
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      EventSource: 'aws:sns',
      Sns: { Type: 'Notification', TopicArn: localTopicArn('mailFeedback'), Timestamp: at.toISOString() },
    });
    const messages: string[] = [];
    await forEachSnsMessage(event, async (message) => {
      messages.push(message);
    });
    expect(messages).toEqual(['{"eventType":"Bounce"}']);
  });
});

describe('the local feedback loop', () => {
  let ses: RunningSesLocal;
  let loop: SesFeedbackLoop;
  let send: (to: string) => Promise<string>;
  const published: ReturnType<typeof parseSesFeedback>[] = [];

  beforeAll(async () => {
    ses = await startSesLocal();
    const mailer = makeSesMailer(
      new SESClient({
        endpoint: ses.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      undefined,
    );
    send = (to) =>
      mailer.send({
        from: 'alerts@tidings.local',
        to,
        raw: Buffer.from(`From: alerts@tidings.local\r\nTo: ${to}\r\nSubject: Hello\r\n\r\nBody\r\n`),
      });
    // Mail SES accepted before the loop started is not answered.
    await send('bounce+before@simulator.amazonses.com');
    loop = startSesFeedbackLoop({
      sesEndpoint: ses.endpoint,
      publish: async (message) => {
        published.push(parseSesFeedback(message, new Date()));
      },
      log: () => {},
      pollMs: 50,
    });
    await loop.start();
  });

  afterAll(async () => {
    await loop?.stop();
    await ses?.stop();
  });

  it('answers each message to a simulator address once, and only those', async () => {
    const bounced = await send('bounce@simulator.amazonses.com');
    await send('success@simulator.amazonses.com');
    await send('reader@example.com');
    const complained = await send('complaint+label@simulator.amazonses.com');
    await eventually(async () => (published.length >= 2 ? true : undefined));
    await eventually(async () => (loop.idle ? true : undefined));
    expect(published).toEqual([
      expect.objectContaining({
        kind: 'bounce',
        messageId: bounced,
        recipients: ['bounce@simulator.amazonses.com'],
      }),
      expect.objectContaining({
        kind: 'complaint',
        messageId: complained,
        recipients: ['complaint+label@simulator.amazonses.com'],
      }),
    ]);
  });

  it('holds its answers back when asked, and sends them on release', async () => {
    published.length = 0;
    loop.hold();
    await new Promise((r) => setTimeout(r, 100));
    const held = await send('suppressionlist@simulator.amazonses.com');
    await new Promise((r) => setTimeout(r, 300));
    expect(published).toEqual([]);
    expect(loop.idle).toBe(true);
    loop.release();
    expect(loop.idle).toBe(false);
    await eventually(async () => (published.length > 0 ? true : undefined));
    expect(published).toEqual([
      expect.objectContaining({ messageId: held, bounceSubType: 'OnAccountSuppressionList' }),
    ]);
  });
});
