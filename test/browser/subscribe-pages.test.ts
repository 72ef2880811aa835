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

  it('shows a form error as a readable page, not JSON', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/`);
    await page.getByLabel('Email address').fill('frank@example.com');
    await page.getByLabel('Topics').fill('Iran AND (Iraq');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.locator('[role=alert]').textContent()).toMatch(/Topic 1/);
    await page.close();
  });
});
