import type { Mailer } from '../../ports';

/**
 * The local SES endpoint has no GetSendQuota; its health-check page stands in. (What SES accepted is kept
 * by the endpoint itself, in the outbox: see `lib/local/ses-endpoint.ts`.)
 */
export function withLocalHealthCheck(mailer: Mailer, sesEndpoint: string): Mailer {
  return {
    send: (mail) => mailer.send(mail),
    async checkReachable() {
      const response = await fetch(new URL('/health-check', sesEndpoint));
      if (!response.ok) throw new Error(`The local SES endpoint answered ${response.status}.`);
    },
  };
}
