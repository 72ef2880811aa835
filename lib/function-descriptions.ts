import type { FunctionName } from './manifest';

/**
 * Each function's one line, as the Lambda console shows it. Apart from the manifest because every function
 * bundles the manifest (for its own table access) and none needs these at run time: only the stack reads
 * them, and in the manifest they cost each bundle about a kilobyte.
 */
export const functionDescriptions: Readonly<Record<FunctionName, string>> = {
  ingest: 'Stores incoming articles once (POST /articles).',
  feeds: 'Registers, lists and resumes feed subscriptions (POST /feeds, GET /feeds), behind the ingest key.',
  poll: 'Polls the active feeds (conditional GET) and stores their new items; pauses a feed after 5 failures.',
  pages:
    'Serves the subscribe, confirm and unsubscribe pages and their results, the article archive, topic previews and 404/405 answers.',
  subscriptions:
    'Subscribes (queueing the confirmation email), confirms and unsubscribes (state-changing POSTs).',
  preferences: 'The preference centre and mute links, each behind a signed link from an email.',
  privacy:
    'Exports or erases everything stored about a subscriber, behind their preference link (GDPR art. 15, 17, 20).',
  health: 'Answers 200 once the table and the mail service are reachable.',
  match: 'Matches each new article against every active topic and queues its recipients in chunks of 500.',
  fanout:
    "Queues the alerts and holds the digest matches of one chunk of an article's recipients, each once.",
  send: 'Renders and sends each queued delivery (confirmation, alert, digest) through SES, once.',
  sweep: 'Re-queues stale send claims and due retries.',
  snapshot: 'Writes a fresh snapshot of the active topics, which cold matchers read instead of the index.',
  digest: 'Queues a digest for every subscriber whose local digest time has come.',
  feedback: 'Suppresses or unsubscribes the addresses SES reports bouncing or complaining.',
  reputation: 'Pauses digests when a bounce or complaint rate alarm fires; an operator resumes them.',
};
