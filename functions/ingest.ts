import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseJsonArticles, parseWireCopy } from '../lib/articles';
import { authorizeIngest, ingestArticles, ingestFeed, parseFeed, parseHtmlPage } from '../lib/compose/ingest';
import { withHttpBoundary } from '../lib/http/boundary';
import { decodeBody } from '../lib/http/decode-body';
import { bodyBytes, header, parseJson, requireMediaType } from '../lib/http/request';
import { json } from '../lib/http/response';

// Generic XML types are taken too: feed software sends them as often as the specific ones. The document's
// root element (<rss> or <feed>), not the header, says which kind of feed it is.
const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/xml', 'text/xml'];
const PAGE_TYPES = ['text/html', 'application/xhtml+xml'];
const ACCEPTED = ['text/plain', 'application/json', ...FEED_TYPES, ...PAGE_TYPES];

async function ingestBody(event: APIGatewayProxyEventV2) {
  const type = requireMediaType(event, ACCEPTED);
  const text = decodeBody(bodyBytes(event), header(event, 'content-type'));
  if (FEED_TYPES.includes(type)) return ingestFeed()(await parseFeed(text));
  if (PAGE_TYPES.includes(type)) return ingestArticles()([await parseHtmlPage(text)]);
  return ingestArticles()(type === 'text/plain' ? [parseWireCopy(text)] : parseJsonArticles(parseJson(text)));
}

/** POST /articles: authenticate, parse wire copy, JSON, a feed or a web page, store each story once. */
export const ingest = async (event: APIGatewayProxyEventV2) => {
  (await authorizeIngest())(event);
  const results = await ingestBody(event);
  const anyStored = results.some((r) => r.status === 'stored');
  return json(anyStored ? 201 : 200, { articles: results });
};

export const handler = withHttpBoundary(ingest);
