export type { FieldTokens, MatchableArticle, TokenizedArticle } from './article-tokens';
export { tokenizeArticle } from './article-tokens';
export type {
  AndNode,
  Clause,
  LangLeaf,
  Leaf,
  NearLeaf,
  NearOperand,
  NotNode,
  OrNode,
  ParsedQuery,
  PhraseLeaf,
  PrefixLeaf,
  QueryNode,
  Scope,
  TermLeaf,
  TextField,
  WordPattern,
} from './ast';
export { matchNaive } from './match-naive';
export type { HitField, TermHit, TopicMatch } from './match-result';
export { MAX_CLAUSES } from './normal-forms';
export { QueryError } from './query-error';
export { MAX_NEAR_DISTANCE } from './query-lexer';
export { parseQuery, QUERY_LIMITS } from './query-parser';
export { defaultTermFrequency, type TermFrequency } from './term-frequency';
export { normalizeText, tokenizeText } from './text-tokens';
export { TopicIndex, type TopicIndexBuildOptions, type TopicIndexOptions } from './topic-index';
export { pluralForms } from './word-forms';
