import type { DigestRunSummary } from '../use-cases/queue-digests';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What `tidings digest run` tells the operator: how many digests it queued and, when that is fewer than
 * the subscribers it looked at, why (nobody due, nothing new, too late, paused, failed).
 */
export function describeDigestRun(summary: DigestRunSummary): string {
  const when = summary.forced ? `forced at ${summary.at}` : `due at ${summary.at}`;
  if (summary.guardPause) {
    const { pausedAt, pausedBy, reason } = summary.guardPause;
    return `Queued 0 digests: digests are paused since ${pausedAt} by ${pausedBy} (${reason}). Held stories stay for the next digest; "tidings digests resume" sends them again.`;
  }
  if (summary.due === 0) {
    return summary.forced
      ? `Queued 0 digests: nobody has a daily or weekly topic (${when}).`
      : `Queued 0 digests: nobody was due at ${summary.at}.`;
  }
  const lines = [
    `Queued ${plural(summary.queued, 'digest')} for ${plural(summary.due, 'subscriber')} ${when}${summary.queued > 0 ? '; the running stack sends them' : ''}.`,
  ];
  if (summary.nothingNew > 0)
    lines.push(`${plural(summary.nothingNew, 'subscriber')} had nothing new since their last digest.`);
  if (summary.late > 0)
    lines.push(
      `${plural(summary.late, 'subscriber')} ${summary.late === 1 ? 'was' : 'were'} due more than a day ago: no stale digest, their stories wait for the next one.`,
    );
  if (summary.paused > 0) lines.push(`${plural(summary.paused, 'subscriber')} paused their mail.`);
  if (summary.failed > 0)
    lines.push(
      `${plural(summary.failed, 'digest')} failed (logged with the subscriber id); they stay due and the next run tries again.`,
    );
  return lines.join('\n');
}
