import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  confirmSubscription,
  limitSubscribes,
  publicUrl,
  rejectDisposableAddress,
  requestLimits,
  subscribeToTopics,
  unsubscribe,
} from '../lib/compose/subscriptions';
import { NotFoundError } from '../lib/errors';
import { withHttpBoundary } from '../lib/http/boundary';
import { isOneClickUnsubscribe, requireOwnOrigin } from '../lib/http/origin';
import { clientOf, formFields, mediaType, parseFields, queryParam, wantsHtml } from '../lib/http/request';
import { json, page } from '../lib/http/response';
import { checkEmailPage } from '../lib/pages/subscribe-page';
import { confirmedPage, unsubscribedPage } from '../lib/pages/token-pages';
import { isHoneypotFilled, parseSubscriptionRequest } from '../lib/subscriptions/subscription-request';

/** The state-changing POSTs: subscribe, confirm, unsubscribe (including RFC 8058 one-click). */
export const subscriptions = async (event: APIGatewayProxyEventV2) => {
  const html = wantsHtml(event);
  // Mail providers' one-click posts come from no page at all; everything else must come from ours.
  const oneClick = event.routeKey === 'POST /unsubscribe' && isOneClickUnsubscribe(formFields(event));
  if (!oneClick) requireOwnOrigin(event, publicUrl());
  const client = clientOf(event);
  switch (event.routeKey) {
    case 'POST /subscriptions': {
      const fields = parseFields(event);
      // A bot that filled the hidden field gets the answer everyone gets, and nothing happens.
      if (!isHoneypotFilled(fields)) {
        const request = parseSubscriptionRequest(fields, requestLimits());
        // Refused before the client's request is counted: bad input writes nothing.
        rejectDisposableAddress(request.email);
        // Counted per client as API Gateway saw it; X-Forwarded-For is whatever the client wrote.
        await limitSubscribes()(event.requestContext.http.sourceIp);
        const source = mediaType(event) === 'application/x-www-form-urlencoded' ? 'form' : 'api';
        await (await subscribeToTopics())(request, { source, ...client });
      }
      // Always 202 for a valid request: the answer never says whether the address was known.
      return html ? page(202, checkEmailPage()) : json(202, { status: 'pending_confirmation' });
    }
    case 'POST /confirm': {
      const { activatedTopics } = await (await confirmSubscription())(queryParam(event, 'token'), {
        source: 'email-link',
        ...client,
      });
      return html
        ? page(200, confirmedPage(activatedTopics))
        : json(200, { status: 'confirmed', activatedTopics });
    }
    case 'POST /unsubscribe': {
      await (await unsubscribe())(queryParam(event, 'token'), {
        source: oneClick ? 'one-click' : 'email-link',
        ...client,
      });
      return html ? page(200, unsubscribedPage()) : json(200, { status: 'unsubscribed' });
    }
    default:
      throw new NotFoundError(`Nothing to post at ${event.rawPath}.`);
  }
};

export const handler = withHttpBoundary(subscriptions);
