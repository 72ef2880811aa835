import { SESClient } from '@aws-sdk/client-ses';
import { withLocalHealthCheck } from '../adapters/ses/local-mailer';
import { makeSesMailer, readMaxSendRate } from '../adapters/ses/ses-mailer';
import { DEFAULT_MAX_SEND_RATE } from '../config';
import { UndeclaredAccessError } from '../errors';
import { type FunctionName, functions } from '../manifest';
import type { Mailer } from '../ports';
import { once } from './once';
import { config } from './runtime';

/** One SES client per process, built on first use. */
const sesClient = once(() => {
  const c = config();
  return new SESClient({
    region: c.region,
    endpoint: c.sesEndpoint,
    credentials: c.sesEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    // The SDK's own retries are few and quick; the send use case backs off further and knows the quota.
    // Not 'adaptive': its client-side limiter, after one Throttling, holds every send of the process to as
    // little as 0.5 a second, under the table's global rate cap, so an instance stalled past its timeout
    // with its claims held (the fault suite's SES Throttling case found it).
    retryMode: 'standard',
    maxAttempts: 3,
    // No request timeout: the SDK would send again a message whose answer was only slow. A hung send ends
    // with the invocation, and SES's Send event or the sweeper settles the delivery.
  });
});

/**
 * The global send-rate cap: `TIDINGS_MAX_SEND_RATE` when set, else the account's `MaxSendRate` from SES's
 * GetSendQuota (read once per cold start), or the SES default against the local endpoint, which has no quota.
 */
export function maxSendRateFor(name: FunctionName): () => Promise<number> {
  return once(async () => {
    if (functions[name].mail !== 'send') {
      throw new UndeclaredAccessError(`The ${name} function does not send mail, so it has no send rate.`);
    }
    const c = config();
    if (c.maxSendRate !== undefined) return c.maxSendRate;
    if (c.sesEndpoint) return DEFAULT_MAX_SEND_RATE;
    return readMaxSendRate(sesClient());
  });
}

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
    const ses = sesClient();
    const sesMailer = makeSesMailer(ses, c.sesConfigurationSet);
    const mailer = c.sesEndpoint ? withLocalHealthCheck(sesMailer, c.sesEndpoint) : sesMailer;
    if (declared === 'send') return mailer;
    return {
      checkReachable: () => mailer.checkReachable(),
      send: () => {
        throw new UndeclaredAccessError(`The ${name} function may only probe the mail service, not send.`);
      },
    };
  });
}
