import { createHash } from 'node:crypto';
import { TooManyRequestsError } from '../errors';
import type { Clock, RateLimiter } from '../ports';

/**
 * Per client IP: at most `perMinute` subscribe posts a minute, whatever the addresses, so one client
 * cannot flood the form. The IP is stored only as a hash, and only for a couple of minutes.
 */
export function makeLimitSubscribes(deps: { limiter: RateLimiter; clock: Clock; perMinute: number }) {
  return async function limitSubscribes(clientIp: string): Promise<void> {
    const subject = `subscribe-ip#${createHash('sha256').update(clientIp).digest('base64url').slice(0, 22)}`;
    const retryAfter = await deps.limiter.take(subject, deps.perMinute, 60, deps.clock.now());
    if (retryAfter > 0) throw new TooManyRequestsError(retryAfter);
  };
}
