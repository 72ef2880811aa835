import { describe, expect, it } from 'vitest';
import { fieldOfError, subscribePage } from '../../lib/pages/subscribe-page';

describe('the subscribe page shown again', () => {
  it('escapes every value the reader typed', () => {
    const page = subscribePage({
      values: {
        email: '"><script>alert(1)</script>',
        topics: ['</textarea><script>alert(2)</script>', 'Gaza & "Rafah"'],
        timezone: '"onfocus="alert(3)',
      },
      error: { message: '<b>bad</b>', field: 'email' },
    }).html;
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('"onfocus="');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toContain(
      '&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;\nGaza &amp; &quot;Rafah&quot;</textarea>',
    );
    expect(page).toContain('&lt;b&gt;bad&lt;/b&gt;');
  });

  it('marks only the field the error is about, and puts an error about no field atop the form', () => {
    const page = subscribePage({ error: { message: 'Bad frequency.', field: 'frequency' } }).html;
    // Counted as attributes, not the style's selector for them.
    expect(page.match(/ aria-invalid="true"/g)).toHaveLength(1);
    expect(page).toContain(
      '<select id="frequency" name="frequency" aria-describedby="frequency-error" aria-invalid="true" autofocus>',
    );
    const general = subscribePage({ error: { message: 'Too many requests.' } }).html;
    expect(general).not.toContain(' aria-invalid');
    expect(general).toMatch(
      /<form method="post" action="\/subscriptions">\s*<p class="error" role="alert">Too many requests\.<\/p>/,
    );
    expect(general).toContain('<title>Error: Subscribe · Tidings</title>');
  });

  it('maps each subscription request error code to its field', () => {
    expect(fieldOfError('invalid_email')).toBe('email');
    expect(fieldOfError('invalid_topics')).toBe('topics');
    expect(fieldOfError('invalid_query')).toBe('topics');
    expect(fieldOfError('invalid_frequency')).toBe('frequency');
    expect(fieldOfError('invalid_timezone')).toBe('timezone');
    expect(fieldOfError('invalid_digest_hour')).toBe('digestHour');
    expect(fieldOfError('invalid_digest_weekday')).toBe('digestWeekday');
    expect(fieldOfError('too_many_requests')).toBeUndefined();
  });

  it('keeps a chosen hour and weekday, and falls back to 07:00 on Mondays for anything else', () => {
    const chosen = subscribePage({ values: { digestHour: '0', digestWeekday: 'sunday' } }).html;
    expect(chosen).toContain('<option value="0" selected>00:00</option>');
    expect(chosen).toContain('<option value="sunday" selected>Sunday</option>');
    expect(chosen).toContain('Daily digests arrive at 00:00 your time; weekly ones on Sundays.');
    const odd = subscribePage({ values: { digestHour: '24', digestWeekday: 'funday' } }).html;
    expect(odd).toContain('<option value="7" selected>07:00</option>');
    expect(odd).toContain('<option value="monday" selected>Monday</option>');
  });
});
