import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { eraseSubscriber, exportSubscriber, linkOwner, publicUrl } from '../lib/compose/privacy';
import { ValidationError } from '../lib/errors';
import { withHttpBoundary } from '../lib/http/boundary';
import { requireOwnOrigin } from '../lib/http/origin';
import { clientOf, parseFields, queryParam, wantsHtml } from '../lib/http/request';
import { json, page, seeOther } from '../lib/http/response';
import { refuseUnmatched } from '../lib/http/routes';
import { erasedPage } from '../lib/pages/erased-page';

/**
 * A subscriber's data rights, behind their preference link and whatever their state (someone who has
 * unsubscribed may still take their data away): the export as a download, and erasure.
 */
export const privacy = async (event: APIGatewayProxyEventV2) => {
  const token = queryParam(event, 'token');
  switch (event.routeKey) {
    case 'GET /preferences/export': {
      const { subscriber, now } = await (await linkOwner())(token, 'preferences', { active: false });
      const response = json(200, await exportSubscriber()(subscriber, now));
      response.headers = {
        ...response.headers,
        'content-disposition': 'attachment; filename="tidings-data.json"',
      };
      return response;
    }
    case 'POST /preferences/erase': {
      requireOwnOrigin(event, publicUrl());
      const fields = parseFields(event);
      const { subscriber } = await (await linkOwner())(token, 'preferences', { active: false });
      // A slip of the mouse must not delete someone's subscription: the form asks to tick a box first.
      if (fields.confirm !== 'yes') {
        throw new ValidationError('erase_not_confirmed', 'Tick "Yes, erase everything" to erase your data.');
      }
      await (await eraseSubscriber())(subscriber, { source: 'preference-centre', ...clientOf(event) });
      return wantsHtml(event) ? seeOther('/erased') : json(200, { status: 'erased' });
    }
    case 'GET /erased':
      return page(200, erasedPage());
    default:
      return refuseUnmatched(event);
  }
};

export const handler = withHttpBoundary(privacy);
