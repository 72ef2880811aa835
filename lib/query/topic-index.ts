import { asTokenizedArticle, type MatchableArticle, type TokenizedArticle } from './article-tokens';
import type { Clause, Leaf, ParsedQuery } from './ast';
import { ClauseArena } from './clause-arena';
import { type ClauseNeeds, clauseNeeds, MIN_STEM_LENGTH, presentWords } from './clause-needs';
import { IndexedLeafHits } from './indexed-leaf-hits';
import { type KeyEntry, KeyVocabulary, NO_LEAF, type PostingList } from './key-vocabulary';
import { byTopicId, type TermHit, type TopicMatch, topicMatch } from './match-result';
import { QueryError } from './query-error';
import { parseQuery } from './query-parser';
import { defaultTermFrequency, type TermFrequency } from './term-frequency';

export interface TopicIndexOptions {
  /**
   * Articles containing a word (an estimate is fine), read once per word: each clause is filed under its
   * rarest word. Defaults to `defaultTermFrequency`.
   */
  readonly termFrequency?: TermFrequency;
}

export interface TopicIndexBuildOptions extends TopicIndexOptions {
  /** Called for each topic whose query is invalid, which is then left out; without it `build` throws. */
  readonly onInvalid?: (topicId: string, error: QueryError) => void;
}

function grown<T extends Uint8Array | Uint32Array>(
  array: T,
  index: number,
  create: (length: number) => T,
): T {
  if (index < array.length) return array;
  const larger = create(Math.max(index + 1, array.length * 2));
  larger.set(array);
  return larger;
}

const NO_CLAUSES: readonly number[] = [];

/**
 * The percolator. Topics are stored as DNF alternatives ("clauses"), each filed under its rarest required
 * word in an inverted index (or under a stem when it needs no exact word), together with the ids of every
 * other word and stem it requires. Matching an article looks up its distinct tokens, skips the clauses filed
 * there that need something the article lacks, and only then locates leaves (phrases, NEAR, scopes,
 * negations) for the rest: about O(article tokens + clauses filed under them), however many topics are
 * stored. Clauses are runs of interned leaf ids in one typed array, so topics sharing a term share one leaf
 * and a million topics make few objects for the garbage collector to trace.
 */
export class TopicIndex {
  private readonly slotByTopic = new Map<string, number>();
  private readonly topicBySlot: (string | undefined)[] = [];
  /** A topic's clause ids; most topics have one clause, stored as a bare number to save an array each. */
  private readonly clausesBySlot: (number | readonly number[] | undefined)[] = [];
  private readonly freeSlots: number[] = [];

  private readonly leafIdByLabel = new Map<string, number>();
  private readonly leaves: (Leaf | undefined)[] = [];
  private readonly leafRefs: number[] = [];
  private readonly freeLeafIds: number[] = [];

  private readonly clauseSlot: number[] = [];
  private readonly clauseLeaves = new ClauseArena();
  private readonly clauseKey: (string | undefined)[] = [];
  private clauseKeyIsStem: Uint8Array = new Uint8Array(1024);
  private readonly freeClauseIds: number[] = [];

  private keyCount = 0;
  private readonly words: KeyVocabulary;
  private readonly stems: KeyVocabulary;
  /** First letters of every stem met, so most tokens need one lookup to rule out all stems. */
  private readonly stemHeads = new Set<string>();
  private longestStem = 0;

  /** Per clause and per word or stem id, the last match call that saw it: no Set allocated per article. */
  private clauseSeen: Uint32Array = new Uint32Array(1024);
  private keySeen: Uint32Array = new Uint32Array(1024);
  private epoch = 0;

  constructor(options: TopicIndexOptions = {}) {
    const nextId = () => {
      const id = this.keyCount++;
      this.keySeen = grown(this.keySeen, id, (length) => new Uint32Array(length));
      return id;
    };
    this.words = new KeyVocabulary(nextId, options.termFrequency ?? defaultTermFrequency);
    // Stems are chosen by length, never by frequency.
    this.stems = new KeyVocabulary(nextId, () => 0);
  }

  static build(
    topics: Iterable<{ readonly id: string; readonly query: string | ParsedQuery }>,
    options: TopicIndexBuildOptions = {},
  ): TopicIndex {
    const index = new TopicIndex(options);
    for (const topic of topics) {
      try {
        index.add(topic.id, topic.query);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        if (options.onInvalid === undefined) {
          throw new QueryError(`Topic ${topic.id}: ${error.message}`, error.column);
        }
        options.onInvalid(topic.id, error);
      }
    }
    return index;
  }

  get size(): number {
    return this.slotByTopic.size;
  }

  has(topicId: string): boolean {
    return this.slotByTopic.has(topicId);
  }

  /** Adds or replaces a topic. An invalid query throws `QueryError` and leaves any previous version in place. */
  add(topicId: string, query: string | ParsedQuery): void {
    const parsed = typeof query === 'string' ? parseQuery(query) : query;
    this.remove(topicId);
    const slot = this.freeSlots.pop() ?? this.topicBySlot.length;
    this.slotByTopic.set(topicId, slot);
    this.topicBySlot[slot] = topicId;
    const only = parsed.clauses.length === 1 ? parsed.clauses[0] : undefined;
    this.clausesBySlot[slot] =
      only === undefined
        ? parsed.clauses.map((clause) => this.addClause(slot, clause))
        : this.addClause(slot, only);
  }

  remove(topicId: string): void {
    const slot = this.slotByTopic.get(topicId);
    if (slot === undefined) return;
    const clauses = this.clausesBySlot[slot] ?? NO_CLAUSES;
    for (const clause of typeof clauses === 'number' ? [clauses] : clauses) this.removeClause(clause);
    this.slotByTopic.delete(topicId);
    this.topicBySlot[slot] = undefined;
    this.clausesBySlot[slot] = undefined;
    this.freeSlots.push(slot);
  }

  match(input: MatchableArticle | TokenizedArticle): TopicMatch[] {
    const article = asTokenizedArticle(input);
    const finder = new IndexedLeafHits(article);
    const cache = new Map<number, TermHit[]>();
    const hitsOf = (leafId: number): TermHit[] => {
      let hits = cache.get(leafId);
      if (hits === undefined) {
        const leaf = this.leaves[leafId];
        hits = leaf === undefined ? [] : finder.hits(leaf);
        cache.set(leafId, hits);
      }
      return hits;
    };
    const matchedLeaves = new Map<number, Set<number>>();
    for (const clause of this.candidates(article)) {
      const leaves = this.clauseLeaves.leaves(clause);
      const positiveCount = leaves[0] ?? 0;
      if (!satisfied(leaves, positiveCount, hitsOf)) continue;
      const slot = this.clauseSlot[clause] ?? 0;
      const matched = matchedLeaves.get(slot) ?? new Set<number>();
      for (let i = 1; i <= positiveCount; i++) matched.add(leaves[i] ?? 0);
      matchedLeaves.set(slot, matched);
    }
    const results: TopicMatch[] = [];
    for (const [slot, leafIds] of matchedLeaves) {
      results.push(topicMatch(this.topicBySlot[slot] ?? '', [...leafIds].flatMap(hitsOf)));
    }
    return results.sort(byTopicId);
  }

  /** Clauses filed under a word or stem of the article whose other needed words and stems it also has. */
  private candidates(article: TokenizedArticle): number[] {
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.clauseSeen.fill(0);
      this.keySeen.fill(0);
      this.epoch = 1;
    }
    const { epoch, keySeen, clauseSeen } = this;
    // Every need must be stamped before any list is scanned.
    const lists: PostingList[] = [];
    const stamp = (entry: KeyEntry | undefined) => {
      if (entry === undefined || keySeen[entry.id] === epoch) return;
      keySeen[entry.id] = epoch;
      if (entry.list !== undefined) lists.push(entry.list);
    };
    for (const word of presentWords(article.distinctTokens)) stamp(this.words.get(word));
    if (this.longestStem > 0) {
      for (const token of article.distinctTokens) {
        if (token.length < MIN_STEM_LENGTH || !this.stemHeads.has(token.slice(0, MIN_STEM_LENGTH))) continue;
        const longest = Math.min(token.length, this.longestStem);
        for (let length = MIN_STEM_LENGTH; length <= longest; length++)
          stamp(this.stems.get(token.slice(0, length)));
      }
    }
    const found: number[] = [];
    for (const { clauses, needs } of lists) {
      let offset = 0;
      for (let i = 0; i < clauses.length; i++) {
        const count = needs[offset] ?? 0;
        let met = true;
        for (let j = offset + 1; j <= offset + count; j++) {
          if (keySeen[needs[j] ?? 0] !== epoch) {
            met = false;
            break;
          }
        }
        offset += count + 1;
        const clause = clauses[i] ?? 0;
        if (!met || clauseSeen[clause] === epoch) continue;
        clauseSeen[clause] = epoch;
        found.push(clause);
      }
    }
    return found;
  }

  /**
   * Files the clause under its needed word with the lowest estimated frequency and records the ids of
   * everything else it needs: the other words rarest first, so a scan fails early, then its stems. A stem
   * stands for an unknown set of words (estimates know words, not stems), so a clause is filed under a stem,
   * its longest, only when it needs no exact word.
   */
  private fileClause(id: number, needs: ClauseNeeds, wordEntries: readonly KeyEntry[]): void {
    let key: KeyEntry | undefined;
    let keyText = '';
    const others: KeyEntry[] = [];
    for (const [i, text] of needs.words.entries()) {
      const entry = wordEntries[i] ?? this.words.entry(text);
      if (key === undefined || entry.frequency < key.frequency) {
        if (key !== undefined) others.push(key);
        key = entry;
        keyText = text;
      } else {
        others.push(entry);
      }
    }
    others.sort((a, b) => a.frequency - b.frequency);
    const keyIsStem = key === undefined;
    for (const stem of [...needs.stems].sort((a, b) => b.length - a.length)) {
      this.noteStem(stem);
      const entry = this.stems.entry(stem);
      if (key === undefined) {
        key = entry;
        keyText = stem;
      } else {
        others.push(entry);
      }
    }
    // parseQuery guarantees every clause needs a word or a stem.
    if (key === undefined) throw new QueryError('Part of the query has no word to look for');
    this.clauseKey[id] = keyText;
    this.clauseKeyIsStem = grown(this.clauseKeyIsStem, id, (length) => new Uint8Array(length));
    this.clauseKeyIsStem[id] = keyIsStem ? 1 : 0;
    (keyIsStem ? this.stems : this.words).file(
      key,
      id,
      others.map((entry) => entry.id),
    );
  }

  private noteStem(stem: string): void {
    this.stemHeads.add(stem.slice(0, MIN_STEM_LENGTH));
    this.longestStem = Math.max(this.longestStem, stem.length);
  }

  private addClause(slot: number, clause: Clause): number {
    const id = this.freeClauseIds.pop() ?? this.clauseSlot.length;
    const needs = clauseNeeds(clause);
    // Looked up once, for both filing the clause and interning its plain terms.
    const wordEntries = needs.words.map((word) => this.words.entry(word));
    const leaves = [clause.positive.length];
    for (const leaf of clause.positive) leaves.push(this.internLeaf(leaf, needs.words, wordEntries));
    for (const leaf of clause.negative) leaves.push(this.internLeaf(leaf));
    this.clauseSlot[id] = slot;
    this.clauseLeaves.store(id, leaves);
    this.fileClause(id, needs, wordEntries);
    this.clauseSeen = grown(this.clauseSeen, id, (length) => new Uint32Array(length));
    return id;
  }

  private removeClause(id: number): void {
    const key = this.clauseKey[id] ?? '';
    (this.clauseKeyIsStem[id] === 1 ? this.stems : this.words).unfile(key, id);
    for (const leafId of this.clauseLeaves.leaves(id).subarray(1)) this.releaseLeaf(leafId);
    this.clauseLeaves.release(id);
    this.clauseKey[id] = undefined;
    this.freeClauseIds.push(id);
  }

  private internLeaf(
    leaf: Leaf,
    knownWords: readonly string[] = [],
    knownEntries: readonly KeyEntry[] = [],
  ): number {
    // Plain words are the most common leaves: their id lives on the word's entry, saving a map lookup.
    if (leaf.kind === 'term' && leaf.scope === 'any') {
      const entry = knownEntries[knownWords.indexOf(leaf.word)] ?? this.words.entry(leaf.word);
      if (entry.termLeaf === NO_LEAF) entry.termLeaf = this.newLeaf(leaf);
      else this.leafRefs[entry.termLeaf] = (this.leafRefs[entry.termLeaf] ?? 0) + 1;
      return entry.termLeaf;
    }
    const existing = this.leafIdByLabel.get(leaf.label);
    if (existing !== undefined) {
      this.leafRefs[existing] = (this.leafRefs[existing] ?? 0) + 1;
      return existing;
    }
    const id = this.newLeaf(leaf);
    this.leafIdByLabel.set(leaf.label, id);
    return id;
  }

  private newLeaf(leaf: Leaf): number {
    const id = this.freeLeafIds.pop() ?? this.leaves.length;
    this.leaves[id] = leaf;
    this.leafRefs[id] = 1;
    return id;
  }

  private releaseLeaf(id: number): void {
    const refs = (this.leafRefs[id] ?? 1) - 1;
    this.leafRefs[id] = refs;
    if (refs > 0) return;
    const leaf = this.leaves[id];
    if (leaf?.kind === 'term' && leaf.scope === 'any') {
      const entry = this.words.get(leaf.word);
      if (entry !== undefined) entry.termLeaf = NO_LEAF;
    } else if (leaf !== undefined) {
      this.leafIdByLabel.delete(leaf.label);
    }
    this.leaves[id] = undefined;
    this.freeLeafIds.push(id);
  }
}

/** Every positive leaf found and no negative one; negations are checked last. */
function satisfied(
  leaves: Int32Array,
  positiveCount: number,
  hitsOf: (leafId: number) => TermHit[],
): boolean {
  for (let i = 1; i <= positiveCount; i++) if (hitsOf(leaves[i] ?? 0).length === 0) return false;
  for (let i = positiveCount + 1; i < leaves.length; i++) if (hitsOf(leaves[i] ?? 0).length > 0) return false;
  return true;
}
