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
 * similarity of the two shingle sets. The first BAND_COUNT bins keep 24 bits and are the LSH keys, one bin
 * each: two stories share a key with probability 1 − (1 − J)^16 (0.93 at J = 0.15), and unrelated stories
 * share one by chance once in a million.
 */

/** The first character of every signature and band key, so a later scheme can never be confused with this one. */
const VERSION = '1';
export const SIGNATURE_BINS = 128;
const BIN_BITS = 7;
export const BAND_COUNT = 16;
const BAND_BYTES = 3;
/** Jaccard estimate at or above which two signatures are the same story (bench/near-duplicates.ts). */
export const SAME_STORY_THRESHOLD = 0.15;

const RANK_MASK = (1 << (32 - BIN_BITS)) - 1;
const EMPTY = 0xffffffff;
const CHANCE_AGREEMENT = 1 / 256;
const SIGNATURE_BYTES = BAND_COUNT * BAND_BYTES + SIGNATURE_BINS - BAND_COUNT;
const SIGNATURE_CHARS = VERSION.length + Math.ceil((SIGNATURE_BYTES * 4) / 3);
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

/** The bins' minimum hashes as 32-bit values (all zero for a text without words). */
function minimumHashes(title: string, paragraphs: readonly string[]): Uint32Array {
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
  const bins = new Uint32Array(SIGNATURE_BINS);
  if (shingles.length === 0) return bins;
  for (let bin = 0; bin < SIGNATURE_BINS; bin++) {
    let distance = 0;
    let from = bin;
    while (minima[from] === EMPTY) {
      distance++;
      from = (from + 1) % SIGNATURE_BINS;
    }
    bins[bin] = mix32(((winners[from] as number) + Math.imul(distance, 0x9e3779b9)) | 0);
  }
  return bins;
}

/** Bytes: the BAND_COUNT band bins, 24 bits each, big-endian, then the other bins' low 8 bits. */
function encode(hashes: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(SIGNATURE_BYTES);
  for (let band = 0; band < BAND_COUNT; band++) {
    const hash = hashes[band] as number;
    bytes[band * BAND_BYTES] = hash >>> 16;
    bytes[band * BAND_BYTES + 1] = hash >>> 8;
    bytes[band * BAND_BYTES + 2] = hash;
  }
  for (let bin = BAND_COUNT; bin < SIGNATURE_BINS; bin++) {
    bytes[BAND_COUNT * (BAND_BYTES - 1) + bin] = hashes[bin] as number;
  }
  return bytes;
}

interface Decoded {
  /** Every bin's low 8 bits, compared for the similarity. */
  readonly bins: Uint8Array;
  /** The band bins' 24 bits. */
  readonly bands: Uint32Array;
}

function decode(signature: string): Decoded {
  if (signature.length !== SIGNATURE_CHARS || !signature.startsWith(VERSION)) {
    throw new InvalidSignatureError(signature);
  }
  const bytes = Buffer.from(signature.slice(VERSION.length), 'base64url');
  if (bytes.length !== SIGNATURE_BYTES) throw new InvalidSignatureError(signature);
  const bands = new Uint32Array(BAND_COUNT);
  const bins = new Uint8Array(SIGNATURE_BINS);
  for (let band = 0; band < BAND_COUNT; band++) {
    const at = band * BAND_BYTES;
    bands[band] =
      ((bytes[at] as number) << 16) | ((bytes[at + 1] as number) << 8) | (bytes[at + 2] as number);
    bins[band] = bytes[at + 2] as number;
  }
  bins.set(bytes.subarray(BAND_COUNT * BAND_BYTES), BAND_COUNT);
  return { bins, bands };
}

function similarityOfBins(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): number {
  let equal = 0;
  for (let i = 0; i < SIGNATURE_BINS; i++) if (a[aAt + i] === b[bAt + i]) equal++;
  if (equal === SIGNATURE_BINS) return 1;
  const estimate = (equal / SIGNATURE_BINS - CHANCE_AGREEMENT) / (1 - CHANCE_AGREEMENT);
  return Math.max(estimate, 0);
}

/** A compact similarity signature of a story's text (title + body), stored on the article as a string. */
export function storySignature(title: string, paragraphs: readonly string[]): string {
  return VERSION + Buffer.from(encode(minimumHashes(title, paragraphs)).buffer).toString('base64url');
}

/**
 * Index keys for LSH lookup: a story with a near-duplicate signature shares at least one key with high
 * probability. BAND_COUNT keys of 8 characters from [0-9a-f], e.g. `1a03f7c2`: the version, the band, its
 * bin's 24 bits in hex. A pure function of the signature, so keys written today are found tomorrow.
 */
export function signatureBands(signature: string): string[] {
  const { bands } = decode(signature);
  return Array.from(
    bands,
    (value, band) => VERSION + band.toString(16) + value.toString(16).padStart(6, '0'),
  );
}

/** The similarity estimate in [0,1] (for reports and tests): the Jaccard similarity of the shingle sets. */
export function signatureSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  return similarityOfBins(decode(a).bins, 0, decode(b).bins, 0);
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
  #bands = new Uint32Array(BAND_COUNT * 1_024);
  readonly #heads = new Int32Array(1 << HEAD_BITS).fill(NONE);
  #next = new Int32Array(BAND_COUNT * 1_024);
  #seen = new Uint32Array(1_024);
  #stamp = 0;

  get size(): number {
    return this.#ids.length;
  }

  add(id: string, signature: string): void {
    const { bins, bands } = decode(signature);
    const story = this.#ids.length;
    if (story === this.#seen.length) this.#grow();
    this.#ids.push(id);
    this.#bins.set(bins, story * SIGNATURE_BINS);
    this.#bands.set(bands, story * BAND_COUNT);
    for (let band = 0; band < BAND_COUNT; band++) {
      const head = headOf(band, bands[band] as number);
      const entry = story * BAND_COUNT + band;
      this.#next[entry] = this.#heads[head] as number;
      this.#heads[head] = entry;
    }
  }

  /** Ids of stored stories sharing at least one band key with the signature, each once. */
  candidates(signature: string): string[] {
    const found: string[] = [];
    this.#forEachCandidate(decode(signature).bands, (story) => found.push(this.#ids[story] as string));
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
    const { bins, bands } = decode(signature);
    let best = NONE;
    let bestSimilarity = minSimilarity;
    this.#forEachCandidate(bands, (story) => {
      const similarity = similarityOfBins(bins, 0, this.#bins, story * SIGNATURE_BINS);
      if (similarity > bestSimilarity || (similarity === bestSimilarity && (best === NONE || story < best))) {
        best = story;
        bestSimilarity = similarity;
      }
    });
    return best === NONE ? undefined : { id: this.#ids[best] as string, similarity: bestSimilarity };
  }

  #forEachCandidate(bands: Uint32Array, visit: (story: number) => void): void {
    this.#stamp = (this.#stamp + 1) >>> 0;
    if (this.#stamp === 0) {
      this.#seen.fill(0);
      this.#stamp = 1;
    }
    for (let band = 0; band < BAND_COUNT; band++) {
      const value = bands[band] as number;
      for (
        let entry = this.#heads[headOf(band, value)] as number;
        entry !== NONE;
        entry = this.#next[entry] as number
      ) {
        const story = Math.floor(entry / BAND_COUNT);
        // Hashed heads share lists: skip entries of another band or value, and stories already visited.
        if (entry % BAND_COUNT !== band || this.#bands[entry] !== value || this.#seen[story] === this.#stamp)
          continue;
        this.#seen[story] = this.#stamp;
        visit(story);
      }
    }
  }

  #grow(): void {
    const stories = this.#seen.length * 2;
    const bins = new Uint8Array(stories * SIGNATURE_BINS);
    bins.set(this.#bins);
    this.#bins = bins;
    const bands = new Uint32Array(stories * BAND_COUNT);
    bands.set(this.#bands);
    this.#bands = bands;
    const next = new Int32Array(stories * BAND_COUNT);
    next.set(this.#next);
    this.#next = next;
    const seen = new Uint32Array(stories);
    seen.set(this.#seen);
    this.#seen = seen;
  }
}

function headOf(band: number, value: number): number {
  return mix32(value ^ Math.imul(band + 1, 0x9e3779b9)) >>> (32 - HEAD_BITS);
}
