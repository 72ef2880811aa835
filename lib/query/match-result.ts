import type { TextField } from './ast';

export type HitField = TextField | 'lang';

export interface TermHit {
  /** The matched leaf's canonical label, e.g. `iran`, `iran*`, `title:"nuclear deal"`, `lang:en`. */
  readonly term: string;
  readonly field: HitField;
  /** Token positions within the field, ascending; empty for `lang`. */
  readonly positions: readonly number[];
}

/** Why a topic matched: the positive terms of every satisfied alternative of its query, and where they occur. */
export interface TopicMatch {
  readonly topicId: string;
  readonly terms: readonly string[];
  readonly hits: readonly TermHit[];
}

const FIELD_ORDER: Record<HitField, number> = { title: 0, text: 1, source: 2, lang: 3 };

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical form, so two ways of finding the same match produce deep-equal results. */
export function topicMatch(topicId: string, hits: Iterable<TermHit>): TopicMatch {
  const merged = new Map<string, { term: string; field: HitField; positions: Set<number> }>();
  for (const hit of hits) {
    const key = `${hit.field}\n${hit.term}`;
    const entry = merged.get(key) ?? { term: hit.term, field: hit.field, positions: new Set<number>() };
    for (const position of hit.positions) entry.positions.add(position);
    merged.set(key, entry);
  }
  const sorted = [...merged.values()]
    .map(({ term, field, positions }) => ({ term, field, positions: [...positions].sort((a, b) => a - b) }))
    .sort((a, b) => compareStrings(a.term, b.term) || FIELD_ORDER[a.field] - FIELD_ORDER[b.field]);
  return { topicId, terms: [...new Set(sorted.map((hit) => hit.term))], hits: sorted };
}

export function byTopicId(a: TopicMatch, b: TopicMatch): number {
  return compareStrings(a.topicId, b.topicId);
}
