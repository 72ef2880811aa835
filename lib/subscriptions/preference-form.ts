import { ValidationError } from '../errors';
import { type DigestSettings, FREQUENCIES, type Frequency, type Topic, type TopicChoice } from './model';
import { checkQuery, readDigestSettings } from './subscription-request';
import { sameQuery } from './topic-set';

/** What one post of the preference centre asks for, once its fields are valid. */
export type PreferenceChange =
  | {
      readonly kind: 'topics';
      readonly add: readonly TopicChoice[];
      /** Topic ids to take out of matching (removed, or replaced by an edited query or frequency). */
      readonly retire: readonly string[];
      /** The change in words, for the consent ledger. */
      readonly detail: string;
    }
  | { readonly kind: 'settings'; readonly settings: Required<DigestSettings> }
  | { readonly kind: 'pause'; readonly days: number }
  | { readonly kind: 'resume' }
  | { readonly kind: 'revoke' };

/** Errors by form field name, shown next to the field with everything the person typed kept. */
export type FieldErrors = Readonly<Record<string, string>>;

export type PreferenceFormResult =
  | { readonly ok: true; readonly change: PreferenceChange }
  | { readonly ok: false; readonly errors: FieldErrors };

/** How long mail can be paused for, in days: the choices the page offers. */
export const PAUSE_DAYS = [1, 3, 7, 14, 30, 90] as const;

/** Field names of the topic rows: one row per active topic and one for a new topic. */
export const topicField = {
  query: (id: string) => `query.${id}`,
  frequency: (id: string) => `frequency.${id}`,
  remove: (id: string) => `remove.${id}`,
  newId: 'new',
} as const;

/** A field's text; a repeated field (not something this form sends) counts as empty. */
const text = (value: unknown) => (typeof value === 'string' ? value : '');

function readFrequency(value: unknown): Frequency | undefined {
  return (FREQUENCIES as readonly unknown[]).includes(value) ? (value as Frequency) : undefined;
}

function reason(error: unknown): string {
  if (error instanceof ValidationError) return error.message;
  throw error;
}

function readTopicEdits(
  fields: Readonly<Record<string, unknown>>,
  active: readonly Topic[],
  maxTopics: number,
): PreferenceFormResult {
  const errors: Record<string, string> = {};
  const add: TopicChoice[] = [];
  const retire: string[] = [];
  const kept = new Map<string, string>(); // query → field that holds it, for "you already have this"
  const words: string[] = [];
  const claim = (query: string, field: string) => {
    const key = sameQuery(query);
    if (kept.has(key)) errors[field] = 'You already have this topic.';
    kept.set(key, field);
  };
  const rows = [...active.map((topic) => topic.id), topicField.newId];
  for (const id of rows) {
    const topic = active.find((candidate) => candidate.id === id);
    const queryField = topicField.query(id);
    const rawQuery = text(fields[queryField]).trim();
    if (topic && fields[topicField.remove(id)] !== undefined) {
      retire.push(topic.id);
      words.push(`removed: ${topic.query}`);
      continue;
    }
    if (!topic && rawQuery === '') continue;
    // A row the post leaves out (an API client sending only what changes) stays as it is.
    if (topic && fields[queryField] === undefined && fields[topicField.frequency(id)] === undefined) {
      claim(topic.query, queryField);
      continue;
    }
    if (topic && rawQuery === '') {
      errors[queryField] = 'Write a query, or tick "Remove" to drop this topic.';
      continue;
    }
    let query: string;
    try {
      query = checkQuery(rawQuery);
    } catch (error) {
      errors[queryField] = reason(error);
      continue;
    }
    claim(query, queryField);
    const frequency = readFrequency(fields[topicField.frequency(id)] ?? topic?.frequency ?? 'instant');
    if (!frequency) {
      errors[topicField.frequency(id)] = `Choose one of: ${FREQUENCIES.join(', ')}.`;
      continue;
    }
    if (topic && sameQuery(topic.query) === sameQuery(query) && topic.frequency === frequency) continue;
    // An edited topic is a new topic: matchers learn of it, and of the old one's retirement, as changes.
    if (topic) {
      retire.push(topic.id);
      words.push(`changed: ${topic.query} (${topic.frequency}) → ${query} (${frequency})`);
    } else {
      words.push(`added: ${query} (${frequency})`);
    }
    add.push({ query, frequency });
  }
  const total = active.length - retire.length + add.length;
  if (total > maxTopics && !errors[topicField.query(topicField.newId)]) {
    errors[topicField.query(topicField.newId)] =
      `You can have at most ${maxTopics} topics; remove one to add another.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, change: { kind: 'topics', add, retire, detail: words.join('; ') || 'no change' } };
}

const SETTINGS_FIELDS = {
  invalid_timezone: 'timezone',
  invalid_digest_hour: 'digestHour',
  invalid_digest_weekday: 'digestWeekday',
} as const;

/**
 * Reads one post of the preference centre against the subscriber's active topics. Nothing is written unless
 * the whole post is valid; otherwise every field at fault gets its own message.
 */
export function readPreferenceForm(
  fields: Readonly<Record<string, unknown>>,
  active: readonly Topic[],
  limits: { readonly maxTopics: number },
): PreferenceFormResult {
  switch (fields.action) {
    case 'topics':
      return readTopicEdits(fields, active, limits.maxTopics);
    case 'settings':
      try {
        return { ok: true, change: { kind: 'settings', settings: readDigestSettings(fields) } };
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const field = SETTINGS_FIELDS[error.code as keyof typeof SETTINGS_FIELDS] ?? 'timezone';
        return { ok: false, errors: { [field]: error.message } };
      }
    case 'pause': {
      const days = Number(fields.days);
      if (!(PAUSE_DAYS as readonly number[]).includes(days)) {
        return { ok: false, errors: { days: `Choose how long to pause: ${PAUSE_DAYS.join(', ')} days.` } };
      }
      return { ok: true, change: { kind: 'pause', days } };
    }
    case 'resume':
      return { ok: true, change: { kind: 'resume' } };
    case 'revoke':
      return { ok: true, change: { kind: 'revoke' } };
    default:
      throw new ValidationError(
        'invalid_action',
        '"action" must be one of: topics, settings, pause, resume, revoke.',
      );
  }
}
