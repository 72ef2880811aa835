import type { TextField } from './ast';
import { tokenizeText } from './text-tokens';

export interface MatchableArticle {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  /** Source, credit or feed name; searched by `source:` only. */
  readonly source?: string;
  readonly lang?: string;
}

export interface FieldTokens {
  readonly tokens: readonly string[];
  /** Token → ascending positions in `tokens`. */
  readonly positions: ReadonlyMap<string, readonly number[]>;
}

/** An article tokenized once, so every topic (and every index lookup) reuses the same tokens. */
export interface TokenizedArticle {
  readonly kind: 'tokenized-article';
  readonly id: string;
  readonly fields: Readonly<Record<TextField, FieldTokens>>;
  /** Lower-cased, or undefined when the article has none. */
  readonly lang: string | undefined;
  /** Each distinct token of any field, once. */
  readonly distinctTokens: readonly string[];
}

function fieldTokens(text: string): FieldTokens {
  const tokens = tokenizeText(text);
  const positions = new Map<string, number[]>();
  tokens.forEach((token, position) => {
    const list = positions.get(token);
    if (list === undefined) positions.set(token, [position]);
    else list.push(position);
  });
  return { tokens, positions };
}

export function tokenizeArticle(article: MatchableArticle): TokenizedArticle {
  const fields = {
    title: fieldTokens(article.title),
    text: fieldTokens(article.text),
    source: fieldTokens(article.source ?? ''),
  };
  const distinct = new Set<string>();
  for (const { positions } of Object.values(fields))
    for (const token of positions.keys()) distinct.add(token);
  const lang = article.lang?.trim().toLowerCase();
  return {
    kind: 'tokenized-article',
    id: article.id,
    fields,
    lang: lang === '' ? undefined : lang,
    distinctTokens: [...distinct],
  };
}

function isTokenized(article: MatchableArticle | TokenizedArticle): article is TokenizedArticle {
  return 'kind' in article && article.kind === 'tokenized-article';
}

export function asTokenizedArticle(article: MatchableArticle | TokenizedArticle): TokenizedArticle {
  return isTokenized(article) ? article : tokenizeArticle(article);
}
