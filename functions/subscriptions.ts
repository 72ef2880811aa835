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
import { TooManyRequestsError, type UserFacingError, ValidationError } from '../lib/errors';
import { withHttpBoundary } from '../lib/http/boundary';
import { isOneClickUnsubscribe, requireOwnOrigin } from '../lib/http/origin';
import {
  clientOf,
  formFields,
  formFieldsToShow,
  mediaType,
  parseFields,
  queryParam,
  wantsHtml,
} from '../lib/http/request';
import { json, page, seeOther } from '../lib/http/response';
import { refuseUnmatched } from '../lib/http/routes';
import { fieldOfError, subscribePage } from '../lib/pages/subscribe-page';
import { unsubscribedPage } from '../lib/pages/token-pages';
import { isHoneypotFilled, parseSubscriptionRequest } from '../lib/subscriptions/subscription-request';

/**
 * The state-changing POSTs: subscribe, confirm, unsubscribe (including RFC 8058 one-click). A browser is
 * answered 303 to a result page, so reloading what it shows never posts again; API clients get JSON.
 */
export const subscriptions = async (event: APIGatewayProxyEventV2) => {
  const html = wantsHtml(event);
  const token = queryParam(event, 'token');
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
      // One answer for every valid request (202, or 303 to the same page): it never says whether the
      // address was known.
      return html ? seeOther('/check-inbox') : json(202, { status: 'pending_confirmation' });
    }
    case 'POST /confirm': {
      const { activatedTopics } = await (await confirmSubscription())(token, {
        source: 'email-link',
        ...client,
      });
      return html
        ? seeOther(`/confirmed?token=${encodeURIComponent(token ?? '')}`)
        : json(200, { status: 'confirmed', activatedTopics });
    }
    case 'POST /unsubscribe': {
      await (await unsubscribe())(token, { source: oneClick ? 'one-click' : 'email-link', ...client });
      // RFC 8058: the mail provider's one-click post is done once it is answered; it follows no redirect.
      if (oneClick) return html ? page(200, unsubscribedPage()) : json(200, { status: 'unsubscribed' });
      return html
        ? seeOther(`/unsubscribed?token=${encodeURIComponent(token ?? '')}`)
        : json(200, { status: 'unsubscribed' });
    }
    default:
      return refuseUnmatched(event);
  }
};

/** A refused subscribe form comes back filled in, the error beside its field (or atop the form for 429). */
const subscribeFormAgain = (error: UserFacingError, event: APIGatewayProxyEventV2) =>
  event.routeKey === 'POST /subscriptions' &&
  (error instanceof ValidationError || error instanceof TooManyRequestsError)
    ? subscribePage({
        values: formFieldsToShow(event),
        error: { message: error.message, field: fieldOfError(error.code) },
      })
    : undefined;

export const handler = withHttpBoundary(subscriptions, { errorPageFor: subscribeFormAgain });
