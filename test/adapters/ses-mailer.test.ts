import {
  GetSendQuotaCommand,
  SESClient,
  SESServiceException,
  SendRawEmailCommand,
} from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSesMailer, readMaxSendRate } from '../../lib/adapters/ses/ses-mailer';
import {
  DailyQuotaExceededError,
  MailRejectedError,
  MailRetryableError,
  MailThrottledError,
} from '../../lib/errors';

// The SES emulator never throttles, rejects or runs out of quota: these answers can only be mocked.
const ses = mockClient(SESClient);
afterEach(() => ses.reset());

const fault = (name: string, message: string, status: number, side: 'client' | 'server' = 'client') =>
  new SESServiceException({ name, message, $fault: side, $metadata: { httpStatusCode: status } });

const mail = {
  from: 'alerts@example.com',
  to: 'reader@example.com',
  raw: Buffer.from('Subject: x\r\n\r\nx'),
};

describe('the SES mailer', () => {
  it.each([
    ['rate', fault('Throttling', 'Maximum sending rate exceeded.', 400), MailThrottledError],
    ['5xx', fault('InternalFailure', 'We encountered an internal error.', 500, 'server'), MailRetryableError],
    ['quota', fault('Throttling', 'Daily message quota exceeded.', 400), DailyQuotaExceededError],
    ['rejected', fault('MessageRejected', 'Email address is not verified.', 400), MailRejectedError],
  ])('names SES’s %s answer for the use case to decide on', async (_, answer, named) => {
    ses.on(SendRawEmailCommand).rejects(answer);
    const error = await makeSesMailer(new SESClient({ region: 'us-east-1' }), undefined)
      .send(mail)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(named);
    expect((error as Error).message).toBe(answer.message);
  });

  it('reads the account’s maximum send rate for the cap', async () => {
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 3 });
    expect(await readMaxSendRate(new SESClient({ region: 'us-east-1' }))).toBe(14);
  });
});
