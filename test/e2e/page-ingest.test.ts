import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

function post(body: string | Uint8Array, contentType: string) {
  return fetch(`${stack.apiUrl}/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.ingestKey}`, 'content-type': contentType },
    body,
  });
}

async function storedArticles() {
  await stack.whenIdle();
  return (await stack.items()).filter((item) => String(item.pk).startsWith('ARTICLE#'));
}

async function expectRefused(body: string | Uint8Array, contentType: string, code: string) {
  const before = (await storedArticles()).length;
  const response = await post(body, contentType);
  expect(response.status).toBe(400);
  const answer = (await response.json()) as { error: { code: string; message: string } };
  expect(answer.error.code).toBe(code);
  expect((await storedArticles()).length).toBe(before);
  return answer.error.message;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('POST /articles with a web page', () => {
  it('stores the article text of a page, without its scripts, navigation or forms', async () => {
    const page = `<!DOCTYPE html><html lang="en"><head><title>Quarry reopens | Dale Times</title>
      <meta property="og:site_name" content="Dale Times"><meta property="og:title" content="Quarry reopens to visitors">
      <meta property="article:published_time" content="2026-12-01T09:00:00Z">
      <link rel="canonical" href="https://dale.example/quarry-reopens?utm_campaign=x">
      <script>document.write("tracker")</script></head>
      <body><nav><a href="/">Home</a><a href="/walks">Walks</a></nav>
      <article><p>The old limestone quarry above the village reopened to walkers on Sunday after a year of safety work.</p>
      <p>A new path leads from the car park to the viewing platform.</p>
      <form><input name="email"><button>Subscribe</button></form></article></body></html>`;
    const response = await post(page, 'text/html; charset=utf-8');
    expect(response.status).toBe(201);
    const stored = (await storedArticles()).find((a) => a.title === 'Quarry reopens to visitors');
    expect(stored).toMatchObject({
      url: 'https://dale.example/quarry-reopens',
      source: 'Dale Times',
      lang: 'en',
      publishedAt: '2026-12-01T09:00:00.000Z',
      paragraphs: [
        'The old limestone quarry above the village reopened to walkers on Sunday after a year of safety work.',
        'A new path leads from the car park to the viewing platform.',
      ],
    });
    expect(JSON.stringify(stored)).not.toMatch(/tracker|Walks|Subscribe|<|>/);
  });

  it('stores an ISO-8859-1 page that declares its charset only in <meta>', async () => {
    const page = latin1(
      '<html lang="fr"><head><meta charset="iso-8859-1"><title>Fête du village</title></head><body><article>' +
        "<p>La fête du village aura lieu samedi près de l'église.</p></article></body></html>",
    );
    const response = await post(page, 'text/html');
    expect(response.status).toBe(201);
    const stored = (await storedArticles()).find((a) => a.title === 'Fête du village');
    expect(stored?.paragraphs).toEqual(["La fête du village aura lieu samedi près de l'église."]);
  });

  it('refuses a page with only scripts and styles, and a binary body, storing nothing', async () => {
    expect(
      await expectRefused(
        '<html><head><style>body{}</style></head><body><script>app.start()</script></body></html>',
        'text/html',
        'no_article_text',
      ),
    ).toMatch(/no readable article text/);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]);
    expect(await expectRefused(png, 'text/html', 'binary_body')).toMatch(/binary/);
  });
});

describe('POST /articles with bodies in other charsets', () => {
  it('stores windows-1252 wire copy declared in Content-Type with its accents and curly quotes', async () => {
    const copy = Buffer.from([
      ...latin1('Le caf'),
      0xe9,
      ...latin1(' du port rouvre lundi, a dit le maire : '),
      0x93,
      ...latin1('Enfin'),
      0x94,
      ...latin1('.\n\nLes travaux ont dur'),
      0xe9,
      ...latin1(' trois mois.'),
    ]);
    const response = await post(copy, 'text/plain; charset=windows-1252');
    expect(response.status).toBe(201);
    const stored = (await storedArticles()).find((a) => String(a.paragraphs).includes('du port rouvre'));
    expect(stored?.paragraphs).toEqual([
      'Le café du port rouvre lundi, a dit le maire : “Enfin”.',
      'Les travaux ont duré trois mois.',
    ]);
  });

  it('refuses invalid UTF-8 with the offset and a charset to declare, storing nothing', async () => {
    const copy = Buffer.from([...latin1('Le march'), 0xe9, ...latin1(' couvert ouvre ses portes.')]);
    const message = await expectRefused(copy, 'text/plain', 'invalid_encoding');
    expect(message).toMatch(/byte 0xE9 at offset 8.*charset=windows-1252/);
    expect(await expectRefused(copy, 'text/plain; charset=utf-8', 'invalid_encoding')).toMatch(/offset 8/);
    expect(await expectRefused(copy, 'application/json', 'invalid_encoding')).toMatch(/offset 8/);
  });

  it('refuses a charset it cannot decode, naming it', async () => {
    expect(await expectRefused('A story.', 'text/plain; charset=x-martian', 'unsupported_charset')).toMatch(
      /"x-martian"/,
    );
  });
});
