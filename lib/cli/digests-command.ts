import type { DigestGuardStatus, DigestPauseSwitch } from '../ports';

interface Output {
  write(text: string): unknown;
}

/** What an operator reads of the guard: paused or not, since when, by whom and why, and the last resume. */
export function describeDigestGuard(status: DigestGuardStatus): string {
  const lines: string[] = [];
  if (status.pause) {
    const { pausedAt, pausedBy, reason } = status.pause;
    lines.push(`Digests are PAUSED since ${pausedAt} by ${pausedBy}: ${reason}`);
    lines.push('Alerts and confirmations still go out. Resume with "tidings digests resume".');
  } else lines.push('Digests are sending.');
  if (status.lastResumed) {
    const { at, by, pause } = status.lastResumed;
    lines.push(`Last resumed at ${at} by ${by} (paused since ${pause.pausedAt} by ${pause.pausedBy}).`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `tidings digests status | pause --reason TEXT | resume`. Exit codes: 0 done, 1 nothing to do
 * (resuming digests that were not paused), 2 usage.
 */
export async function runDigestsCommand(options: {
  action: string | undefined;
  reason: string | undefined;
  operator: string;
  guard: DigestPauseSwitch;
  now: Date;
  stdout: Output;
  stderr: Output;
}): Promise<number> {
  const { guard, stdout, stderr } = options;
  switch (options.action) {
    case 'status':
      stdout.write(describeDigestGuard(await guard.status()));
      return 0;
    case 'pause': {
      const reason = options.reason?.trim();
      if (!reason) {
        stderr.write('digests pause needs --reason "why", which status shows to whoever resumes.\n');
        return 2;
      }
      const outcome = await guard.pause({
        pausedAt: options.now.toISOString(),
        pausedBy: `operator:${options.operator}`,
        reason,
      });
      stdout.write(
        outcome === 'paused'
          ? 'Digests paused. Held stories stay for the next digest after "tidings digests resume".\n'
          : 'Digests were already paused; the first pause and its reason are kept.\n',
      );
      return 0;
    }
    case 'resume': {
      const ended = await guard.resume(`operator:${options.operator}`, options.now);
      if (!ended) {
        stdout.write('Digests were not paused; nothing to resume.\n');
        return 1;
      }
      stdout.write(
        `Digests resumed (paused since ${ended.pausedAt} by ${ended.pausedBy}). The next digest run sends what was held.\n`,
      );
      return 0;
    }
    default:
      stderr.write('Use "tidings digests status", "digests pause --reason TEXT" or "digests resume".\n');
      return 2;
  }
}
