import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer } from '../../ports';

/**
 * The local SES endpoint drops custom headers (List-Unsubscribe among them), so every raw message is also
 * written byte for byte to the outbox, where people and tests can read exactly what SES would have sent.
 * The emulator has no GetSendQuota; its health-check page stands in.
 */
export function withOutbox(mailer: Mailer, outboxDir: string, sesEndpoint: string): Mailer {
  return {
    async send(mail) {
      const messageId = await mailer.send(mail);
      await mkdir(outboxDir, { recursive: true });
      await writeFile(join(outboxDir, `${messageId.replace(/[^\w.@-]/g, '_')}.eml`), mail.raw);
      return messageId;
    },
    async checkReachable() {
      const response = await fetch(new URL('/health-check', sesEndpoint));
      if (!response.ok) throw new Error(`The local SES endpoint answered ${response.status}.`);
    },
  };
}
