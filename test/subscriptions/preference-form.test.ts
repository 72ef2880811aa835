import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import type { Topic } from '../../lib/subscriptions/model';
import { readPreferenceForm } from '../../lib/subscriptions/preference-form';

const topic = (id: string, query: string, frequency: Topic['frequency'] = 'instant'): Topic => ({
  subscriberId: 's',
  id,
  query,
  frequency,
  status: 'active',
  requestId: 'r',
  createdAt: '2026-12-01T00:00:00.000Z',
});
const active = [topic('a', 'Iran AND Iraq'), topic('b', 'Gaza -football', 'daily')];
const limits = { maxTopics: 3 };
/** The topics form as a browser posts it: every row, unchanged unless overridden. */
const posted = (extra: Record<string, string> = {}) => ({
  action: 'topics',
  'query.a': 'Iran AND Iraq',
  'frequency.a': 'instant',
  'query.b': 'Gaza -football',
  'frequency.b': 'daily',
  'query.new': '',
  'frequency.new': 'instant',
  ...extra,
});

describe('the preference centre form', () => {
  it('changes nothing when the rows are posted as they are', () => {
    expect(readPreferenceForm(posted(), active, limits)).toEqual({
      ok: true,
      change: { kind: 'topics', add: [], retire: [], detail: 'no change' },
    });
  });

  it('adds, edits (a new topic replacing the old) and removes, in one post', () => {
    const result = readPreferenceForm(
      posted({
        'frequency.a': 'weekly',
        'remove.b': 'on',
        'query.new': ' quokka ',
        'frequency.new': 'daily',
      }),
      active,
      limits,
    );
    expect(result).toEqual({
      ok: true,
      change: {
        kind: 'topics',
        add: [
          { query: 'Iran AND Iraq', frequency: 'weekly' },
          { query: 'quokka', frequency: 'daily' },
        ],
        retire: ['a', 'b'],
        detail:
          'changed: Iran AND Iraq (instant) → Iran AND Iraq (weekly); removed: Gaza -football; added: quokka (daily)',
      },
    });
  });

  it('puts each error next to its field and asks for nothing to be written', () => {
    const result = readPreferenceForm(
      posted({ 'query.a': 'Iran AND (', 'frequency.b': 'hourly', 'query.new': 'Gaza   -football' }),
      active,
      limits,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['frequency.b', 'query.a', 'query.new']);
    expect(result.errors['query.new']).toBe('You already have this topic.');
    expect(result.errors['frequency.b']).toBe('Choose one of: instant, daily, weekly.');
    expect(result.errors['query.a']).toMatch(/Query ended where a word was expected/);
  });

  it('refuses an emptied row (remove it instead) and a topic past the limit', () => {
    const emptied = readPreferenceForm(posted({ 'query.a': '  ' }), active, limits);
    expect(emptied).toMatchObject({ ok: false, errors: { 'query.a': expect.stringMatching(/Remove/) } });
    const full = [...active, topic('c', 'wombat')];
    expect(
      readPreferenceForm({ ...posted({ 'query.new': 'quokka' }), 'query.c': 'wombat' }, full, limits),
    ).toEqual({
      ok: false,
      errors: { 'query.new': 'You can have at most 3 topics; remove one to add another.' },
    });
    // Removing one makes room in the same post.
    expect(
      readPreferenceForm(
        { ...posted({ 'query.new': 'quokka', 'remove.a': 'on' }), 'query.c': 'wombat' },
        full,
        limits,
      ).ok,
    ).toBe(true);
  });

  it('reads digest settings, pause lengths and the one-button actions', () => {
    expect(
      readPreferenceForm(
        { action: 'settings', timezone: 'Asia/Tokyo', digestHour: '18', digestWeekday: 'friday' },
        active,
        limits,
      ),
    ).toEqual({
      ok: true,
      change: {
        kind: 'settings',
        settings: { timezone: 'Asia/Tokyo', digestHour: 18, digestWeekday: 'friday' },
      },
    });
    expect(
      readPreferenceForm({ action: 'settings', timezone: 'Mars/Olympus' }, active, limits),
    ).toMatchObject({
      ok: false,
      errors: { timezone: expect.stringMatching(/IANA/) },
    });
    expect(readPreferenceForm({ action: 'settings', digestHour: '25' }, active, limits)).toMatchObject({
      ok: false,
      errors: { digestHour: expect.any(String) },
    });
    expect(readPreferenceForm({ action: 'pause', days: '14' }, active, limits)).toEqual({
      ok: true,
      change: { kind: 'pause', days: 14 },
    });
    expect(readPreferenceForm({ action: 'pause', days: '10000' }, active, limits).ok).toBe(false);
    expect(readPreferenceForm({ action: 'revoke' }, active, limits)).toEqual({
      ok: true,
      change: { kind: 'revoke' },
    });
    expect(() => readPreferenceForm({ action: 'drop-table' }, active, limits)).toThrow(ValidationError);
  });
});
