import { createHash } from 'node:crypto';

/**
 * Fills the subscribe form's time zone from the browser so digests arrive in the reader's morning, not
 * UTC's; a value already there (the reader's own, on a form shown again) is kept.
 */
export const TIMEZONE_SCRIPT = `(function () {
  var zone = document.getElementById('timezone');
  if (!zone.value) zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
})();`;

/** The sentence around the chosen hour and weekday, shared by the page and the script that updates it. */
const DIGEST_SENTENCE = ['Daily digests arrive at ', ' your time; weekly ones on ', 's.'] as const;

/** "Daily digests arrive at 07:00 your time; weekly ones on Mondays." */
export function digestSentence(hourLabel: string, weekdayLabel: string): string {
  const [before, between, after] = DIGEST_SENTENCE;
  return `${before}${hourLabel}${between}${weekdayLabel}${after}`;
}

/**
 * Keeps the sentence true while the reader picks another hour or day; without scripts the page shows it for
 * the values it was served with.
 */
export const DIGEST_SENTENCE_SCRIPT = `(function () {
  var parts = ${JSON.stringify(DIGEST_SENTENCE)};
  var hour = document.getElementById('digestHour');
  var day = document.getElementById('digestWeekday');
  var out = document.getElementById('digest-when');
  function say() {
    out.textContent = parts[0] + hour.options[hour.selectedIndex].text + parts[1] + day.options[day.selectedIndex].text + parts[2];
  }
  hour.addEventListener('change', say);
  day.addEventListener('change', say);
})();`;

/** The pages' CSP allows exactly these scripts and nothing else. */
export const SCRIPT_HASHES = [TIMEZONE_SCRIPT, DIGEST_SENTENCE_SCRIPT].map(
  (script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`,
);
