import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoArchiveReader } from '../../lib/adapters/dynamo/article-store';
import { makeDynamoArticleWriter } from '../../lib/adapters/dynamo/article-writer';
import { guardTable } from '../../lib/adapters/dynamo/table-guard';
import { normaliseArticle } from '../../lib/articles';
import { ValidationError } from '../../lib/errors';
import { functions } from '../../lib/manifest';
import { archivePage } from '../../lib/pages/archive-page';
import { ARCHIVE_PAGE_STORIES, makeShowArchive } from '../../lib/use-cases/show-archive';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable('tidings-archive');
});
afterAll(async () => {
  await table?.stop();
});

const story = (n: number, publishedAt: string, title = `Story ${n}`) =>
  normaliseArticle(
    {
      title,
      text: `Body of story ${n}, long enough to be a story. ${'More words here. '.repeat(200)}`,
      publishedAt,
      source: 'AFP',
    },
    new Date('2026-12-03T20:00:00Z'),
  );

describe('the archive, a day at a time', () => {
  // The pages function's own guarded client: its manifest entry must allow the read.
  const showArchive = () =>
    makeShowArchive({
      archive: makeDynamoArchiveReader(guardTable(table.db, functions.pages.table, 'pages'), table.tableName),
      clock: { now: () => new Date('2026-12-03T20:00:00Z') },
    });

  it('lists one day’s stories newest first, without their bodies, with the days either side', async () => {
    const store = makeDynamoArticleWriter(table.db, table.tableName);
    await store.putIfAbsent(story(1, '2026-12-02T09:00:00Z'));
    await store.putIfAbsent(story(2, '2026-12-02T17:30:00Z', 'Quokka <script>alert(1)</script> seen'));
    await store.putIfAbsent(story(3, '2026-12-03T08:00:00Z'));

    const day = await showArchive()('2026-12-02');
    expect(day.stories.map((s) => s.title)).toEqual(['Quokka <script>alert(1)</script> seen', 'Story 1']);
    // The listing fields only, never the body.
    expect(Object.keys(day.stories[0] ?? {}).sort()).toEqual([
      'alsoReportedBy',
      'id',
      'publishedAt',
      'source',
      'storyId',
      'title',
    ]);
    expect(day).toMatchObject({
      day: '2026-12-02',
      olderDay: '2026-12-01',
      newerDay: '2026-12-03',
      more: false,
    });

    const page = String(archivePage(day));
    expect(page).toContain('Stories of 2 Dec 2026');
    expect(page).toContain('Quokka &lt;script&gt;alert(1)&lt;/script&gt; seen');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('href="/archive?day=2026-12-01"');

    // Today's page by default, with nothing newer to go to.
    const today = await showArchive()(undefined);
    expect(today.stories.map((s) => s.title)).toEqual(['Story 3']);
    expect(today.newerDay).toBeUndefined();
    expect(String(archivePage(await showArchive()('2026-11-30')))).toContain(
      'No stories were published on this day.',
    );
  });

  it('lists a story reported by several outlets once, naming the others', async () => {
    const store = makeDynamoArticleWriter(table.db, table.tableName);
    const first = story(10, '2026-11-25T06:00:00Z', 'Ferry strike ends');
    const second = { ...story(11, '2026-11-25T07:30:00Z', 'Ferries sail again'), source: 'Reuters' };
    await store.putIfAbsent(first);
    await store.putIfAbsent({ ...second, storyId: first.id });
    await store.putIfAbsent(story(12, '2026-11-25T08:00:00Z', 'Another story'));

    const day = await showArchive()('2026-11-25');
    expect(day.stories.map((s) => [s.title, s.alsoReportedBy.map((o) => o.source)])).toEqual([
      ['Another story', []],
      ['Ferries sail again', ['AFP']],
    ]);
    expect(String(archivePage(day))).toContain(`Also reported by <a href="/articles/${first.id}">AFP</a>`);
  });

  it('shows at most one page of a busy day and says there are more', async () => {
    const store = makeDynamoArticleWriter(table.db, table.tableName);
    // One more story than a page holds, written a few at a time: one by one took most of the test's time
    // on a busy machine.
    const busy = Array.from({ length: ARCHIVE_PAGE_STORIES + 1 }, (_, n) => {
      const minute = String(n % 60).padStart(2, '0');
      const hour = String(Math.floor(n / 60)).padStart(2, '0');
      return story(1000 + n, `2026-11-20T${hour}:${minute}:00Z`);
    });
    for (let at = 0; at < busy.length; at += 20) {
      await Promise.all(busy.slice(at, at + 20).map((article) => store.putIfAbsent(article)));
    }
    const day = await showArchive()('2026-11-20');
    expect(day.stories).toHaveLength(ARCHIVE_PAGE_STORIES);
    expect(day.more).toBe(true);
    expect(day.stories[0]?.title).toBe(`Story ${1000 + ARCHIVE_PAGE_STORIES}`);
  });

  it('refuses a day that is not a calendar date, or is in the future, with a reason', async () => {
    for (const bad of ['2026-02-30', '2026-12-3', '../../etc', '2026-12-02T00:00', 'x'.repeat(3000)]) {
      await expect(showArchive()(bad)).rejects.toThrow(ValidationError);
    }
    await expect(showArchive()('2026-12-04')).rejects.toThrow(/no stories after today/);
  });
});
