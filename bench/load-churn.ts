import { simpleParser } from 'mailparser';
import { makeTokens } from '../lib/subscriptions/tokens';
import { makeLinks } from '../lib/use-cases/links';
import { shuffled } from './corpus';
import { NOBODY, stateOf, type TrackedSubscriber } from './load-expectations';
import type { watchOutbox } from './load-outbox';

/** Of the readers who subscribe during the run, this many follow the confirmation link; the rest never do. */
const CONFIRMING_SHARE = 0.8;
const SUBSCRIBE_ATTEMPTS = 3;

/**
 * The subscriber changes of a load run, each a request as a reader makes it: `each` one-click unsubscribes,
 * `each` topic changes through the preference form, and `each` new readers who subscribe (most confirming
 * from the email). Every change records when it started and ended and the state it left, for the check.
 */
export function planChurn(deps: {
  readonly apiUrl: string;
  readonly tokenSecret: string;
  readonly queries: readonly string[];
  readonly tracked: ReadonlyMap<string, TrackedSubscriber & { topicIds: Map<number, string> }>;
  readonly outbox: ReturnType<typeof watchOutbox>;
  readonly random: () => number;
  readonly each: number;
}) {
  const { apiUrl, queries, random } = deps;
  const imports = shuffled([...deps.tracked.values()], random);
  const leaving = imports.slice(0, deps.each);
  const changing = imports.slice(deps.each, 2 * deps.each);
  const joining = Array.from({ length: deps.each }, (_, i) => ({
    email: `joiner-${i}@example.com`,
    queries: [Math.floor(random() * queries.length), Math.floor(random() * queries.length)].filter(
      (q, j, all) => all.indexOf(q) === j,
    ),
    confirms: random() < CONFIRMING_SHARE,
  }));
  const links = makeLinks(apiUrl, makeTokens(deps.tokenSecret));
  const failures: string[] = [];
  const joined: (TrackedSubscriber & { confirms: boolean })[] = [];
  let retriedSubscribes = 0;

  const unsubscribe = async (subscriber: TrackedSubscriber) => {
    const start = Date.now();
    const url = new URL(links.unsubscribe({ id: subscriber.id }, new Date()));
    const response = await fetch(`${apiUrl}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    if (response.status !== 200) throw new Error(`one-click unsubscribe answered ${response.status}`);
    subscriber.changes.push({ start, end: Date.now(), after: NOBODY });
  };
  const changeTopics = async (subscriber: TrackedSubscriber & { topicIds: Map<number, string> }) => {
    const start = Date.now();
    const [dropped] = subscriber.topicIds;
    if (!dropped) return;
    const kept = [...subscriber.topicIds.keys()].filter((q) => q !== dropped[0]);
    let added = Math.floor(random() * queries.length);
    while (subscriber.topicIds.has(added)) added = (added + 1) % queries.length;
    const url = new URL(links.preferences({ id: subscriber.id }, new Date()));
    const response = await fetch(`${apiUrl}${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        action: 'topics',
        [`remove.${dropped[1]}`]: 'on',
        'query.new': queries[added] ?? '',
        'frequency.new': 'instant',
      }).toString(),
    });
    if (response.status !== 200)
      throw new Error(`the preference change answered ${response.status}: ${await response.text()}`);
    const frequency = subscriber.initial.instant.size > 0 ? 'instant' : 'daily';
    const topics = [...kept.map((query) => ({ query, frequency })), { query: added, frequency: 'instant' }];
    subscriber.changes.push({ start, end: Date.now(), after: stateOf(true, topics) });
  };
  const subscribe = async (joiner: (typeof joining)[number]) => {
    const start = Date.now();
    // A reader whose request timed out (503) sends it again, as the form would have them do.
    let status = 0;
    for (let attempt = 0; attempt < SUBSCRIBE_ATTEMPTS && status !== 202; attempt++) {
      const response = await fetch(`${apiUrl}/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: joiner.email,
          topics: joiner.queries.map((q) => queries[q]),
          frequency: 'instant',
        }),
      });
      status = response.status;
      await response.arrayBuffer();
      if (status === 503) retriedSubscribes++;
    }
    if (status !== 202) throw new Error(`subscribe answered ${status}`);
    const subscriber: TrackedSubscriber & { confirms: boolean } = {
      id: '',
      email: joiner.email,
      initial: NOBODY,
      changes: [],
      confirms: joiner.confirms,
    };
    joined.push(subscriber);
    const confirmation = await deps.outbox.waitFor(joiner.email, 'confirm');
    if (!joiner.confirms) return;
    const mail = await simpleParser(await deps.outbox.body(confirmation));
    const link = /https?:\/\/[^\s<>"]+\/confirm\?token=[\w.-]+/.exec(mail.text ?? '')?.[0];
    if (!link) throw new Error(`no confirmation link for ${joiner.email}`);
    const confirmed = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status}`);
    subscriber.changes.push({
      start,
      end: Date.now(),
      after: stateOf(
        true,
        joiner.queries.map((query) => ({ query, frequency: 'instant' })),
      ),
    });
  };
  const operations = shuffled(
    [
      ...leaving.map((s) => () => unsubscribe(s)),
      ...changing.map((s) => () => changeTopics(s)),
      ...joining.map((j) => () => subscribe(j)),
    ],
    random,
  );

  return {
    operations,
    leaving,
    changing,
    joined,
    failures,
    /** Subscribe requests sent again after a 503 (the function's timeout). */
    retriedSubscribes: () => retriedSubscribes,
  };
}
