/**
 * Whether a string can be an article id at all: ids are a prefix of a sha256 in lower-case hex (see
 * `articleIdFromFingerprint`), so anything longer or with any other character names no article and is
 * answered without a read. Allowing any prefix length keeps links working if the prefix ever grows, and
 * keeps what reaches the table far below DynamoDB's 2,048-byte partition-key limit.
 */
export function isArticleId(value: string): boolean {
  return /^[0-9a-f]{1,64}$/.test(value);
}
