import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authorizeIngest, listFeeds, registerFeed, resumeFeed } from '../lib/compose/feeds';
import { feedView, parseFeedRegistration } from '../lib/feeds/feed';
import { withHttpBoundary } from '../lib/http/boundary';
import { parseFields } from '../lib/http/request';
import { json } from '../lib/http/response';
import { refuseUnmatched } from '../lib/http/routes';

/** The publisher's feed subscriptions, behind the ingest key: register, list, resume a paused one. */
export const feeds = async (event: APIGatewayProxyEventV2) => {
  (await authorizeIngest())(event);
  switch (event.routeKey) {
    case 'POST /feeds': {
      const { feed, created } = await registerFeed()(parseFeedRegistration(parseFields(event)));
      return json(created ? 201 : 200, { feed: feedView(feed) });
    }
    case 'GET /feeds':
      return json(200, { feeds: (await listFeeds()()).map(feedView) });
    case 'POST /feeds/{id}/resume':
      return json(200, { feed: feedView(await resumeFeed()(event.pathParameters?.id)) });
    default:
      return refuseUnmatched(event);
  }
};

export const handler = withHttpBoundary(feeds);
