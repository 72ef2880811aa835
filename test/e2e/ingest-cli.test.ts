import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';
import { tidingsCli } from '../support/tidings-cli';

let stack: TestStack;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  dir = await mkdtemp(join(tmpdir(), 'tidings-ingest-cli-'));
});

afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

const tidings = (args: string[], stdin = '') => tidingsCli(stack, args, { cwd: dir, stdin });

// Invented stories from an invented coastal town.
const WIRE = `Island ferry sails again after three-day storm

Published: Tue 1 Dec 2026, 9:15 AM

The ferry to Gullrock Island left the harbour on Tuesday morning for the first time since the storm closed the crossing on Saturday.

Islanders queued on the slipway with empty crates for the mainland market, the ferry company said.`;

const JSON_LIST = [
  {
    title: 'Lighthouse keeper retires after forty winters',
    url: 'https://quay-gazette.example/lighthouse-keeper',
    text: 'The keeper of the Gullrock light climbed its spiral stair for the last time on Monday, handing the lamp to an automatic system installed over the summer.',
  },
  {
    title: 'Harbour wall repairs finish ahead of schedule',
    url: 'https://quay-gazette.example/harbour-wall',
    text: 'Masons finished rebuilding the eastern harbour wall two weeks early, and the fishing fleet moored inside it again on Wednesday night.',
  },
];

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Quay Gazette</title><language>en</language>
<item><title>Fish market moves indoors for winter</title><link>https://quay-gazette.example/fish-market</link>
<description>Traders at the quayside fish market moved their stalls into the old net loft on Thursday as the first frost settled on the town.</description></item>
<item><title>School choir wins county contest</title><link>https://quay-gazette.example/choir</link>
<description>The primary school choir of the harbour town took first prize at the county singing contest with a sea shanty arranged by its music teacher.</description></item>
</channel></rss>`;

interface ReportLine {
  file: string;
  outcome: string;
  articles?: { id?: string; status: string }[];
  error?: { code: string; message: string };
}

async function report(name: string): Promise<ReportLine[]> {
  return (await readFile(join(dir, name), 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ReportLine);
}

describe('tidings ingest, against the running local stack', () => {
  it('stores every story of a directory, reports the bad file, and finds them all duplicates the second time', async () => {
    const news = join(dir, 'news');
    await mkdir(join(news, 'feeds'), { recursive: true });
    await writeFile(join(news, 'ferry.txt'), WIRE);
    await writeFile(join(news, 'stories.json'), JSON.stringify(JSON_LIST));
    await writeFile(join(news, 'feeds', 'quay.xml'), RSS);
    await writeFile(join(news, 'broken.json'), '{"title": "Half a story", "text": ');
    await writeFile(join(news, 'notes.md'), 'Remember to ask about the tide tables.');

    const first = await tidings(['ingest', 'news', '--report', 'first.jsonl']);
    expect(first.stdout.split('\n')).toEqual([
      '4 files read (1 skipped): 5 articles stored, 0 duplicates, 0 items rejected, 1 file failed.',
      expect.stringMatching(/^news\/broken\.json: failed \(400 invalid_json\): The body is not valid JSON/),
      '',
    ]);
    // Not a terminal: no progress bar, only the note about the file it left out.
    expect(first.stderr).toBe('Skipping news/notes.md: unknown extension .md.\n');
    expect(first.code).toBe(1);

    const lines = await report('first.jsonl');
    expect(lines.map((line) => [line.file, line.outcome])).toEqual([
      ['news/broken.json', 'failed'],
      ['news/feeds/quay.xml', 'accepted'],
      ['news/ferry.txt', 'accepted'],
      ['news/notes.md', 'skipped'],
      ['news/stories.json', 'accepted'],
    ]);
    const ids = lines.flatMap((line) => line.articles ?? []).map((article) => article.id);
    expect(ids).toHaveLength(5);
    const pages = await Promise.all(
      ids.map(async (id) => {
        const response = await fetch(`${stack.apiUrl}/articles/${id}`);
        expect(response.status).toBe(200);
        return response.text();
      }),
    );
    for (const title of [
      'Fish market moves indoors for winter',
      'School choir wins county contest',
      'Island ferry sails again after three-day storm',
      'Lighthouse keeper retires after forty winters',
      'Harbour wall repairs finish ahead of schedule',
    ])
      expect(pages.some((page) => page.includes(title))).toBe(true);

    const second = await tidings(['ingest', 'news']);
    expect(second.stdout).toMatch(
      /^4 files read \(1 skipped\): 0 articles stored, 5 duplicates, 0 items rejected, 1 file failed\.\n/,
    );
    expect(second.code).toBe(1);
  }, 60_000);

  it('takes one story from stdin, sniffing JSON, and exits 0 when it is stored', async () => {
    const story = {
      title: 'Tide tables printed in braille for the first time',
      text: 'The harbour office published its tide tables in braille this winter, after a request from the sailing club for blind and partially sighted members.',
    };
    const run = await tidings(['ingest', '-'], JSON.stringify(story));
    expect(run.stdout).toBe(
      '1 file read: 1 article stored, 0 duplicates, 0 items rejected, 0 files failed.\n',
    );
    expect(run.code).toBe(0);
    const wire = await tidings(['ingest', '-', '--type', 'wire'], WIRE);
    expect(wire.stdout).toMatch(/0 articles stored, 1 duplicate,/);
    expect(wire.code).toBe(0);
  }, 60_000);

  it('exits 2 with a message for a path that does not exist', async () => {
    const run = await tidings(['ingest', 'no-such-folder']);
    expect(run.stderr).toBe('No such file or directory: no-such-folder\n');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });
});
