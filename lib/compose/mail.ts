import { SESClient } from '@aws-sdk/client-ses';
import { withOutbox } from '../adapters/ses/local-mailer';
import { makeSesMailer } from '../adapters/ses/ses-mailer';
import { UndeclaredAccessError } from '../errors';
import { type FunctionName, functions } from '../manifest';
import type { Mailer } from '../ports';
import { once } from './once';
import { config } from './runtime';

/**
 * SES as one function may use it, built once per cold start: a function declared `probe` can only check
 * that the service answers, and one declared `none` gets no mailer at all.
 */
export function mailerFor(name: FunctionName): () => Mailer {
  const declared = functions[name].mail;
  return once(() => {
    if (declared === 'none') {
      throw new UndeclaredAccessError(`The ${name} function has no mail access in its manifest entry.`);
    }
    const c = config();
    const ses = new SESClient({
      region: c.region,
      endpoint: c.sesEndpoint,
      credentials: c.sesEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
      // Adaptive retry backs off on SES throttling instead of failing half a send.
      retryMode: 'adaptive',
      maxAttempts: 6,
    });
    const sesMailer = makeSesMailer(ses, c.sesConfigurationSet);
    const mailer =
      c.outboxDir && c.sesEndpoint ? withOutbox(sesMailer, c.outboxDir, c.sesEndpoint) : sesMailer;
    if (declared === 'send') return mailer;
    return {
      checkReachable: () => mailer.checkReachable(),
      send: () => {
        throw new UndeclaredAccessError(`The ${name} function may only probe the mail service, not send.`);
      },
    };
  });
}
