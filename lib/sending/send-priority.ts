import type { Delivery, SendPriority } from '../ports';

/** Confirmations (someone is waiting for the link) before alerts (news) before digests (can wait). */
export function priorityOf(kind: Delivery['kind']): SendPriority {
  return kind === 'confirm' ? 'confirm' : kind === 'alert' ? 'alert' : 'digest';
}

/** Share of each second's tokens held back from the priority below (at least one token). */
const RESERVED_SHARE = 0.1;
/** From these points in the second on, what was held back is released, so no share is lost when idle. */
const ALERT_RELEASE = 0.7;
const DIGEST_RELEASE = 0.85;

/**
 * How many of one second's `perSecond` tokens a sender of `priority` may see used and still take one, at
 * `fraction` (0 to 1) of the way through that second. Confirmations may take every token. Alerts leave a
 * reserve for confirmations until 70% of the second has passed, digests leave one for alerts and one for
 * confirmations until then and one until 85%. So a flood of alerts or digests never holds a confirmation
 * back by more than about a second, while a lone kind of mail still gets the whole rate: the reserve is
 * released late in the second to whoever is waiting.
 */
export function tokenLimit(priority: SendPriority, perSecond: number, fraction: number): number {
  const reserve = Math.max(1, Math.ceil(perSecond * RESERVED_SHARE));
  if (priority === 'confirm' || fraction >= DIGEST_RELEASE) return perSecond;
  if (priority === 'alert') return fraction >= ALERT_RELEASE ? perSecond : Math.max(0, perSecond - reserve);
  return Math.max(0, perSecond - (fraction >= ALERT_RELEASE ? 1 : 2) * reserve);
}

/** The next point in the second at which `priority`'s limit rises (or the next second), as a fraction. */
export function nextRelease(priority: SendPriority, fraction: number): number {
  const points =
    priority === 'confirm' ? [] : priority === 'alert' ? [ALERT_RELEASE] : [ALERT_RELEASE, DIGEST_RELEASE];
  return points.find((point) => point > fraction) ?? 1;
}
