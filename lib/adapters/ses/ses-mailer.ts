import { GetSendQuotaCommand, type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from '../../ports';

export function makeSesMailer(ses: SESClient, configurationSet: string | undefined): Mailer {
  return {
    async send(mail) {
      const result = await ses.send(
        new SendRawEmailCommand({
          Source: mail.from,
          Destinations: [mail.to],
          RawMessage: { Data: mail.raw },
          ConfigurationSetName: configurationSet,
        }),
      );
      if (!result.MessageId) throw new Error('SES accepted the message but returned no message id.');
      return result.MessageId;
    },
    async checkReachable() {
      await ses.send(new GetSendQuotaCommand({}));
    },
  };
}
