import { mix32, shingleHashesView } from './story-shingles';

/**
 * Near-duplicate stories: a second outlet's edit of the same wire copy (sentences or paragraphs moved, the
 * tail trimmed, words reworded, a new headline, an agency line added) is the same story; another story on
 * the same subject is not.
 *
 * Method: MinHash of the story's word 3-shingles (story-shingles.ts), by one-permutation hashing: each
 * shingle hash falls in one of SIGNATURE_BINS bins and each bin keeps its smallest, so a signature costs one
 * hash per shingle, not one per shingle and bin. An empty bin borrows from the next filled bin to its right
 * (rotation densification), marked with the distance. Each bin keeps 8 bits of its minimum's hash (b-bit
 * MinHash); the share of equal bins, corrected for the 1 in 256 chance agreement, estimates the Jaccard
 * similarity of the two shingle sets. Bands of BAND_ROWS bins are the LSH keys.
 */

/** The first character of every signature and band key, so a later scheme can never be confused with this one. */
const VERSION = '1';
export const SIGNATURE_BINS = 128;
const BIN_BITS = 7;
export const BAND_COUNT = 16;
export const BAND_ROWS = 2;
/** Jaccard estimate at or above which two signatures are the same story (bench/near-duplicates.ts). */
export const SAME_STORY_THRESHOLD = 0.3;

const RANK_MASK = (1 << (32 - BIN_BITS)) - 1;
const EMPTY = 0xffffffff;
const CHANCE_AGREEMENT = 1 / 256;
const SIGNATURE_CHARS = VERSION.length + Math.ceil((SIGNATURE_BINS * 4) / 3);
const SHINGLE_SEED = 0x5bd1e995;

/** A stored signature that is not one this module wrote: an internal fault, not the sender's. */
export class InvalidSignatureError extends Error {
  override name = 'InvalidSignatureError';

  constructor(signature: string) {
    super(
      `Not a story signature (version ${VERSION}, ${SIGNATURE_CHARS} characters): "${signature.slice(0, 40)}"`,
    );
  }
}

const minima = new Uint32Array(SIGNATURE_BINS);
const winners = new Uint32Array(SIGNATURE_BINS);

function signatureBins(title: string, paragraphs: readonly string[]): Uint8Array {
  const shingles = shingleHashesView(title, paragraphs);
  minima.fill(EMPTY);
  for (let i = 0; i < shingles.length; i++) {
    const hash = mix32((shingles[i] as number) ^ SHINGLE_SEED);
    const bin = hash >>> (32 - BIN_BITS);
    const rank = hash & RANK_MASK;
    if (rank < (minima[bin] as number)) {
      minima[bin] = rank;
      winners[bin] = hash;
    }
  }
  const bins = new Uint8Array(SIGNATURE_BINS);
  if (shingles.length === 0) return bins;
  for (let bin = 0; bin < SIGNATURE_BINS; bin++) {
    let distance = 0;
    let from = bin;
    while (minima[from] === EMPTY) {
      distance++;
      from = (from + 1) % SIGNATURE_BINS;
    }
    bins[bin] = mix32(((winners[from] as number) + Math.imul(distance, 0x9e3779b9)) | 0) & 0xff;
  }
  return bins;
}

function decode(signature: string): Uint8Array {
  if (signature.length !== SIGNATURE_CHARS || !signature.startsWith(VERSION)) {
    throw new InvalidSignatureError(signature);
  }
  const bins = Buffer.from(signature.slice(VERSION.length), 'base64url');
  if (bins.length !== SIGNATURE_BINS) throw new InvalidSignatureError(signature);
  return bins;
}

function similarityOfBins(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): number {
  let equal = 0;
  for (let i = 0; i < SIGNATURE_BINS; i++) if (a[aAt + i] === b[bAt + i]) equal++;
  if (equal === SIGNATURE_BINS) return 1;
  const estimate = (equal / SIGNATURE_BINS - CHANCE_AGREEMENT) / (1 - CHANCE_AGREEMENT);
  return Math.max(estimate, 0);
}

/** The band's bins as one 32-bit number (BAND_ROWS ≤ 4). */
function bandRows(bins: Uint8Array, at: number, band: number): number {
  let rows = 0;
  for (let row = 0; row < BAND_ROWS; row++)
    rows = (rows << 8) | (bins[at + band * BAND_ROWS + row] as number);
  return rows;
}

/** A compact similarity signature of a story's text (title + body), stored on the article as a string. */
export function storySignature(title: string, paragraphs: readonly string[]): string {
  return VERSION + Buffer.from(signatureBins(title, paragraphs).buffer).toString('base64url');
}

/**
 * Index keys for LSH lookup: a story with a near-duplicate signature shares at least one key with high
 * probability. BAND_COUNT keys of 2 + 2 × BAND_ROWS characters from [0-9a-f], e.g. `1a03f7`: the version,
 * the band, its bins in hex. A pure function of the signature, so keys written today are found tomorrow.
 */
export function signatureBands(signature: string): string[] {
  const bins = decode(signature);
  const keys: string[] = [];
  for (let band = 0; band < BAND_COUNT; band++) {
    let key = VERSION + band.toString(16);
    for (let row = 0; row < BAND_ROWS; row++) {
      key += (bins[band * BAND_ROWS + row] as number).toString(16).padStart(2, '0');
    }
    keys.push(key);
  }
  return keys;
}

/** The similarity estimate in [0,1] (for reports and tests): the Jaccard similarity of the shingle sets. */
export function signatureSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  return similarityOfBins(decode(a), 0, decode(b), 0);
}

/** Whether two signatures are the same story (passes the threshold). */
export function isSameStory(a: string, b: string): boolean {
  return signatureSimilarity(a, b) >= SAME_STORY_THRESHOLD;
}

const HEAD_BITS = 20;
const NONE = -1;

/**
 * In-memory band index: each band key's entries form a linked list through typed arrays (a head per hashed
 * key, a next pointer per entry), so 100,000 stories take a few tens of megabytes and adding one allocates
 * nothing but, now and then, a doubled array.
 */
export class NearDuplicateIndex {
  readonly #ids: string[] = [];
  #bins = new Uint8Array(SIGNATURE_BINS * 1_024);
  readonly #heads = new Int32Array(1 << HEAD_BITS).fill(NONE);
  #next = new Int32Array(BAND_COUNT * 1_024);
  #seen = new Uint32Array(1_024);
  #stamp = 0;

  get size(): number {
    return this.#ids.length;
  }

  add(id: string, signature: string): void {
    const bins = decode(signature);
    const story = this.#ids.length;
    if ((story + 1) * SIGNATURE_BINS > this.#bins.length) this.#grow();
    this.#ids.push(id);
    this.#bins.set(bins, story * SIGNATURE_BINS);
    for (let band = 0; band < BAND_COUNT; band++) {
      const head = headOf(band, bandRows(bins, 0, band));
      const entry = story * BAND_COUNT + band;
      this.#next[entry] = this.#heads[head] as number;
      this.#heads[head] = entry;
    }
  }

  /** Ids of stored stories sharing at least one band key with the signature, each once, newest first. */
  candidates(signature: string): string[] {
    const found: string[] = [];
    this.#forEachCandidate(decode(signature), (story) => found.push(this.#ids[story] as string));
    return found;
  }

  /**
   * The most similar candidate whose similarity is at least `minSimilarity` (by default the same-story
   * threshold, so undefined means no stored story is this one); the first added wins a tie.
   */
  nearest(
    signature: string,
    minSimilarity = SAME_STORY_THRESHOLD,
  ): { id: string; similarity: number } | undefined {
    const bins = decode(signature);
    let best = NONE;
    let bestSimilarity = minSimilarity;
    this.#forEachCandidate(bins, (story) => {
      const similarity = similarityOfBins(bins, 0, this.#bins, story * SIGNATURE_BINS);
      if (similarity > bestSimilarity || (similarity === bestSimilarity && (best === NONE || story < best))) {
        best = story;
        bestSimilarity = similarity;
      }
    });
    return best === NONE ? undefined : { id: this.#ids[best] as string, similarity: bestSimilarity };
  }

  #forEachCandidate(bins: Uint8Array, visit: (story: number) => void): void {
    this.#stamp = (this.#stamp + 1) >>> 0;
    if (this.#stamp === 0) {
      this.#seen.fill(0);
      this.#stamp = 1;
    }
    for (let band = 0; band < BAND_COUNT; band++) {
      const rows = bandRows(bins, 0, band);
      for (
        let entry = this.#heads[headOf(band, rows)] as number;
        entry !== NONE;
        entry = this.#next[entry] as number
      ) {
        const story = Math.floor(entry / BAND_COUNT);
        // Hashed heads share lists: skip entries of another band or other bins.
        if (entry % BAND_COUNT !== band || this.#seen[story] === this.#stamp) continue;
        if (bandRows(this.#bins, story * SIGNATURE_BINS, band) !== rows) continue;
        this.#seen[story] = this.#stamp;
        visit(story);
      }
    }
  }

  #grow(): void {
    const bins = new Uint8Array(this.#bins.length * 2);
    bins.set(this.#bins);
    this.#bins = bins;
    const next = new Int32Array(this.#next.length * 2);
    next.set(this.#next);
    this.#next = next;
    const seen = new Uint32Array(this.#seen.length * 2);
    seen.set(this.#seen);
    this.#seen = seen;
  }
}

function headOf(band: number, rows: number): number {
  return mix32(rows ^ Math.imul(band + 1, 0x9e3779b9)) >>> (32 - HEAD_BITS);
}
