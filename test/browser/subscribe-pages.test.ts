import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { eventually, linkIn, mailFor, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function profileOf(email: string) {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamodbUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const { Items = [] } = await db.send(
    new ScanCommand({
      TableName: stack.env.TABLE_NAME,
      FilterExpression: 'email = :e AND entity = :s',
      ExpressionAttributeValues: { ':e': email, ':s': 'subscriber' },
    }),
  );
  db.destroy();
  return Items[0];
}

describe('the subscribe, confirm and unsubscribe pages in a real browser', () => {
  it('subscribes from the form in the reader’s time zone, confirms with a button, unsubscribes with a button', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto(`${stack.apiUrl}/`);
    await page.getByLabel('Email address').fill('erin@example.com');
    await page.getByLabel('Topics').fill('Iran AND Iraq\n"Qassem Soleimani"');
    await page.getByLabel('How often').selectOption('instant');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your inbox');

    const [confirmation] = await eventually(async () => {
      const mail = await mailFor(stack.outboxDir, 'erin@example.com');
      return mail.length ? mail : undefined;
    });
    expect(confirmation?.mail.text).toContain('"Qassem Soleimani"');
    const pending = await profileOf('erin@example.com');
    expect(pending).toMatchObject({ status: 'pending', timezone: 'Asia/Tokyo' });

    await page.goto(linkIn(confirmation?.mail.text ?? '', '/confirm'));
    expect(await profileOf('erin@example.com')).toMatchObject({ status: 'pending' });
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('You are subscribed');
    expect(await page.locator('main').textContent()).toContain('2 topics are now active');
    expect(await profileOf('erin@example.com')).toMatchObject({ status: 'active' });

    expect(errors).toEqual([]);
    await page.goto(`${stack.apiUrl}/confirm?token=forged.token`);
    expect(await page.locator('[role=alert]').textContent()).toMatch(/invalid or has expired/);

    const ingested = await stack.ingest({
      title: 'Iran and Iraq open a rail link',
      text: 'Iran and Iraq opened a rail link.',
    });
    expect(ingested.status).toBe(201);
    const alert = await eventually(async () => (await mailFor(stack.outboxDir, 'erin@example.com'))[1]);
    await page.goto(linkIn(alert.mail.text ?? '', '/unsubscribe'));
    expect(await profileOf('erin@example.com')).toMatchObject({ status: 'active' });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('You are unsubscribed');
    expect(await profileOf('erin@example.com')).toMatchObject({ status: 'unsubscribed' });
    await context.close();
  }, 90_000);

  it('previews a topic against recent stories from the subscribe page', async () => {
    const ingested = await stack.ingest({
      title: 'Lantern festival fills the harbour',
      text: 'Thousands watched the lantern boats.',
    });
    expect(ingested.status).toBe(201);
    const [stored] = ((await ingested.json()) as { articles: { id: string }[] }).articles;

    // API clients get the same preview as JSON.
    const preview = await fetch(`${stack.apiUrl}/preview?topic=${encodeURIComponent('lantern* -football')}`, {
      headers: { accept: 'application/json' },
    });
    expect(await preview.json()).toEqual({
      topic: 'lantern* -football',
      searched: expect.any(Number),
      matches: [{ id: stored?.id, title: 'Lantern festival fills the harbour', terms: ['lantern*'] }],
    });

    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/`);
    await page.getByLabel(/Try a topic/).fill('lantern*');
    await page.getByRole('button', { name: 'Preview matches' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('1 story would have reached you');
    expect(await page.getByRole('link', { name: 'Lantern festival fills the harbour' }).count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('matched lantern*');
    await page.close();
  });

  it('shows a refused form again with what was typed and the error beside its field; the fix leads, by a redirect, to a page a reload does not post again', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/`);
    await page.getByLabel('Email address').fill('frank@example.com');
    await page.getByLabel('Topics').fill('Iran AND (Iraq\nGaza -football');
    await page.getByLabel('How often').selectOption('daily');
    await page.getByLabel('Digest time').selectOption('18');
    await page.getByLabel('Weekly digest day').selectOption('friday');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Subscribe' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await page.waitForLoadState();

    // The same form, filled in as the reader left it.
    expect(await page.locator('h1').textContent()).toBe('Get the news you care about');
    expect(await page.getByLabel('Email address').inputValue()).toBe('frank@example.com');
    expect(await page.getByLabel('Topics').inputValue()).toBe('Iran AND (Iraq\nGaza -football');
    expect(await page.getByLabel('How often').inputValue()).toBe('daily');
    expect(await page.getByLabel('Digest time').inputValue()).toBe('18');
    expect(await page.getByLabel('Weekly digest day').inputValue()).toBe('friday');
    expect(await page.getByLabel('Your time zone').inputValue()).toBe('Europe/Paris');

    // The error sits right above the topics field, is tied to it, and the field has the focus.
    const topics = page.getByLabel('Topics');
    const error = page.locator('[role=alert]');
    expect(await error.textContent()).toMatch(/^Topic 1 \("Iran AND \(Iraq"\): .*column 10/);
    expect(await error.evaluate((el) => el.nextElementSibling?.id)).toBe('topics');
    expect(await topics.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await topics.getAttribute('aria-describedby'))?.split(' ');
    expect(describedBy).toEqual(expect.arrayContaining([await error.getAttribute('id'), 'topics-hint']));
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBeNull();
    expect(await page.evaluate('document.activeElement.id')).toBe('topics');

    await topics.fill('Iran AND Iraq\nGaza -football');
    const [accepted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Subscribe' }).click(),
    ]);
    expect(accepted.status()).toBe(303);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your inbox');
    expect(new URL(page.url()).pathname).toBe('/check-inbox');

    const methods: string[] = [];
    page.on('request', (r) => methods.push(r.method()));
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('Check your inbox');
    expect(methods).toEqual(['GET']);
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'frank@example.com')).toHaveLength(1);
    const profile = await profileOf('frank@example.com');
    const requests = (await stack.items()).filter((i) => i.entity === 'request' && i.pk === profile?.pk);
    expect(requests).toEqual([expect.objectContaining({ digestHour: 18, timezone: 'Europe/Paris' })]);
    await context.close();
  });

  it('lets the reader choose the digest hour and weekday and says when digests arrive, with or without scripts', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/`);
    const hour = page.getByLabel('Digest time');
    const day = page.getByLabel('Weekly digest day');
    const sentence = page.locator('#digest-when');
    expect(
      await hour
        .locator('option')
        .evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent])),
    ).toEqual(Array.from({ length: 24 }, (_, h) => [String(h), `${String(h).padStart(2, '0')}:00`]));
    expect(await day.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual([
      'monday',
      'tuesday',
      'wednesday',
      'thursday',
      'friday',
      'saturday',
      'sunday',
    ]);
    expect(await hour.inputValue()).toBe('7');
    expect(await day.inputValue()).toBe('monday');
    expect(await sentence.textContent()).toBe(
      'Daily digests arrive at 07:00 your time; weekly ones on Mondays.',
    );
    // The sentence describes both fields to screen readers.
    for (const field of [hour, day]) {
      expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('digest-hint');
    }
    await hour.selectOption('18');
    await day.selectOption('sunday');
    expect(await sentence.textContent()).toBe(
      'Daily digests arrive at 18:00 your time; weekly ones on Sundays.',
    );
    await page.close();

    // Without scripts the page says the same for the values it was served with.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${stack.apiUrl}/`);
    expect(await plain.locator('#digest-when').textContent()).toBe(
      'Daily digests arrive at 07:00 your time; weekly ones on Mondays.',
    );
    await plain.getByLabel('Email address').fill('not-an-address@');
    await plain.getByLabel('Topics').fill('Iran');
    await plain.getByLabel('Digest time').selectOption('21');
    await plain.getByLabel('Weekly digest day').selectOption('wednesday');
    // The browser's own check of the address is what the server's check stands behind.
    await plain.locator('form[action="/subscriptions"]').evaluate((f) => f.setAttribute('novalidate', ''));
    await plain.getByRole('button', { name: 'Subscribe' }).click();
    await plain.waitForLoadState();
    expect(await plain.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    expect(await plain.locator('#digest-when').textContent()).toBe(
      'Daily digests arrive at 21:00 your time; weekly ones on Wednesdays.',
    );
    await noScript.close();
  });

  it('shows where the keyboard focus is', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/`);
    for (const id of ['email', 'topics', 'frequency']) {
      await page.locator(`#${id}`).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      // Scripts run in the page, which the test's types (no DOM library) do not describe.
      const outline = (await page.evaluate(
        `(() => { const s = getComputedStyle(document.activeElement); return { id: document.activeElement.id, style: s.outlineStyle, width: parseFloat(s.outlineWidth) }; })()`,
      )) as { id: string; style: string; width: number };
      expect(outline.id).toBe(id);
      expect(outline.style, id).not.toBe('none');
      expect(outline.width, id).toBeGreaterThanOrEqual(2);
    }
    await page.close();
  });
});
