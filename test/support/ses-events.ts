/**
 * SES event records of the shape a configuration set's SNS event destination publishes
 * (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html), for tests.
 */
const mail = (messageId: string, destination: string[]) => ({
  timestamp: '2026-12-01T09:59:58.000Z',
  source: 'Tidings <alerts@example.com>',
  sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
  sendingAccountId: '123456789012',
  messageId,
  destination,
  headersTruncated: false,
  tags: { 'ses:configuration-set': ['TidingsConfigurationSet'] },
});

export function bounceEvent(options: {
  readonly recipients: readonly string[];
  readonly bounceType?: string;
  readonly bounceSubType?: string;
  readonly feedbackId?: string;
  readonly messageId?: string;
  readonly timestamp?: string;
}) {
  return {
    eventType: 'Bounce',
    bounce: {
      bounceType: options.bounceType ?? 'Permanent',
      bounceSubType: options.bounceSubType ?? 'General',
      bouncedRecipients: options.recipients.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      })),
      timestamp: options.timestamp ?? '2026-12-01T10:00:00.000Z',
      feedbackId: options.feedbackId ?? '0100018f-bounce-feedback-000000',
      reportingMTA: 'dsn; mta.example.com',
    },
    mail: mail(options.messageId ?? '0100018f-message-000000', [...options.recipients]),
  };
}

export function complaintEvent(options: {
  readonly recipients: readonly string[];
  readonly feedbackId?: string;
  readonly messageId?: string;
  readonly complaintFeedbackType?: string;
}) {
  return {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: options.recipients.map((emailAddress) => ({ emailAddress })),
      timestamp: '2026-12-01T10:05:00.000Z',
      feedbackId: options.feedbackId ?? '0100018f-complaint-feedback-000000',
      userAgent: 'ExampleCorp Feedback Loop (V0.01)',
      complaintFeedbackType: options.complaintFeedbackType ?? 'abuse',
      arrivalDate: '2026-12-01T10:04:59.000Z',
    },
    mail: mail(options.messageId ?? '0100018f-message-000001', [...options.recipients]),
  };
}

/** The Send event SES publishes for a message sent with `tags` (as SendRawEmail's `Tags`). */
export function sendEvent(options: {
  readonly messageId: string;
  readonly recipients: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}) {
  const base = mail(options.messageId, [...options.recipients]);
  const tags: Record<string, string[]> = { ...base.tags };
  for (const [name, value] of Object.entries(options.tags ?? {})) tags[name] = [value];
  return { eventType: 'Send', mail: { ...base, tags }, send: {} };
}
