import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { links, managePreferences, publicUrl } from '../lib/compose/preferences';
import { withHttpBoundary } from '../lib/http/boundary';
import { requireOwnOrigin } from '../lib/http/origin';
import { clientOf, parseFields, queryParam, wantsHtml } from '../lib/http/request';
import { json, page, seeOther } from '../lib/http/response';
import { refuseUnmatched } from '../lib/http/routes';
import { mutePage, preferencesPage } from '../lib/pages/preferences-page';
import type { Subscriber } from '../lib/subscriptions/model';

/** The preference centre's path with a fresh link of the subscriber's current generation. */
const freshPreferences = async (subscriber: Subscriber, done?: string) => {
  const url = new URL((await links()).preferences(subscriber, new Date()));
  if (done) url.searchParams.set('done', done);
  return `${url.pathname}${url.search}`;
};

const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

/** GET shows, POST changes (only from Tidings' own pages); every route is behind a signed link. */
export const preferences = async (event: APIGatewayProxyEventV2) => {
  const token = queryParam(event, 'token');
  const consent = { source: 'preference-centre' as const, ...clientOf(event) };
  if (event.requestContext.http.method === 'POST') requireOwnOrigin(event, publicUrl());
  const manage = await managePreferences();
  switch (event.routeKey) {
    case 'GET /preferences': {
      const view = await manage.show(token);
      const unsubscribeToken = tokenOf((await links()).unsubscribe(view.subscriber, new Date()));
      const done = queryParam(event, 'done');
      return page(
        200,
        preferencesPage({ view, token: token ?? '', unsubscribeToken, ...(done && { done }) }),
      );
    }
    case 'POST /preferences': {
      const fields = parseFields(event);
      const outcome = await manage.apply(token, fields, consent);
      if (!outcome.ok) {
        if (!wantsHtml(event))
          return json(400, { error: { code: 'invalid_preferences', fields: outcome.errors } });
        const unsubscribeToken = tokenOf((await links()).unsubscribe(outcome.view.subscriber, new Date()));
        const input = { view: outcome.view, token: token ?? '', unsubscribeToken };
        return page(400, preferencesPage({ ...input, errors: outcome.errors, values: fields }));
      }
      const next = await freshPreferences(outcome.subscriber, outcome.done);
      return wantsHtml(event) ? seeOther(next) : json(200, { status: 'saved', change: outcome.done });
    }
    case 'GET /mute': {
      const { subscriber, topic } = await manage.showMute(token);
      return page(200, mutePage(topic, token ?? '', await freshPreferences(subscriber)));
    }
    case 'POST /mute': {
      const { subscriber, topic } = await manage.mute(token, consent);
      const next = await freshPreferences(subscriber, 'muted');
      return wantsHtml(event) ? seeOther(next) : json(200, { status: 'muted', topic: topic?.query ?? null });
    }
    default:
      return refuseUnmatched(event);
  }
};

export const handler = withHttpBoundary(preferences);
