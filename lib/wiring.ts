import { randomUUID, timingSafeEqual } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoArticleStore } from './adapters/dynamo/article-store';
import { makeDynamoDeliveryStore } from './adapters/dynamo/delivery-store';
import { makeDynamoSubscriberStore } from './adapters/dynamo/subscriber-store';
import { resolveSecret } from './adapters/secrets';
import { withOutbox } from './adapters/ses/local-mailer';
import { makeSesMailer } from './adapters/ses/ses-mailer';
import { type Config, loadConfig, requireSecret } from './config';
import { UnauthorizedError } from './errors';
import { logger } from './log';
import { functions } from './manifest';
import { makeTopicIndexCache } from './matching/topic-index-cache';
import type { Clock, Ids } from './ports';
import { makeTokens } from './subscriptions/tokens';
import { makeCheckHealth } from './use-cases/check-health';
import { makeConfirmSubscription } from './use-cases/confirm-subscription';
import { makeIngestArticles } from './use-cases/ingest-articles';
import { makeLinks } from './use-cases/links';
import { makeMatchArticle } from './use-cases/match-article';
import { makePreviewTopic } from './use-cases/preview-topic';
import { makeQueueDigests } from './use-cases/queue-digests';
import { makeSendDelivery } from './use-cases/send-delivery';
import { makeSubscribeToTopics } from './use-cases/subscribe-to-topics';
import { makeUnsubscribe } from './use-cases/unsubscribe';

/**
 * The composition root: config is read once, SDK clients are built once per cold start (module scope),
 * and each use case is assembled the first time a handler asks for it. Secrets are fetched only by the
 * functions that use them, which are the only ones granted access.
 */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    if (value) return value.v;
    const v = make();
    value = { v };
    // A failed secret fetch must not poison the warm container: the next invocation tries again.
    if (v instanceof Promise)
      v.catch(() => {
        value = undefined;
      });
    return v;
  };
}

const systemClock: Clock = { now: () => new Date() };
const uuidIds: Ids = { newId: () => randomUUID() };

function build(readConfig: () => Config) {
  const config = once(readConfig);
  const stores = once(() => {
    const c = config();
    const credentials = c.dynamodbEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: c.region, endpoint: c.dynamodbEndpoint, credentials }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    return {
      articles: makeDynamoArticleStore(db, c.tableName),
      subscribers: makeDynamoSubscriberStore(db, c.tableName),
      deliveries: makeDynamoDeliveryStore(db, c.tableName),
    };
  });
  const mailer = once(() => {
    const c = config();
    const ses = new SESClient({
      region: c.region,
      endpoint: c.sesEndpoint,
      credentials: c.sesEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
      // Adaptive retry backs off on SES throttling instead of failing half a send.
      retryMode: 'adaptive',
      maxAttempts: 6,
    });
    const ses_ = makeSesMailer(ses, c.sesConfigurationSet);
    return c.outboxDir && c.sesEndpoint ? withOutbox(ses_, c.outboxDir, c.sesEndpoint) : ses_;
  });
  const links = once(async () => {
    const c = config();
    const tokens = makeTokens(await resolveSecret(requireSecret(c.tokenSecret, 'token secret'), c.region));
    return { tokens, links: makeLinks(c.publicUrl, tokens) };
  });

  return {
    config,
    ingestArticles: once(() => makeIngestArticles({ articles: stores().articles, clock: systemClock })),
    verifyIngestKey: once(async () => {
      const expected = Buffer.from(
        await resolveSecret(requireSecret(config().ingestKey, 'ingest key'), config().region),
      );
      return (given: string | undefined) => {
        const actual = Buffer.from(given ?? '');
        if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
          throw new UnauthorizedError();
      };
    }),
    subscribeToTopics: once(async () =>
      makeSubscribeToTopics({
        subscribers: stores().subscribers,
        mailer: mailer(),
        clock: systemClock,
        ids: uuidIds,
        links: (await links()).links,
        mailFrom: config().mailFrom,
      }),
    ),
    confirmSubscription: once(async () =>
      makeConfirmSubscription({
        subscribers: stores().subscribers,
        tokens: (await links()).tokens,
        clock: systemClock,
      }),
    ),
    unsubscribe: once(async () =>
      makeUnsubscribe({
        subscribers: stores().subscribers,
        tokens: (await links()).tokens,
        clock: systemClock,
      }),
    ),
    verifyToken: once(async () => (await links()).tokens),
    matchArticle: once(() =>
      makeMatchArticle({
        deliveries: stores().deliveries,
        currentIndex: makeTopicIndexCache({
          subscribers: stores().subscribers,
          clock: systemClock,
          onInvalid: (topicId, error) =>
            logger.warn('Stored topic no longer parses', { topicId, error: error.message }),
        }),
        clock: systemClock,
      }),
    ),
    sendDelivery: once(async () =>
      makeSendDelivery({
        ...stores(),
        mailer: mailer(),
        clock: systemClock,
        links: (await links()).links,
        mailFrom: config().mailFrom,
        // Twice the send function's timeout: no live invocation can still hold a claim that old.
        claimTimeoutMs: 2 * functions.send.timeoutSeconds * 1000,
      }),
    ),
    queueDigests: once(() => makeQueueDigests({ ...stores(), clock: systemClock })),
    checkHealth: once(() => makeCheckHealth({ articles: stores().articles, mailer: mailer() })),
    previewTopic: once(() => makePreviewTopic({ articles: stores().articles, clock: systemClock })),
    articles: () => stores().articles,
  };
}

export const wiring = build(() => loadConfig());
