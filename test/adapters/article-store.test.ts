import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeDynamoArticleBatchReader,
  makeDynamoArticleStore,
} from '../../lib/adapters/dynamo/article-store';
import { makeDynamoArticleWriter, makeDynamoStoryFinder } from '../../lib/adapters/dynamo/article-writer';
import { keys } from '../../lib/adapters/dynamo/keys';
import { guardTable } from '../../lib/adapters/dynamo/table-guard';
import type { Article } from '../../lib/articles';
import { detectLanguage } from '../../lib/articles/language';
import { storySignature } from '../../lib/articles/near-duplicate';
import { functions } from '../../lib/manifest';
import { makeIngestArticles } from '../../lib/use-cases/ingest-articles';
import { makePreviewTopic } from '../../lib/use-cases/preview-topic';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

const now = new Date('2026-12-03T12:00:00Z');

/** About 30 KB of text whose one mention of "quokka" is in its last paragraph. */
function longArticle(day: string, n: number): Article {
  const filler = Array.from(
    { length: 60 },
    (_, p) => `Paragraph ${p} of story ${n}: ${'lorem ipsum dolor '.repeat(27)}`,
  );
  return {
    id: `${day}-story-${n}`,
    storyId: `${day}-story-${n}`,
    signature: storySignature(`Story ${n} of ${day}`, [`A quokka was seen in story ${n}.`]),
    fingerprint: `fp-${day}-${n}`,
    title: `Story ${n} of ${day}`,
    titleDerived: false,
    url: `https://news.example/${day}/${n}`,
    source: 'AFP',
    lang: 'en',
    paragraphs: [...filler, `A quokka was seen in story ${n}.`],
    wordCount: 60 * 86 + 7,
    summary: `Paragraph 0 of story ${n}: lorem ipsum…`,
    publishedAt: `${day}T${String(n % 12).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00.000Z`,
    ingestedAt: `${day}T11:59:00.000Z`,
  };
}

describe('the article listing behind /preview', () => {
  it('reads every article of a day holding more than one 1 MB page, and only the fields matching needs', async () => {
    // The pages function's own client, held to its manifest entry as on AWS.
    const db = guardTable(table.db, functions.pages.table, 'pages');
    const writer = makeDynamoArticleWriter(table.db, table.tableName);
    const today = Array.from({ length: 40 }, (_, n) => longArticle('2026-12-03', n));
    const yesterday = Array.from({ length: 5 }, (_, n) => longArticle('2026-12-02', n));
    const tooOld = longArticle('2026-11-20', 0);
    for (const article of [...today, ...yesterday, tooOld]) {
      expect(await writer.putIfAbsent(article)).toBe('stored');
    }
    const bytesToday = today.reduce((sum, a) => sum + JSON.stringify(a).length, 0);
    expect(bytesToday).toBeGreaterThan(1024 * 1024);

    const store = makeDynamoArticleStore(db, table.tableName);
    const listed = await store.listPublishedSince(new Date('2026-11-26T12:00:00Z'), now, 500);
    expect(listed).toHaveLength(45);
    expect(new Set(listed.map((a) => a.id))).toEqual(new Set([...today, ...yesterday].map((a) => a.id)));
    // Newest first, across days.
    const times = listed.map((a) => today.concat(yesterday).find((t) => t.id === a.id)?.publishedAt ?? '');
    expect(times).toEqual([...times].sort().reverse());
    for (const article of listed) {
      expect(Object.keys(article).sort()).toEqual(['id', 'lang', 'paragraphs', 'source', 'title', 'url']);
    }

    const preview = await makePreviewTopic({ articles: store, clock: { now: () => now } })('quokka');
    expect(preview.searched).toBe(45);
    expect(preview.matches).toHaveLength(45);
    expect(preview.matches[0]?.article.url).toMatch(/^https:\/\/news\.example\//);
  });

  it('stops at the limit it is given', async () => {
    const store = makeDynamoArticleStore(table.db, table.tableName);
    const listed = await store.listPublishedSince(new Date('2026-11-26T12:00:00Z'), now, 7);
    expect(listed).toHaveLength(7);
  });
});

describe('the articles a digest shows', () => {
  it('are read whole in one request through the send function’s own client, absent ones left out', async () => {
    const writer = makeDynamoArticleWriter(table.db, table.tableName);
    const stories = Array.from({ length: 3 }, (_, n) => longArticle('2026-12-04', n));
    for (const article of stories) await writer.putIfAbsent(article);
    const store = makeDynamoArticleBatchReader(
      guardTable(table.db, functions.send.table, 'send'),
      table.tableName,
    );
    const ids = [stories[2]?.id, 'no-such-story', stories[0]?.id, stories[2]?.id] as string[];
    const found = await store.getMany(ids);
    expect(new Set(found.keys())).toEqual(new Set([stories[0]?.id, stories[2]?.id]));
    expect(found.get(stories[2]?.id as string)).toEqual(stories[2]);
  });
});

describe('the retention of a stored article', () => {
  const seconds = (iso: string) => Date.parse(iso) / 1000;

  it('is the table’s TTL attribute, in epoch seconds, the retention period after publication', async () => {
    // The ingest function's own client, held to its manifest entry as on AWS.
    const db = guardTable(table.db, functions.ingest.table, 'ingest');
    const ingest = makeIngestArticles({
      articles: makeDynamoArticleWriter(db, table.tableName),
      stories: makeDynamoStoryFinder(db, table.tableName),
      clock: { now: () => new Date('2026-12-05T09:00:00Z') },
      languageDetector: async () => detectLanguage,
      sourceZones: new Map([['reuters', 'Europe/London']]),
      retentionDays: 90,
    });
    const [fresh, backfilled] = await ingest([
      {
        text: 'Harbour pilots in Felixstowe voted to accept the new shift pattern on Friday.',
        source: 'Reuters',
        publishedAt: '2026-12-04T16:30',
      },
      {
        text: 'The old lighthouse at Orford Ness reopened to visitors after repairs.',
        publishedAt: '2026-01-10',
      },
    ]);
    const item = async (result: typeof fresh) => {
      const { Item } = await table.db.send(
        new GetCommand({ TableName: table.tableName, Key: keys.article((result as { id: string }).id) }),
      );
      return Item;
    };
    const stored = await item(fresh);
    expect(stored?.expiresAt).toBe(seconds('2027-03-04T16:30:00Z'));
    expect(Number.isInteger(stored?.expiresAt)).toBe(true);
    // Published ten months before it arrived: kept a week from its arrival instead of vanishing at once.
    expect((await item(backfilled))?.expiresAt).toBe(seconds('2026-12-12T09:00:00Z'));

    const read = await makeDynamoArticleStore(table.db, table.tableName).get((fresh as { id: string }).id);
    expect(read).toMatchObject({ publishedAt: '2026-12-04T16:30:00.000Z', publishedZoneSource: 'source' });
    expect(read).not.toHaveProperty('expiresAt');
  });
});
