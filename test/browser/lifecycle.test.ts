import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { eventually, linkIn, mailFor, mailTo, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack({ TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE: '100' }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const mailToAddress = (address: string, count: number) => mailTo(stack.outboxDir, address, count);

const heading = (page: Page) => page.locator('h1').textContent();

async function subscribeThroughTheForm(page: Page, email: string, topics: string) {
  await page.goto(`${stack.apiUrl}/`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Topics').fill(topics);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect.poll(() => heading(page)).toBe('Check your inbox');
}

async function statusOf(email: string) {
  const items = await stack.items();
  const id = items.find((item) => item.pk === `EMAIL#${email}`)?.subscriberId;
  return items.find((item) => item.pk === `SUB#${id}` && item.sk === 'PROFILE')?.status;
}

describe('a subscriber’s whole life, in a real browser', () => {
  it('subscribes, confirms, manages topics from an alert, mutes, pauses, exports, unsubscribes and erases', async () => {
    const email = 'life@example.com';
    const context = await browser.newContext({ timezoneId: 'Europe/Paris', acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await subscribeThroughTheForm(page, email, 'wombat\nquokka');
    const [confirmation] = await mailToAddress(email, 1);
    await page.goto(linkIn(confirmation?.mail.text ?? '', '/confirm'));
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await expect.poll(() => heading(page)).toBe('You are subscribed');

    expect((await stack.ingest({ title: 'Wombats thrive', text: 'The wombat colony grew.' })).status).toBe(
      201,
    );
    const [, alert] = await mailToAddress(email, 2);
    const text = alert?.mail.text ?? '';

    // The preference centre from the alert's "Manage your topics" link.
    await page.goto(linkIn(text, '/preferences'));
    expect(await heading(page)).toBe('Your Tidings');
    await expect.poll(() => page.locator('input[value="wombat"]').count()).toBe(1);
    await expect.poll(() => page.locator('main').textContent()).toContain('Wombats thrive');
    await page.locator('#topic-new').fill('numbat');
    await page.locator('#topic-new-frequency').selectOption('daily');
    await page.getByRole('button', { name: 'Save topics' }).click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toBe('Your topics are saved.');
    expect(await page.locator('input[value="numbat"]').count()).toBe(1);

    // Mute "wombat" from the alert's mute link: a page with a button, then back to the centre.
    await page.goto(linkIn(text, '/mute'));
    expect(await heading(page)).toBe('Mute “wombat”?');
    await page.getByRole('button', { name: 'Mute this topic' }).click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain('That topic is muted');
    expect(await page.locator('input[value="wombat"]').count()).toBe(0);

    await page.locator('#days').selectOption('14');
    await page.getByRole('button', { name: 'Pause mail' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('Mail is paused until');

    // The export downloads as a file holding the whole consent ledger.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download everything/ }).click(),
    ]);
    const exported = JSON.parse(await readFile((await download.path()) ?? '', 'utf8')) as {
      consent: { action: string; source: string; userAgent?: string }[];
    };
    expect(exported.consent.map((line) => `${line.action}/${line.source}`)).toEqual([
      'requested/form',
      'confirmed/email-link',
      'topics-changed/preference-centre',
      'topics-changed/preference-centre',
      'paused/preference-centre',
    ]);
    expect(exported.consent[0]?.userAgent).toMatch(/Chrome/);

    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await expect.poll(() => heading(page)).toBe('You are unsubscribed');
    expect(await statusOf(email)).toBe('unsubscribed');

    // Unsubscribed, the same link still lets the reader take their data away.
    await page.goto(linkIn(text, '/preferences'));
    expect(await heading(page)).toBe('You are not subscribed');
    await page.getByLabel('Yes, erase everything').check();
    await page.getByRole('button', { name: 'Erase my data' }).click();
    await expect.poll(() => heading(page)).toBe('Your data is erased');
    expect(await statusOf(email)).toBeUndefined();
    expect(JSON.stringify(await stack.items())).not.toContain(email);

    expect(problems).toEqual([]);
    await context.close();
  });

  it.each([
    ['bounce@simulator.amazonses.com', 'suppressed', /bounced or was reported as spam/],
    ['complaint@simulator.amazonses.com', 'unsubscribed', /no longer valid/],
  ])(
    'subscribes %s through the form; SES feedback leaves it %s and it gets nothing more',
    async (email, status, refusal) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await subscribeThroughTheForm(page, email, 'wombat');
      const [confirmation] = await mailToAddress(email, 1);
      await eventually(async () => ((await statusOf(email)) === status ? true : undefined));
      // The link in the mail that bounced (or was reported) cannot bring the address back.
      await page.goto(linkIn(confirmation?.mail.text ?? '', '/confirm'));
      await page.getByRole('button', { name: 'Confirm subscription' }).click();
      await expect.poll(() => page.locator('main').textContent()).toMatch(refusal);
      expect(await statusOf(email)).toBe(status);
      // Both are on the suppression list: subscribing again through the form sends nothing.
      await subscribeThroughTheForm(page, email, 'quokka');
      await stack.whenIdle();
      expect(await mailFor(stack.outboxDir, email)).toHaveLength(1);
      await context.close();
    },
  );
});
