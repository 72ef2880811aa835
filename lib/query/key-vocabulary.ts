/**
 * The clauses filed under one word or stem. Each clause's other needs (ids of the words and stems it
 * requires) are stored inline as `[count, ...ids]` in `needs`, in clause order, so a scan reads memory
 * sequentially and rejects a clause without visiting the clause itself.
 */
export interface PostingList {
  readonly clauses: number[];
  readonly needs: number[];
}

/** Everything the index keeps about one word (or stem), so one map lookup serves keying, filing and checks. */
export interface KeyEntry {
  /** Shared id space across words and stems, for the per-article "seen" stamps. */
  readonly id: number;
  /** The caller's frequency estimate, read once when the word is first seen. */
  readonly frequency: number;
  list: PostingList | undefined;
  /** The interned leaf of the plain, unscoped term for this word, or NO_LEAF. */
  termLeaf: number;
}

export const NO_LEAF = -1;

/**
 * Words or stems the index has met. Entries stay when their last clause goes: they are bounded by the
 * vocabulary rather than by topic churn, and keeping them keeps ids stable.
 */
export class KeyVocabulary {
  private readonly entries = new Map<string, KeyEntry>();
  private filedKeys = 0;

  constructor(
    private readonly nextId: () => number,
    private readonly frequencyOf: (text: string) => number,
  ) {}

  /** How many keys have clauses filed under them. */
  get filed(): number {
    return this.filedKeys;
  }

  get(text: string): KeyEntry | undefined {
    return this.entries.get(text);
  }

  entry(text: string): KeyEntry {
    let entry = this.entries.get(text);
    if (entry === undefined) {
      entry = { id: this.nextId(), frequency: this.frequencyOf(text), list: undefined, termLeaf: NO_LEAF };
      this.entries.set(text, entry);
    }
    return entry;
  }

  /** Returns true when this is the first clause filed under the key. */
  file(entry: KeyEntry, clause: number, needs: readonly number[]): boolean {
    const list = entry.list;
    if (list === undefined) {
      entry.list = { clauses: [clause], needs: [needs.length, ...needs] };
      this.filedKeys++;
      return true;
    }
    list.clauses.push(clause);
    list.needs.push(needs.length);
    for (const need of needs) list.needs.push(need);
    return false;
  }

  /** Returns true when the key's last clause went. Linear in the list's length. */
  unfile(text: string, clause: number): boolean {
    const entry = this.entries.get(text);
    const list = entry?.list;
    if (entry === undefined || list === undefined) return false;
    let offset = 0;
    for (let i = 0; i < list.clauses.length; i++) {
      const count = list.needs[offset] ?? 0;
      if (list.clauses[i] === clause) {
        list.clauses.splice(i, 1);
        list.needs.splice(offset, count + 1);
        break;
      }
      offset += count + 1;
    }
    if (list.clauses.length > 0) return false;
    entry.list = undefined;
    this.filedKeys--;
    return true;
  }
}
