import type { Article } from '../articles';
import type { Tokens } from '../subscriptions/tokens';

/** Every absolute URL Tidings puts in an email, built from the one public base URL. */
export function makeLinks(publicUrl: string, tokens: Tokens) {
  return {
    confirm: (subscriberId: string, requestId: string, exp: number) =>
      `${publicUrl}/confirm?token=${tokens.issue({ purpose: 'confirm', subscriberId, requestId, exp })}`,
    unsubscribe: (subscriberId: string) =>
      `${publicUrl}/unsubscribe?token=${tokens.issue({ purpose: 'unsubscribe', subscriberId })}`,
    article: (article: Pick<Article, 'id' | 'url'>) =>
      article.url ?? `${publicUrl}/articles/${encodeURIComponent(article.id)}`,
  };
}

export type Links = ReturnType<typeof makeLinks>;
