import { InvalidTokenError } from '../errors';
import type { Clock, Ids, SubscriberStore } from '../ports';
import type { ConsentContext, Subscriber, Topic } from '../subscriptions/model';
import { type FieldErrors, readPreferenceForm } from '../subscriptions/preference-form';
import type { TokenPurpose, Tokens } from '../subscriptions/tokens';
import { makeLinkOwner } from './link-owner';
import type { TopicsPreview } from './preview-topics';

export interface PreferencesView {
  readonly subscriber: Subscriber;
  /** The active topics, oldest first. */
  readonly topics: readonly Topic[];
  readonly preview: TopicsPreview;
}

export type PreferencesOutcome =
  | { readonly ok: true; readonly subscriber: Subscriber; readonly done: string }
  | { readonly ok: false; readonly view: PreferencesView; readonly errors: FieldErrors };

/**
 * The preference centre and mute links, for a subscriber who proves who they are with a link from one of
 * their emails:
 * 1. verify the link (signature, purpose, expiry, and that the subscriber has not revoked it)
 * 2. show the active topics with what each matched recently, or apply one change the form posted
 * 3. every change writes its consent line with the change (see the store); an invalid post writes nothing
 */
export function makeManagePreferences(deps: {
  subscribers: SubscriberStore;
  tokens: Tokens;
  clock: Clock;
  ids: Ids;
  previewTopics: (topics: readonly Topic[]) => Promise<TopicsPreview>;
  maxTopics: number;
}) {
  const linkOwner = makeLinkOwner(deps);
  const authenticate = (token: unknown, purpose: TokenPurpose, active = true) =>
    linkOwner(token, purpose, { active });

  const activeTopics = async (subscriberId: string) =>
    (await deps.subscribers.listTopics(subscriberId))
      .filter((topic) => topic.status === 'active')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

  async function view(subscriber: Subscriber): Promise<PreferencesView> {
    const topics = await activeTopics(subscriber.id);
    return { subscriber, topics, preview: await deps.previewTopics(topics) };
  }

  async function muteTarget(token: unknown) {
    const { claims, subscriber, now } = await authenticate(token, 'mute');
    const topic = (await activeTopics(subscriber.id)).find((candidate) => candidate.id === claims.topicId);
    return { subscriber, topic, now };
  }

  return {
    /**
     * The page behind a preference link. Someone no longer subscribed sees no topics (there is nothing to
     * manage) but can still export or erase their data.
     */
    async show(token: unknown): Promise<PreferencesView> {
      const { subscriber } = await authenticate(token, 'preferences', false);
      if (subscriber.status !== 'active')
        return { subscriber, topics: [], preview: { searched: 0, matches: new Map() } };
      return view(subscriber);
    },

    async apply(
      token: unknown,
      fields: Readonly<Record<string, unknown>>,
      consent: ConsentContext,
    ): Promise<PreferencesOutcome> {
      const { subscriber, now } = await authenticate(token, 'preferences');
      const topics = await activeTopics(subscriber.id);
      const form = readPreferenceForm(fields, topics, { maxTopics: deps.maxTopics });
      if (!form.ok) return { ok: false, view: await view(subscriber), errors: form.errors };
      const { change } = form;
      const id = subscriber.id;
      switch (change.kind) {
        case 'topics': {
          const requestId = deps.ids.newId();
          const add: Topic[] = change.add.map(({ query, frequency }) => ({
            subscriberId: id,
            id: deps.ids.newId(),
            query,
            frequency,
            status: 'active',
            requestId,
            createdAt: now.toISOString(),
          }));
          if (add.length > 0 || change.retire.length > 0) {
            await deps.subscribers.changeTopics(
              id,
              { add, retire: change.retire, detail: change.detail },
              now,
              consent,
            );
          }
          break;
        }
        case 'settings':
          await deps.subscribers.updateSettings(id, change.settings, now, consent);
          break;
        case 'pause':
          await deps.subscribers.pause(id, new Date(now.getTime() + change.days * 86_400_000), now, consent);
          break;
        case 'resume':
          await deps.subscribers.pause(id, undefined, now, consent);
          break;
        case 'revoke':
          await deps.subscribers.revokeLinks(id, now, consent);
          break;
      }
      const updated = await deps.subscribers.get(id);
      if (!updated) throw new InvalidTokenError();
      return { ok: true, subscriber: updated, done: change.kind };
    },

    /** What a mute link would stop; undefined when that topic is already gone. */
    async showMute(token: unknown) {
      const { subscriber, topic } = await muteTarget(token);
      return { subscriber, topic };
    },

    async mute(token: unknown, consent: ConsentContext) {
      const { subscriber, topic, now } = await muteTarget(token);
      // Muting twice, or a topic removed since, leaves the same result: that topic sends nothing.
      if (topic) {
        await deps.subscribers.changeTopics(
          subscriber.id,
          { add: [], retire: [topic.id], detail: `muted: ${topic.query}` },
          now,
          consent,
        );
      }
      return { subscriber, topic };
    },
  };
}

export type ManagePreferences = ReturnType<typeof makeManagePreferences>;
