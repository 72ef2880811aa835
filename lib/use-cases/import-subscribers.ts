import type { ActiveImport, AddressHolder, BulkSubscriberStore, Clock, DeliveryStore, Ids } from '../ports';
import type { ConsentContext, Subscriber, SubscriberStatus } from '../subscriptions/model';
import type { ImportEntry } from '../subscriptions/subscriber-csv';
import type { SubscriptionRequest } from '../subscriptions/subscription-request';

export type ImportOutcome =
  /** A new subscriber: active at once (consented), or pending with `confirmationQueued`. */
  | { readonly kind: 'imported'; readonly confirmationQueued: boolean }
  /** The address already has a subscriber (of this status, when known), left as it is. */
  | { readonly kind: 'present'; readonly status?: SubscriberStatus }
  /** Not imported, for a reason the report gives. */
  | { readonly kind: 'refused'; readonly reason: string };

export interface ImportOptions {
  /** The addresses' owners agreed elsewhere: they become active at once, with no confirmation email. */
  readonly consented: boolean;
  /** Named in each consented subscriber's ledger line: where the consent was recorded. */
  readonly fileName: string;
  /** Called once per entry as soon as its outcome is known, in no set order. */
  readonly onOutcome: (entry: ImportEntry, outcome: ImportOutcome) => void;
}

/** Addresses per lookup (one BatchGetItem) and per claim transaction (DynamoDB's limit is 100 items). */
const CHUNK = 100;
/**
 * Consented chunks written at once, each with its own batches in flight: while one waits for its lookup or
 * its claim transaction, the others keep the table busy. On DynamoDB Local 4 gave about 40 % more rows a
 * second than 1, and 20 % more than 2.
 */
const CHUNKS_IN_FLIGHT = 4;
/** Addresses subscribed at once without --consented: each is a handful of small requests. */
const SUBSCRIBES_IN_FLIGHT = 16;

/**
 * 1. look up a chunk of addresses at once; an address with a subscriber is left as it is (never made
 *    pending again, never mailed again), and one that unsubscribed or was suppressed is refused
 * 2. consented: create the chunk's new addresses active, with their topics in the match index and an
 *    'import' line in each ledger; warm matchers find the topics in the match index on their next look.
 *    How, and why, is `createActive`'s concern: one conditional transaction claims the chunk's
 *    addresses, batches write the rest
 * 3. not consented: subscribe each new address through `subscribeToTopics`, the path the subscribe form
 *    takes: pending, one confirmation email queued, ledger source 'import'
 * Re-running the same file finds every address it already imported in step 1, so nothing is made twice;
 * an address whose import a crash cut short (its claim made, its profile not) is finished.
 */
export function makeImportSubscribers(deps: {
  subscribers: BulkSubscriberStore;
  deliveries: Pick<DeliveryStore, 'history'>;
  subscribeToTopics: (request: SubscriptionRequest, consent: ConsentContext) => Promise<boolean>;
  clock: Clock;
  ids: Ids;
}) {
  const consent: ConsentContext = { source: 'import' };

  const refusal = (subscriber: Subscriber): ImportOutcome | undefined => {
    if (subscriber.status === 'unsubscribed') {
      const when = subscriber.unsubscribedAt ? ` on ${subscriber.unsubscribedAt.slice(0, 10)}` : '';
      return {
        kind: 'refused',
        reason: `The address unsubscribed${when}; an import never subscribes it again.`,
      };
    }
    if (subscriber.status === 'suppressed') {
      return {
        kind: 'refused',
        reason: 'The address is suppressed (it bounced or complained); an import never subscribes it again.',
      };
    }
    return undefined;
  };

  const unreadable: ImportOutcome = {
    kind: 'refused',
    reason: 'The address is claimed by a subscriber whose profile cannot be read; nothing was changed.',
  };

  async function importConsented(
    chunk: readonly ImportEntry[],
    holders: ReadonlyMap<string, AddressHolder>,
    options: ImportOptions,
  ): Promise<void> {
    const now = deps.clock.now().toISOString();
    const creating: { entry: ImportEntry; create: ActiveImport }[] = [];
    for (const entry of chunk) {
      const { request } = entry;
      const holder = holders.get(request.email);
      if (holder?.kind === 'subscriber') {
        const outcome = refusal(holder.subscriber) ?? { kind: 'present', status: holder.subscriber.status };
        options.onOutcome(entry, outcome);
        continue;
      }
      if (holder && holder.claimedAt === undefined) {
        options.onOutcome(entry, unreadable);
        continue;
      }
      const subscriber: Subscriber = {
        id: holder?.subscriberId ?? deps.ids.newId(),
        email: request.email,
        status: 'active',
        timezone: request.timezone,
        digestHour: request.digestHour,
        digestWeekday: request.digestWeekday,
        createdAt: holder?.claimedAt ?? now,
      };
      const detail = `imported as consented from ${options.fileName}: ${request.topics.map((t) => t.query).join('; ')}`;
      creating.push({
        entry,
        create: { subscriber, topics: request.topics, detail, claimed: holder !== undefined },
      });
    }
    if (creating.length === 0) return;
    const created = await deps.subscribers.createActive(
      creating.map(({ create }) => create),
      deps.clock.now(),
      consent,
    );
    for (const { entry } of creating) {
      // Not created: someone (a subscribe request, another import) claimed the address since the lookup.
      options.onOutcome(
        entry,
        created.has(entry.request.email)
          ? { kind: 'imported', confirmationQueued: false }
          : { kind: 'present' },
      );
    }
  }

  /** A pending subscriber whose confirmation was never queued: a run died between creating and mailing it. */
  const unconfirmedWithoutMail = async (subscriber: Subscriber) =>
    subscriber.status === 'pending' &&
    !(await deps.deliveries.history(subscriber.id)).some((delivery) => delivery.kind === 'confirm');

  async function subscribeOne(entry: ImportEntry, holder: AddressHolder | undefined): Promise<ImportOutcome> {
    if (holder?.kind === 'unfinished-import') {
      return holder.claimedAt === undefined
        ? unreadable
        : {
            kind: 'refused',
            reason:
              'An earlier --consented import of this address stopped part-way: run that import again to finish it.',
          };
    }
    if (holder) {
      const refused = refusal(holder.subscriber);
      if (refused) return refused;
      if (!(await unconfirmedWithoutMail(holder.subscriber))) {
        return { kind: 'present', status: holder.subscriber.status };
      }
    }
    const queued = await deps.subscribeToTopics(entry.request, consent);
    if (!queued && holder) {
      return {
        kind: 'refused',
        reason:
          'An earlier run stopped before queueing this address its confirmation email, and an address gets one at most every 10 minutes: run the import again later.',
      };
    }
    return { kind: 'imported', confirmationQueued: queued };
  }

  return async function importSubscribers(
    entries: readonly ImportEntry[],
    options: ImportOptions,
  ): Promise<void> {
    const chunks: ImportEntry[][] = [];
    for (let i = 0; i < entries.length; i += CHUNK) chunks.push(entries.slice(i, i + CHUNK));
    await inParallel(chunks, options.consented ? CHUNKS_IN_FLIGHT : 1, async (chunk) => {
      const holders = await deps.subscribers.findHolders(
        chunk.map((entry) => entry.request.email),
        deps.clock.now(),
      );
      if (options.consented) return importConsented(chunk, holders, options);
      await inParallel(chunk, SUBSCRIBES_IN_FLIGHT, async (entry) => {
        options.onOutcome(entry, await subscribeOne(entry, holders.get(entry.request.email)));
      });
    });
  };
}

/** Runs `work` over `items`, at most `limit` at once; the first failure is thrown once the others settle. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
