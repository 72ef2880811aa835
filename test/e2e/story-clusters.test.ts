import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agency, otherStory, secondOutlet } from '../fixtures/stories/valmora';
import { eventually, mailFor, startTestStack, type TestStack } from '../support/local-stack';
import { seedSubscribers } from '../support/subscribers';

interface IngestBody {
  articles: { id: string; status: string; storyId?: string }[];
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function ingestJson(body: object): Promise<IngestBody['articles']> {
  const response = await stack.ingest(body);
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as IngestBody).articles;
}

describe('one story from several outlets', () => {
  it('alerts each subscriber once per story, names the other outlets, and updates in place without alerting again', async () => {
    const [reader] = await seedSubscribers(stack.dynamodbUrl, stack.env.TABLE_NAME ?? 'tidings', {
      prefix: 'docks',
      count: 1,
      query: 'Valmora',
    });
    const inbox = () => mailFor(stack.outboxDir, `${reader}@example.com`);

    const [first] = await ingestJson(agency);
    expect(first).toMatchObject({ status: 'stored' });
    await eventually(async () => ((await inbox()).length === 1 ? true : undefined));

    // The second outlet's version joins the agency's story: nothing new is queued for the reader.
    const [second] = await ingestJson(secondOutlet);
    expect(second).toMatchObject({ status: 'stored', storyId: first?.id });
    expect(second?.id).not.toBe(first?.id);
    await stack.whenIdle();
    expect(await inbox()).toHaveLength(1);

    // A different story on the same place is its own story, and is alerted.
    const [third] = await ingestJson(otherStory);
    expect(third).toEqual({ id: expect.any(String), status: 'stored' });
    const mail = await eventually(async () => {
      const all = await inbox();
      return all.length === 2 ? all : undefined;
    });
    expect(mail.map((m) => m.mail.subject)).toEqual([
      'Valmora dock workers strike over night-shift pay',
      'Valmora council approves a new tram line',
    ]);

    // Each version's page names the other outlet.
    const page = await (await fetch(`${stack.apiUrl}/articles/${second?.id}`)).text();
    expect(page).toContain(`Also reported by <a href="/articles/${first?.id}">Example Wire</a>`);
    const archive = await (await fetch(`${stack.apiUrl}/archive?day=2026-12-02`)).text();
    expect(archive.match(/Valmora dock workers strike|Grain ships stuck/g)).toHaveLength(1);
    expect(archive).toContain('Also reported by');

    // A correction of the agency's copy updates it in place: the same id, no second alert.
    const corrected = {
      ...agency,
      text: agency.text.replace('about 1,800', 'about 2,100'),
      updatedAt: '2026-12-02T10:30:00Z',
    };
    expect(await ingestJson(corrected)).toEqual([{ id: first?.id, status: 'updated' }]);
    expect(await ingestJson(corrected)).toEqual([{ id: first?.id, status: 'duplicate' }]);
    await stack.whenIdle();
    expect(await inbox()).toHaveLength(2);
    const updated = await (await fetch(`${stack.apiUrl}/articles/${first?.id}`)).text();
    expect(updated).toContain('about 2,100');
    expect(updated).toContain('Updated <time datetime="2026-12-02T10:30:00.000Z">');
  });
});
