import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, mailFor, mailTo, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const json = { 'content-type': 'application/json', accept: 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
let articles = 0;

const waitForMail = (address: string, count: number) => mailTo(stack.outboxDir, address, count);

/** Subscribes and confirms through the API, as a reader would through their mail. */
async function activeSubscriber(email: string, topics: unknown[]) {
  const response = await fetch(`${stack.apiUrl}/subscriptions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, topics, timezone: 'Europe/Paris' }),
  });
  expect(response.status).toBe(202);
  const [confirmation] = await waitForMail(email, 1);
  const confirmed = await fetch(linkIn(confirmation?.mail.text ?? '', '/confirm'), {
    method: 'POST',
    headers: { accept: 'application/json' },
  });
  expect(confirmed.status).toBe(200);
}

/** Publishes a story and waits until the pipeline has handled it. */
async function publish(title: string, text: string) {
  const response = await stack.ingest({ id: `pref-${++articles}`, title, text });
  expect(response.status).toBe(201);
  await stack.whenIdle();
}

const postForm = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: form, body: new URLSearchParams(fields), redirect: 'manual' });

describe('the preference centre, reached from an alert', () => {
  it('lists, adds, edits and removes topics with a preview; mutes a topic; pauses; exports', async () => {
    const email = 'prefs@example.com';
    await activeSubscriber(email, ['wombat', { query: 'numbat', frequency: 'weekly' }, 'koala']);
    await publish('Wombat census', 'Rangers counted every wombat in the valley this spring.');
    const mail = await waitForMail(email, 2);
    const alert = mail[1]?.mail.text ?? '';
    expect(alert).toContain('Manage your topics: ');
    const preferencesUrl = linkIn(alert, '/preferences');

    // The page lists each topic with its frequency and what it matched in the last week.
    const shown = await (await fetch(preferencesUrl)).text();
    expect(shown).toContain('value="wombat"');
    expect(shown).toContain('value="numbat"');
    expect(shown).toMatch(/Matched 1 of the \d+ stories of the last 7 days/);
    expect(shown).toContain('Wombat census');

    // A bad query re-shows the form with what was typed and the error beside it; nothing is written.
    const before = (await stack.items()).length;
    const bad = await postForm(preferencesUrl, {
      action: 'topics',
      'query.new': 'quokka AND (',
      'frequency.new': 'daily',
    });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('value="quokka AND ("');
    expect(badPage).toMatch(
      /<input id="topic-new"[^>]*aria-describedby="query-hint topic-new-error" aria-invalid="true"/,
    );
    expect(badPage).toContain('class="field-error" id="topic-new-error"');
    expect((await stack.items()).length).toBe(before);

    // Adding a daily topic redirects (303) to the page, which then lists it.
    const added = await postForm(preferencesUrl, {
      action: 'topics',
      'query.new': 'quokka',
      'frequency.new': 'daily',
    });
    expect(added.status).toBe(303);
    const next = new URL(added.headers.get('location') ?? '', stack.apiUrl).href;
    expect(next).toMatch(/\/preferences\?token=[\w.-]+&done=topics$/);
    const after = await (await fetch(next)).text();
    expect(after).toContain('Your topics are saved.');
    expect(after).toContain('value="quokka"');
    expect(after).toMatch(/<option value="daily" selected>Daily digest<\/option>/);

    // A mute link from the alert: GET shows a button, POST mutes; the topic then sends nothing.
    const muteUrl = linkIn(alert, '/mute');
    expect(await (await fetch(muteUrl)).text()).toContain('Mute “wombat”?');
    expect((await stack.items()).find((i) => i.entity === 'topic' && i.query === 'wombat')?.status).toBe(
      'active',
    );
    const muted = await postForm(muteUrl, {});
    expect(muted.status).toBe(303);
    expect(muted.headers.get('location')).toMatch(/done=muted$/);
    await publish('Wombat crossing', 'A new wombat crossing opened near the school.');
    expect(await mailFor(stack.outboxDir, email)).toHaveLength(2);

    // Pausing holds alerts: the next match is logged as skipped, not sent.
    expect((await postForm(preferencesUrl, { action: 'pause', days: '7' })).status).toBe(303);
    expect(await fetch(preferencesUrl).then((r) => r.text())).toContain('Mail is paused until');
    await publish('Koala news', 'A koala slept all day.');
    expect(await mailFor(stack.outboxDir, email)).toHaveLength(2);

    // The export holds the profile, every topic, the consent ledger and the send log.
    const exported = await fetch(preferencesUrl.replace('/preferences?', '/preferences/export?'));
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    const data = (await exported.json()) as {
      profile: { email: string; pausedUntil?: string };
      topics: { query: string; status: string }[];
      consent: { action: string; source: string }[];
      deliveries: { kind: string; status: string; skipReason?: string }[];
    };
    expect(data.profile.email).toBe(email);
    expect(data.profile.pausedUntil).toBeDefined();
    expect(data.topics.map((t) => [t.query, t.status]).sort()).toEqual([
      ['koala', 'active'],
      ['numbat', 'active'],
      ['quokka', 'active'],
      ['wombat', 'inactive'],
    ]);
    expect(data.consent.map((c) => `${c.action}/${c.source}`)).toEqual([
      'requested/api',
      'confirmed/email-link',
      'topics-changed/preference-centre',
      'topics-changed/preference-centre',
      'paused/preference-centre',
    ]);
    expect(data.deliveries.map((d) => `${d.kind}:${d.status}`).sort()).toEqual([
      'alert:sent',
      'alert:skipped',
      'confirm:sent',
    ]);
    expect(data.deliveries.find((d) => d.status === 'skipped')?.skipReason).toMatch(/^mail is paused until /);
  });

  it('edits a topic query and frequency, removes one, and refuses an overlong query beside its field', async () => {
    const email = 'edits@example.com';
    await activeSubscriber(email, ['echidna', 'platypus']);
    await publish('Platypus', 'A platypus swam past.');
    const [, alert] = await waitForMail(email, 2);
    const preferencesUrl = linkIn(alert?.mail.text ?? '', '/preferences');
    const topicsOf = async (status: string) =>
      (await stack.items())
        .filter((i) => i.entity === 'topic' && i.subscriberId === subscriberId && i.status === status)
        .sort((a, b) => String(a.query).localeCompare(String(b.query)));
    const subscriberId = (await stack.items()).find((i) => i.pk === `EMAIL#${email}`)?.subscriberId;
    const [echidna, platypus] = (await topicsOf('active')).map((topic) => String(topic.id));
    const saved = await postForm(preferencesUrl, {
      action: 'topics',
      [`query.${echidna}`]: 'echidna -zoo',
      [`frequency.${echidna}`]: 'weekly',
      [`query.${platypus}`]: 'platypus',
      [`remove.${platypus}`]: 'on',
    });
    expect(saved.status).toBe(303);
    expect((await topicsOf('active')).map((t) => [t.query, t.frequency])).toEqual([
      ['echidna -zoo', 'weekly'],
    ]);
    expect((await topicsOf('inactive')).map((t) => t.query)).toEqual(['echidna', 'platypus']);
    // A weekly topic puts the subscriber in the digest schedule's index, under their next weekly digest.
    const profile = (await stack.items()).find((i) => i.pk === `SUB#${subscriberId}` && i.sk === 'PROFILE');
    expect(profile?.gsi1pk).toMatch(/^DUE#/);
    expect(profile?.gsi1sk).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00\\.000Z#${subscriberId}$`),
    );

    const long = await fetch(preferencesUrl, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ action: 'topics', 'query.new': 'x'.repeat(501) }),
    });
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({
      error: {
        code: 'invalid_preferences',
        fields: { 'query.new': 'A topic can be at most 500 characters long.' },
      },
    });
  });

  it('revokes every link: the old ones get a friendly page, the new one works', async () => {
    const email = 'revoke@example.com';
    await activeSubscriber(email, ['bilby']);
    await publish('Bilby', 'A bilby dug a burrow.');
    const [, alert] = await waitForMail(email, 2);
    const text = alert?.mail.text ?? '';
    const preferencesUrl = linkIn(text, '/preferences');
    const revoked = await postForm(preferencesUrl, { action: 'revoke' });
    expect(revoked.status).toBe(303);
    const fresh = new URL(revoked.headers.get('location') ?? '', stack.apiUrl).href;
    expect(fresh).not.toBe(preferencesUrl);
    expect(await (await fetch(fresh)).text()).toContain(
      'Every link in your earlier emails has stopped working',
    );
    for (const old of [preferencesUrl, linkIn(text, '/mute')]) {
      const page = await fetch(old, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('This link was revoked');
    }
    const oneClick = await fetch(linkIn(text, '/unsubscribe'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(400);
  });

  it('refuses a cross-site post and a swapped-purpose token, writing nothing', async () => {
    const email = 'hostile@example.com';
    await activeSubscriber(email, ['dingo']);
    await publish('Dingo', 'A dingo howled.');
    const [, alert] = await waitForMail(email, 2);
    const text = alert?.mail.text ?? '';
    const before = (await stack.items()).length;
    const crossSite = await fetch(linkIn(text, '/preferences'), {
      method: 'POST',
      headers: { ...form, origin: 'https://evil.example' },
      body: 'action=revoke',
    });
    expect(crossSite.status).toBe(403);
    const unsubscribeToken = new URL(linkIn(text, '/unsubscribe')).searchParams.get('token');
    const swapped = await postForm(`${stack.apiUrl}/preferences?token=${unsubscribeToken}`, {
      action: 'revoke',
    });
    expect(swapped.status).toBe(400);
    expect(await swapped.text()).toContain('link is invalid');
    expect((await stack.items()).length).toBe(before);
  });

  it('erases everything but the suppression fingerprint, after a ticked box; the address is never mailed again', async () => {
    const email = 'erase@example.com';
    await activeSubscriber(email, ['quoll', { query: 'bandicoot', frequency: 'daily' }]);
    await publish('Quoll', 'A quoll was spotted at dusk.');
    const [, alert] = await waitForMail(email, 2);
    const preferencesUrl = linkIn(alert?.mail.text ?? '', '/preferences');
    const eraseUrl = preferencesUrl.replace('/preferences?', '/preferences/erase?');
    const subscriberId = (await stack.items()).find((i) => i.pk === `EMAIL#${email}`)?.subscriberId;
    const partition = async () => (await stack.items()).filter((i) => i.pk === `SUB#${subscriberId}`);
    expect((await partition()).length).toBeGreaterThan(5);

    // Without the box ticked nothing happens.
    const before = await stack.items();
    const unticked = await fetch(eraseUrl, { method: 'POST', headers: json, body: '{}' });
    expect(unticked.status).toBe(400);
    expect(await unticked.json()).toMatchObject({ error: { code: 'erase_not_confirmed' } });
    expect(await stack.items()).toEqual(before);

    const erased = await postForm(eraseUrl, { confirm: 'yes' });
    expect(erased.status).toBe(303);
    expect(erased.headers.get('location')).toBe('/erased');
    expect(await (await fetch(new URL('/erased', stack.apiUrl))).text()).toContain('Your data is erased');

    // What is left of the subscriber: retired topics as id-only markers with a TTL, so warm matchers drop
    // them; no address, query, ledger or send log.
    const left = await partition();
    expect(
      left.every((i) => i.entity === 'topic' && i.query === undefined && typeof i.expiresAt === 'number'),
    ).toBe(true);
    expect(JSON.stringify(left)).not.toContain(email);
    expect((await stack.items()).some((i) => String(i.pk).startsWith('EMAIL#erase'))).toBe(false);
    const suppressed = (await stack.items()).filter((i) => String(i.pk).startsWith('SUPPRESS#'));
    expect(suppressed.some((i) => i.reason === 'erased')).toBe(true);
    expect(JSON.stringify(suppressed)).not.toContain(email);

    // The old links are dead, a new subscription for the address sends nothing, and a new article
    // matching the old topic reaches no one.
    const dead = await fetch(preferencesUrl, { headers: { accept: 'text/html' } });
    expect(dead.status).toBe(400);
    const again = await fetch(`${stack.apiUrl}/subscriptions`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, topics: ['quoll'] }),
    });
    expect(again.status).toBe(202);
    await publish('Quoll again', 'Another quoll was spotted.');
    expect(await mailFor(stack.outboxDir, email)).toHaveLength(2);
    expect((await stack.items()).some((i) => String(i.pk).startsWith('EMAIL#erase'))).toBe(false);
  });
});
