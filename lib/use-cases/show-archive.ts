import { ValidationError } from '../errors';
import type { ArchiveEntry, ArchiveReader, Clock } from '../ports';

/** One story of the day: the version listed first, and the other outlets' versions of it that day. */
export interface ArchiveStory extends ArchiveEntry {
  readonly alsoReportedBy: readonly ArchiveEntry[];
}

/** Stories one archive page shows at most: a day of a busy newsroom's wire, not a scroll without end. */
export const ARCHIVE_PAGE_STORIES = 200;

export interface ArchiveDay {
  readonly day: string;
  readonly stories: readonly ArchiveStory[];
  /** The day had more stories than one page shows. */
  readonly more: boolean;
  readonly olderDay: string;
  /** Absent on today's page: nothing is published tomorrow yet. */
  readonly newerDay?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const shift = (day: string, days: number) =>
  dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));

/** `day` as given when it names a real calendar day (2026-02-30 does not), else a clear 400. */
function checkedDay(day: string): string {
  const parts = DAY.exec(day);
  const date = parts ? new Date(`${day}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || dayOf(date) !== day) {
    throw new ValidationError(
      'invalid_day',
      'day must be a calendar date written YYYY-MM-DD, such as 2026-12-02.',
    );
  }
  return day;
}

/** One line per story, where its newest version stands, naming the outlets of the others. */
function byStory(entries: readonly ArchiveEntry[]): ArchiveStory[] {
  const stories = new Map<string, { entry: ArchiveEntry; others: ArchiveEntry[] }>();
  for (const entry of entries) {
    const key = entry.storyId ?? entry.id;
    const story = stories.get(key);
    if (story) story.others.push(entry);
    else stories.set(key, { entry, others: [] });
  }
  return [...stories.values()].map(({ entry, others }) => ({ ...entry, alsoReportedBy: others }));
}

/** One UTC day of the archive, newest story first; today's when no day is asked for. */
export function makeShowArchive(deps: { archive: ArchiveReader; clock: Clock }) {
  return async function showArchive(requested: string | undefined): Promise<ArchiveDay> {
    const today = dayOf(deps.clock.now());
    const day = requested === undefined || requested === '' ? today : checkedDay(requested);
    if (day > today)
      throw new ValidationError('invalid_day', `There are no stories after today (${today}) yet.`);
    const found = await deps.archive.storiesOfDay(day, ARCHIVE_PAGE_STORIES + 1);
    return {
      day,
      stories: byStory(found.slice(0, ARCHIVE_PAGE_STORIES)),
      more: found.length > ARCHIVE_PAGE_STORIES,
      olderDay: shift(day, -1),
      ...(day < today && { newerDay: shift(day, 1) }),
    };
  };
}
