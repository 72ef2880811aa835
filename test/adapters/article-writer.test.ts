import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoArticleStore } from '../../lib/adapters/dynamo/article-store';
import { makeDynamoArticleWriter, makeDynamoStoryFinder } from '../../lib/adapters/dynamo/article-writer';
import { makeDynamoStoryReader } from '../../lib/adapters/dynamo/story-reader';
import { guardTable } from '../../lib/adapters/dynamo/table-guard';
import { type ArticleInput, normaliseArticle } from '../../lib/articles';
import { signatureBands } from '../../lib/articles/near-duplicate';
import { functions } from '../../lib/manifest';
import { agency, otherStory, secondOutlet } from '../fixtures/stories/valmora';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable('tidings-stories');
});
afterAll(async () => {
  await table?.stop();
});

const now = new Date('2026-12-02T12:00:00Z');
const normalised = (input: ArticleInput) => normaliseArticle(input, now);
// The ingest function's own client, held to its manifest entry as on AWS.
const ingestDb = () => guardTable(table.db, functions.ingest.table, 'ingest');

const partition = (pk: string) => table.partition(pk);

describe('storing an article with its story', () => {
  it('writes the article, one entry a band and its line in the story at once, and nothing on a repeat', async () => {
    const writer = makeDynamoArticleWriter(ingestDb(), table.tableName);
    // Published months before the other tests' stories, so no lookup of theirs finds it.
    const article = normalised({
      ...agency,
      url: 'https://wire.example/atomic',
      publishedAt: '2026-09-01T07:00:00Z',
    });
    expect(await writer.putIfAbsent(article)).toBe('stored');
    const bands = signatureBands(article.signature);
    for (const band of bands) {
      const entries = await partition(`NEARDUP#${band}`);
      expect(entries.filter((e) => e.articleId === article.id)).toHaveLength(1);
    }
    expect(await partition(`STORY#${article.id}`)).toHaveLength(1);

    // The same id again, claiming another story: refused whole, so no stray line in that story.
    expect(await writer.putIfAbsent({ ...article, storyId: 'another-story' })).toBe('duplicate');
    expect(await partition('STORY#another-story')).toEqual([]);
  });

  it('finds the story of another outlet’s edited version, but not of a different story or one days apart', async () => {
    const db = ingestDb();
    const writer = makeDynamoArticleWriter(db, table.tableName);
    const finder = makeDynamoStoryFinder(db, table.tableName);
    const first = normalised(agency);
    await writer.putIfAbsent(first);

    expect(await finder.findStory(normalised(secondOutlet))).toBe(first.id);
    expect(await finder.findStory(normalised(otherStory))).toBeUndefined();
    const weekLater = normalised({ ...secondOutlet, publishedAt: '2026-12-09T08:10:00Z' });
    expect(await finder.findStory(weekLater)).toBeUndefined();

    // Stored in the first one's story, its outlets are both, first published first.
    const second = { ...normalised(secondOutlet), storyId: first.id };
    await writer.putIfAbsent(second);
    const outlets = await makeDynamoStoryReader(table.db, table.tableName).outletsOf(first.id, 10);
    expect(outlets.map((o) => [o.id, o.source])).toEqual([
      [first.id, 'Example Wire'],
      [second.id, 'The Daily Example'],
    ]);
    // A third version finds the story through either earlier one: the story id is still the first's.
    const third = normalised({ ...secondOutlet, url: 'https://third.example/strike', source: 'Third' });
    expect(await finder.findStory(third)).toBe(first.id);
  });
});

describe('a newer version of a stored article', () => {
  it('updates it in place, keeping its story and first publication, and retitles its line in the story', async () => {
    const writer = makeDynamoArticleWriter(ingestDb(), table.tableName);
    const url = 'https://wire.example/revised';
    const original = normalised({ ...agency, url, publishedAt: '2026-10-01T07:00:00Z' });
    await writer.putIfAbsent(original);
    expect((await writer.storedVersions([original.id, 'absent'])).get(original.id)).toBe(
      '2026-10-01T07:00:00.000Z',
    );

    const newer = normalised({
      ...agency,
      url,
      title: 'Valmora dock strike: union rejects pay offer',
      text: agency.text.replace('about 1,800', 'about 2,100'),
      publishedAt: '2026-10-01T07:05:00Z',
      updatedAt: '2026-10-01T10:30:00Z',
    });
    expect(newer.id).toBe(original.id);
    expect(await writer.reviseIfNewer(newer, now)).toBe('updated');
    expect(await writer.reviseIfNewer(newer, now)).toBe('duplicate');
    expect(await writer.reviseIfNewer({ ...newer, updatedAt: '2026-10-01T09:00:00.000Z' }, now)).toBe(
      'duplicate',
    );

    const stored = await makeDynamoArticleStore(table.db, table.tableName).get(original.id);
    expect(stored).toMatchObject({
      title: 'Valmora dock strike: union rejects pay offer',
      updatedAt: '2026-10-01T10:30:00.000Z',
      publishedAt: original.publishedAt,
      storyId: original.storyId,
      signature: original.signature,
      revisions: 1,
      revisedAt: now.toISOString(),
    });
    expect(stored?.paragraphs.join(' ')).toContain('about 2,100');
    const [line] = await partition(`STORY#${original.storyId}`);
    expect(line?.title).toBe('Valmora dock strike: union rejects pay offer');
  });
});
