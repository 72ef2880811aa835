import fc from 'fast-check';
import { deepJson, hostileComponent, hostileField, hostileText, hugeBody, nasty } from '../inputs';
import { asBrowser, authed, type EntryPoint, json, post } from './request-parts';

export const feeds: EntryPoint = (context) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            url: fc.oneof(
              nasty,
              fc.webUrl(),
              hostileField,
              hostileText.map((t) => `http://example.com/${t}`),
            ),
            sourceName: hostileField,
            timezone: hostileField,
          },
          { requiredKeys: [] },
        )
        .map((fields) =>
          post('/feeds', 'application/json', json(fields), 'hostile feed registration', [authed(context)]),
        ),
    },
    hostileComponent.map((id) => ({
      method: 'POST',
      target: `/feeds/${id.replace(/\//g, '%2F') || 'x'}/resume`,
      headers: [authed(context)],
      label: 'hostile feed id',
    })),
    fc.constant({ method: 'GET', target: '/feeds', headers: [authed(context)], label: 'list' }),
    hostileText.map((key) => ({
      method: 'GET',
      target: '/feeds',
      headers: [['Authorization', `Bearer ${key.replace(/[\r\n]/g, '')}`] as [string, string]],
      label: 'hostile key',
    })),
    deepJson.map((text) => post('/feeds', 'application/json', text, 'deeply nested JSON', [authed(context)])),
    hugeBody.map((body) =>
      post('/feeds', 'application/json', body, `body of ${body.length} bytes`, [authed(context)]),
    ),
  );

/** The public pages: article ids, archive days, preview topics, all hostile, over 2 KB included. */
export const pages: EntryPoint = () =>
  fc.oneof(
    fc
      .oneof(
        hostileComponent,
        fc.integer({ min: 2000, max: 9000 }).map((n) => 'a'.repeat(n)),
        fc.integer({ min: 65, max: 5000 }).map((n) => 'f'.repeat(n)),
        fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2fetc%2fpasswd', 'ABCDEF', '0'),
      )
      .map((id) => ({
        method: 'GET',
        target: `/articles/${id.replace(/\//g, '%2F') || 'x'}`,
        label: 'article id',
      })),
    hostileComponent.map((day) => ({ method: 'GET', target: `/archive?day=${day}`, label: 'archive day' })),
    fc.tuple(hostileComponent, fc.boolean()).map(([topic, browser]) => ({
      method: 'GET',
      target: `/preview?topic=${topic}`,
      headers: browser ? [asBrowser] : [],
      label: 'preview topic',
    })),
    fc
      .tuple(
        fc.constantFrom('/', '/check-inbox', '/erased', '/health', '/favicon.ico', '/archive', '/preview'),
        hostileComponent,
      )
      .map(([path, value]) => ({
        method: 'GET',
        target: `${path}?${value}=${value}`,
        headers: [asBrowser],
        label: 'hostile query',
      })),
  );
