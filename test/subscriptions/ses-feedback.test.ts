import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from '../../lib/errors';
import { deliveryTags } from '../../lib/sending/delivery-tags';
import { parseSesFeedback } from '../../lib/subscriptions/ses-feedback';
import { bounceEvent, complaintEvent, sendEvent } from '../support/ses-events';

const receivedAt = new Date('2026-12-01T10:10:00Z');
const parse = (event: unknown) => parseSesFeedback(JSON.stringify(event), receivedAt);

describe('reading SES feedback notifications', () => {
  it('reads a permanent bounce: type, subtype, ids, time and normalised recipients', () => {
    expect(
      parse(
        bounceEvent({
          recipients: ['Ann@Example.COM', 'bob@bücher.de'],
          feedbackId: 'fb-1',
          messageId: 'msg-1',
        }),
      ),
    ).toEqual({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      messageId: 'msg-1',
      feedbackId: 'fb-1',
      at: new Date('2026-12-01T10:00:00.000Z'),
      recipients: ['ann@example.com', 'bob@xn--bcher-kva.de'],
    });
  });

  it('reads transient and undetermined bounces, and the suppression-list subtype', () => {
    const transient = parse(
      bounceEvent({ recipients: ['a@example.com'], bounceType: 'Transient', bounceSubType: 'MailboxFull' }),
    );
    expect(transient).toMatchObject({
      kind: 'bounce',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
    });
    expect(parse(bounceEvent({ recipients: ['a@example.com'], bounceType: 'Undetermined' }))).toMatchObject({
      bounceType: 'Undetermined',
    });
    expect(
      parse(bounceEvent({ recipients: ['a@example.com'], bounceSubType: 'OnAccountSuppressionList' })),
    ).toMatchObject({ bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' });
  });

  it('reads a complaint, with the feedback type when the ISP gave one', () => {
    expect(
      parse(complaintEvent({ recipients: ['carl@example.com'], feedbackId: 'fb-2', messageId: 'msg-2' })),
    ).toEqual({
      kind: 'complaint',
      complaintFeedbackType: 'abuse',
      messageId: 'msg-2',
      feedbackId: 'fb-2',
      at: new Date('2026-12-01T10:05:00.000Z'),
      recipients: ['carl@example.com'],
    });
    const { complaint, ...rest } = complaintEvent({ recipients: ['carl@example.com'] });
    const { complaintFeedbackType: _, ...withoutType } = complaint;
    expect(parse({ ...rest, complaint: withoutType })).not.toHaveProperty('complaintFeedbackType');
  });

  it('accepts identity notifications, which name the field notificationType', () => {
    const { eventType: _, ...event } = bounceEvent({ recipients: ['a@example.com'] });
    expect(parse({ notificationType: 'Bounce', ...event })).toMatchObject({ kind: 'bounce' });
  });

  it('reads a Send event: the message id, when SES accepted it, and the delivery attempt its tags name', () => {
    const attempt = { subscriberId: 'sub-1', key: 'ALERT#story-1', attemptId: 'attempt-9' };
    const tags = deliveryTags(attempt);
    expect(parse(sendEvent({ messageId: 'msg-s', recipients: ['a@example.com'], tags }))).toEqual({
      kind: 'send',
      messageId: 'msg-s',
      delivery: attempt,
      at: new Date('2026-12-01T09:59:58.000Z'),
    });
    expect(parse(sendEvent({ messageId: 'msg-t', recipients: ['a@example.com'] }))).toEqual({
      kind: 'send',
      messageId: 'msg-t',
      at: new Date('2026-12-01T09:59:58.000Z'),
    });
    expect(() => parse({ eventType: 'Send', mail: {}, send: {} })).toThrow(MalformedMessageError);
  });

  it('passes other events over without acting on them', () => {
    expect(parse({ eventType: 'Delivery', mail: {}, delivery: {} })).toEqual({
      kind: 'other',
      eventType: 'Delivery',
    });
    expect(parse({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'ok' })).toEqual({
      kind: 'other',
      eventType: 'AmazonSnsSubscriptionSucceeded',
    });
  });

  it('collapses repeated recipients, tolerates a display name, and leaves out entries that are no address', () => {
    const event = bounceEvent({ recipients: [] });
    event.bounce.bouncedRecipients = [
      { emailAddress: 'Dee <dee@example.com>' },
      { emailAddress: 'DEE@example.com' },
      { emailAddress: 'not an address' },
      { emailAddress: 'eve\u200b@example.com' },
      { emailAddress: 42 },
      null,
    ] as never;
    expect(parse(event)).toMatchObject({ recipients: ['dee@example.com'] });
  });

  it('uses the time it was read when the report has none, an unreadable one or one in the future', () => {
    for (const timestamp of ['yesterday', '2027-01-01T00:00:00Z', '']) {
      expect(parse(bounceEvent({ recipients: ['a@example.com'], timestamp })), timestamp).toMatchObject({
        at: receivedAt,
      });
    }
  });
});

describe('malformed and hostile notifications', () => {
  const valid = () => bounceEvent({ recipients: ['a@example.com'] });
  const without = (path: 'mail' | 'bounce', field: string) => {
    const event = valid() as unknown as Record<string, Record<string, unknown>>;
    delete event[path]?.[field];
    return event;
  };

  it.each([
    ['not text', 42],
    ['not JSON', '{"eventType": "Bounce"'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['longer than SNS allows', JSON.stringify({ ...valid(), padding: 'x'.repeat(256 * 1024) })],
  ])('rejects a message that is %s', (_, message) => {
    expect(() => parseSesFeedback(message, receivedAt)).toThrow(MalformedMessageError);
  });

  it.each([
    ['no event type', { mail: {}, bounce: {} }],
    ['an event type that is no string', { ...valid(), eventType: ['Bounce'] }],
    ['no mail object', { ...valid(), mail: 'msg-1' }],
    ['no bounce object', { eventType: 'Bounce', mail: valid().mail }],
    ['no message id', without('mail', 'messageId')],
    ['a message id with a line break', { ...valid(), mail: { ...valid().mail, messageId: 'a\nb' } }],
    ['a message id of 300 characters', { ...valid(), mail: { ...valid().mail, messageId: 'm'.repeat(300) } }],
    ['no feedback id', without('bounce', 'feedbackId')],
    ['a feedback id with spaces', { ...valid(), bounce: { ...valid().bounce, feedbackId: 'a b' } }],
    ['an unknown bounce type', { ...valid(), bounce: { ...valid().bounce, bounceType: 'Soft' } }],
    ['no recipients', without('bounce', 'bouncedRecipients')],
    ['an empty recipients list', bounceEvent({ recipients: [] })],
    [
      'recipients that are not a list',
      { ...valid(), bounce: { ...valid().bounce, bouncedRecipients: { emailAddress: 'a@example.com' } } },
    ],
    [
      'more recipients than SES sends to',
      bounceEvent({ recipients: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) }),
    ],
    ['no readable recipient', bounceEvent({ recipients: ['a\u202e@example.com', 'nobody'] })],
    ['a complaint without complained recipients', { ...complaintEvent({ recipients: [] }) }],
  ])('rejects an event with %s', (_, event) => {
    expect(() => parse(event)).toThrow(MalformedMessageError);
  });

  it('says what is wrong, without echoing the payload', () => {
    const secret = 'x'.repeat(50);
    expect(() => parse({ ...valid(), bounce: { ...valid().bounce, bounceType: secret } })).toThrow(
      'Not an SES feedback notification: bounce.bounceType is not one of Permanent, Transient, Undetermined.',
    );
  });

  it('is not fooled by prototype keys, and ignores fields it does not know', () => {
    const message = JSON.stringify(valid()).replace('{', '{"__proto__":{"polluted":true},"constructor":1,');
    const feedback = parseSesFeedback(message, receivedAt);
    expect(feedback).toMatchObject({ kind: 'bounce', recipients: ['a@example.com'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // An unreadable subtype is not passed on into ledgers and logs.
    expect(
      parse({ ...valid(), bounce: { ...valid().bounce, bounceSubType: 'General\r\nX-Injected: 1' } }),
    ).toMatchObject({
      bounceSubType: 'Undetermined',
    });
  });
});
