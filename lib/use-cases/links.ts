import type { Article } from '../articles';
import type { Tokens } from '../subscriptions/tokens';

/** Where Tidings shows a stored article that came without a URL of its own. */
export function archivePath(articleId: string): string {
  return `/articles/${encodeURIComponent(articleId)}`;
}

/** Every absolute URL Tidings puts in an email, built from the one public base URL. */
export function makeLinks(publicUrl: string, tokens: Tokens) {
  return {
    confirm: (subscriberId: string, requestId: string, exp: number) =>
      `${publicUrl}/confirm?token=${tokens.issue({ purpose: 'confirm', subscriberId, requestId, exp })}`,
    unsubscribe: (subscriberId: string) =>
      `${publicUrl}/unsubscribe?token=${tokens.issue({ purpose: 'unsubscribe', subscriberId })}`,
    article: (article: Pick<Article, 'id' | 'url'>) =>
      article.url ?? `${publicUrl}${archivePath(article.id)}`,
  };
}

export type Links = ReturnType<typeof makeLinks>;
