import fc from 'fast-check';
import { deepJson, formEncode, hostileField, hostileText, hugeBody, nasty, randomBytes } from '../inputs';
import { forgedToken } from '../tokens';
import { asBrowser, type EntryPoint, json, post } from './request-parts';

const FREQUENCY = fc.oneof(fc.constantFrom('instant', 'daily', 'weekly'), hostileField);
const topic = fc.oneof(
  hostileText,
  fc.record({ query: hostileField, frequency: FREQUENCY }, { requiredKeys: [] }),
  hostileField,
);
const email = fc.oneof(
  nasty.map((n) => (n.includes('@') ? n : `fuzz+${n}@example.com`)),
  fc.emailAddress(),
  hostileField,
);

export const subscribe: EntryPoint = () =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            email,
            topics: fc.oneof(fc.array(topic, { maxLength: 30 }), hostileField),
            frequency: FREQUENCY,
            timezone: hostileField,
            digestHour: hostileField,
            digestWeekday: hostileField,
          },
          { requiredKeys: ['email'] },
        )
        .map((fields) => post('/subscriptions', 'application/json', json(fields), 'hostile JSON fields')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(email, fc.array(hostileText, { maxLength: 5 }), hostileText)
        .map(([address, topics, zone]) =>
          post(
            '/subscriptions',
            'application/x-www-form-urlencoded',
            formEncode({ email: String(address), topics, frequency: 'daily', timezone: zone }),
            'hostile form fields',
            [asBrowser],
          ),
        ),
    },
    // A valid request but for the text of its topics: what gets stored, mailed and shown.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.nat(), fc.array(hostileText, { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([n, topics, quoted]) =>
          post(
            '/subscriptions',
            'application/json',
            json({
              email: `fuzz-${n}@example.com`,
              topics: ['Iran', ...topics.map((t) => (quoted ? `"${t.replace(/"/g, '')}"` : t))],
              frequency: 'instant',
            }),
            'storable hostile topics',
          ),
        ),
    },
    deepJson.map((text) => post('/subscriptions', 'application/json', text, 'deeply nested JSON')),
    randomBytes.map((bytes) =>
      post('/subscriptions', 'application/x-www-form-urlencoded', bytes, 'random bytes'),
    ),
    hugeBody.map((body) => post('/subscriptions', 'application/json', body, `body of ${body.length} bytes`)),
  );

const TOKEN_PATHS = [
  '/confirm',
  '/unsubscribe',
  '/preferences',
  '/mute',
  '/confirmed',
  '/unsubscribed',
  '/preferences/export',
  '/preferences/erase',
];

/** The token routes with forged, replayed and malformed tokens, by GET and POST, as page and as JSON. */
export const tokenRoutes: EntryPoint = (context) =>
  fc
    .tuple(
      fc.constantFrom(...TOKEN_PATHS),
      fc.constantFrom('GET', 'POST', 'HEAD'),
      forgedToken,
      fc.boolean(),
      fc.constantFrom(
        '',
        'List-Unsubscribe=One-Click',
        'confirm=yes',
        'action=revoke',
        'action=pause&days=3',
      ),
      fc.constantFrom('escaped', 'raw', 'twice', 'in body'),
    )
    .map(([path, method, forged, browser, form, placing]) => {
      // These posts may revoke, pause or unsubscribe: only the victim's real links are used, so the
      // keeper's stay good for the preference form.
      const token = context.token(forged.kind === 'valid' ? { ...forged, kind: 'victim' } : forged);
      const escaped = encodeURIComponent(token.replace(/[\ud800-\udfff]/g, '?'));
      const query =
        placing === 'escaped'
          ? `?token=${escaped}`
          : placing === 'raw'
            ? `?token=${token.replace(/[\s#]/g, '')}`
            : placing === 'twice'
              ? `?token=${escaped}&token=${escaped}`
              : '';
      const body = placing === 'in body' ? `${form}&token=${escaped}` : form;
      return {
        method: method === 'GET' || method === 'HEAD' ? method : 'POST',
        target: Buffer.from(`${path}${query}`, 'latin1'),
        headers: [
          ...(method === 'POST'
            ? [['Content-Type', 'application/x-www-form-urlencoded'] as [string, string]]
            : []),
          ...(browser ? [asBrowser] : []),
        ],
        body: method === 'POST' ? body : undefined,
        label: `${forged.kind} token, ${placing}`,
      };
    });

/** The preference centre's form with a token that works and every field hostile. */
export const preferences: EntryPoint = (context) => fc.oneof(preferenceForm(context), storableTopic(context));

/** A new topic whose text is hostile but may be a query: what the preference centre then shows. */
const storableTopic: EntryPoint = (context) =>
  fc.tuple(hostileText, fc.boolean()).map(([text, browser]) => ({
    method: 'POST',
    target: `/preferences?token=${context.token({ kind: 'valid', purpose: 'preferences' })}`,
    headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...(browser ? [asBrowser] : [])] as [
      string,
      string,
    ][],
    body: formEncode({
      action: 'topics',
      'query.new': `"${text.replace(/"/g, '')}"`,
      'frequency.new': 'daily',
    }),
    label: 'storable hostile topic',
  }));

const preferenceForm: EntryPoint = (context) =>
  fc
    .tuple(
      fc.constantFrom('topics', 'settings', 'pause', 'resume', 'revoke-not', ''),
      fc.dictionary(
        fc.oneof(
          fc.constantFrom(
            'query.new',
            'frequency.new',
            'timezone',
            'digestHour',
            'digestWeekday',
            'days',
            'action',
          ),
          fc.string({ maxLength: 8 }).map((id) => `query.${id}`),
          fc.string({ maxLength: 8 }).map((id) => `remove.${id}`),
          hostileText,
        ),
        hostileText,
        { maxKeys: 6 },
      ),
      fc.boolean(),
    )
    .map(([action, fields, browser]) => ({
      method: 'POST',
      target: `/preferences?token=${context.token({ kind: 'valid', purpose: 'preferences' })}`,
      headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...(browser ? [asBrowser] : [])] as [
        string,
        string,
      ][],
      body: formEncode({ action, ...fields }),
      label: `preference form, action ${JSON.stringify(action)}`,
    }));
