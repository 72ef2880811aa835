import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ArticleInput, parseJsonArticles, parseWireCopy } from '../lib/articles';
import { ingestArticles, verifyIngestKey } from '../lib/compose/ingest';
import { withHttpBoundary } from '../lib/http/boundary';
import { bearerToken, bodyText, parseJson, requireMediaType } from '../lib/http/request';
import { json } from '../lib/http/response';

function parseArticles(event: APIGatewayProxyEventV2): ArticleInput[] {
  const type = requireMediaType(event, ['text/plain', 'application/json']);
  const text = bodyText(event);
  if (type === 'text/plain') return [parseWireCopy(text)];
  return parseJsonArticles(parseJson(text));
}

/** POST /articles: authenticate, parse wire copy or JSON, store each story once. */
export const ingest = async (event: APIGatewayProxyEventV2) => {
  (await verifyIngestKey())(bearerToken(event));
  const results = await ingestArticles()(parseArticles(event));
  const anyStored = results.some((r) => r.status === 'stored');
  return json(anyStored ? 201 : 200, { articles: results });
};

export const handler = withHttpBoundary(ingest);
