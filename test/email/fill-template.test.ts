import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../lib/email/escape-html';
import { fillTemplate } from '../../lib/email/fill-template';
import { alertView, digestView } from '../../lib/email/render';
import { sampleAlert, sampleDigest } from '../../lib/email/samples';
import { alertEmail, digestEmail } from '../../templates/dist/compiled';

const mustache = (template: string, view: object, encode: (v: unknown) => string) =>
  Mustache.render(template, view, undefined, { escape: encode });

describe('fillTemplate', () => {
  it('fills the real templates exactly as mustache.js does', () => {
    const cases = [
      [alertEmail.en?.email, alertView(sampleAlert, sampleAlert)],
      [digestEmail.en?.email, digestView(sampleDigest)],
      [
        digestEmail.en?.email,
        digestView({ ...sampleDigest, remaining: 0, items: sampleDigest.items.slice(0, 1) }),
      ],
    ] as const;
    for (const [email, view] of cases) {
      if (!email) throw new Error('no compiled email');
      for (const template of [email.html, email.text, email.subject]) {
        expect(fillTemplate(template, view, escapeHtml)).toBe(mustache(template, view, escapeHtml));
        expect(fillTemplate(template, view, String)).toBe(mustache(template, view, String));
      }
    }
  });

  it('follows mustache.js lookups: inner contexts first, a present undefined stops the search', () => {
    const template =
      '{{#items}}[{{name}}|{{title}}]{{/items}}{{^none}}none{{/none}}{{#flag}}{{name}}{{/flag}}';
    const view = {
      name: 'outer',
      title: 'T',
      flag: 'yes',
      none: [],
      items: [{ name: 'a' }, { name: 'b', title: undefined }],
    };
    expect(fillTemplate(template, view, String)).toBe(mustache(template, view, String));
    expect(fillTemplate(template, view, String)).toBe('[a|T][b|]noneouter');
  });
});
