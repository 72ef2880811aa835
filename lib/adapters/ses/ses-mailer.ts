import {
  GetSendQuotaCommand,
  type SESClient,
  SendRawEmailCommand,
  type SendRawEmailCommandOutput,
} from '@aws-sdk/client-ses';
import {
  DailyQuotaExceededError,
  MailRejectedError,
  MailRetryableError,
  MailThrottledError,
} from '../../errors';
import type { Mailer } from '../../ports';

interface ServiceFault {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * SES's answers turned into what the send use case decides on. SES reports both the rate limit and the
 * daily quota as `Throttling`; only the message tells them apart, so the message is read here, once, and
 * nowhere else. Anything unrecognised passes through unchanged (the use case treats it as retryable).
 */
export function classifySesError(error: unknown): unknown {
  const fault = (error ?? {}) as ServiceFault;
  const message = fault.message ?? String(error);
  if (/daily message quota exceeded/i.test(message))
    return new DailyQuotaExceededError(message, { cause: error });
  if (
    fault.name === 'Throttling' ||
    fault.name === 'ThrottlingException' ||
    /maximum sending rate/i.test(message)
  ) {
    return new MailThrottledError(message, { cause: error });
  }
  // Only what is about this message or address; an unverified identity or a missing configuration set
  // is a deployment fault, left to retries and alarms rather than failing every delivery.
  if (fault.name === 'MessageRejected' || /invalid (email )?address|illegal address/i.test(message)) {
    return new MailRejectedError(message, { cause: error });
  }
  const status = fault.$metadata?.httpStatusCode ?? 0;
  if (fault.$fault === 'server' || status >= 500) return new MailRetryableError(message, { cause: error });
  return error;
}

export function makeSesMailer(ses: SESClient, configurationSet: string | undefined): Mailer {
  return {
    async send(mail) {
      let result: SendRawEmailCommandOutput;
      try {
        result = await ses.send(
          new SendRawEmailCommand({
            Source: mail.from,
            Destinations: [mail.to],
            RawMessage: { Data: mail.raw },
            ConfigurationSetName: configurationSet,
            Tags: mail.tags && Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value })),
          }),
        );
      } catch (error) {
        throw classifySesError(error);
      }
      if (!result.MessageId) throw new Error('SES accepted the message but returned no message id.');
      return result.MessageId;
    },
    async checkReachable() {
      await ses.send(new GetSendQuotaCommand({}));
    },
  };
}

/** The account's sending rate (messages a second), for the send cap when the stack sets none. */
export async function readMaxSendRate(ses: SESClient): Promise<number> {
  const { MaxSendRate } = await ses.send(new GetSendQuotaCommand({}));
  if (!MaxSendRate || MaxSendRate < 1) throw new Error(`SES reported a maximum send rate of ${MaxSendRate}.`);
  return Math.floor(MaxSendRate);
}
