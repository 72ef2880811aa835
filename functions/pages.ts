import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { previewTopic, showArchive, showArticle, showSubscription, verifyToken } from '../lib/compose/pages';
import { withHttpBoundary } from '../lib/http/boundary';
import { queryParam, wantsHtml } from '../lib/http/request';
import { favicon, json, page } from '../lib/http/response';
import { refuseUnmatched } from '../lib/http/routes';
import { archivePage } from '../lib/pages/archive-page';
import { articlePage } from '../lib/pages/article-page';
import { previewPage } from '../lib/pages/preview-page';
import { checkEmailPage, subscribePage } from '../lib/pages/subscribe-page';
import { confirmedPage, confirmPage, unsubscribePage, unsubscribeResultPage } from '../lib/pages/token-pages';
import type { TopicPreview } from '../lib/use-cases/preview-topic';

const previewJson = (preview: TopicPreview) => ({
  topic: preview.topic,
  searched: preview.searched,
  matches: preview.matches.map(({ article, terms }) => ({ id: article.id, title: article.title, terms })),
});

/**
 * GET pages (and the topic preview, as JSON for API clients), and the answer to requests no route matches.
 * Token pages check the link is genuine but change nothing: only their form's POST does, which then
 * redirects to a result page here.
 */
export const pages = async (event: APIGatewayProxyEventV2) => {
  const token = queryParam(event, 'token');
  switch (event.routeKey) {
    case 'GET /':
      return page(200, subscribePage());
    case 'GET /check-inbox':
      return page(200, checkEmailPage());
    case 'GET /confirm':
      return page(200, confirmPage(await (await showSubscription())(token, 'confirm'), token ?? ''));
    case 'GET /confirmed':
      return page(200, confirmedPage(await (await showSubscription())(token, 'confirm'), token ?? ''));
    case 'GET /unsubscribe':
      (await verifyToken()).verify(token, 'unsubscribe', new Date());
      return page(200, unsubscribePage(token ?? ''));
    case 'GET /unsubscribed': {
      const view = await (await showSubscription())(token, 'unsubscribe');
      return page(200, unsubscribeResultPage(view, token ?? ''));
    }
    case 'GET /preview': {
      const preview = await previewTopic()(queryParam(event, 'topic') ?? '');
      if (!wantsHtml(event)) return json(200, previewJson(preview));
      return page(200, previewPage(preview));
    }
    case 'GET /articles/{id}': {
      return page(200, articlePage(await showArticle()(event.pathParameters?.id ?? '')));
    }
    case 'GET /archive':
      return page(200, archivePage(await showArchive()(queryParam(event, 'day'))));
    case 'GET /favicon.ico':
      return favicon();
    default:
      // The `$default` route: no route matched, so this answers 404 or 405 from the manifest's routes.
      return refuseUnmatched(event);
  }
};

export const handler = withHttpBoundary(pages);
