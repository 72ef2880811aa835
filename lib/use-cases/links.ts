import type { Article } from '../articles';
import type { Subscriber } from '../subscriptions/model';
import { LINK_TOKEN_TTL_SECONDS, type TokenClaims, type Tokens } from '../subscriptions/tokens';

/** Whose links: the subscriber's id and the generation of links they have not revoked. */
type LinkOwner = Pick<Subscriber, 'id' | 'tokenGeneration'>;

/** Where Tidings shows a stored article that came without a URL of its own. */
export function archivePath(articleId: string): string {
  return `/articles/${encodeURIComponent(articleId)}`;
}

/** Every absolute URL Tidings puts in an email, built from the one public base URL. */
export function makeLinks(publicUrl: string, tokens: Tokens) {
  /** A fresh token of the owner's current generation, working for 90 days from `at`. */
  const lasting = (owner: LinkOwner, at: Date, claims: Pick<TokenClaims, 'purpose' | 'topicId'>) =>
    tokens.issue({
      ...claims,
      subscriberId: owner.id,
      gen: owner.tokenGeneration ?? 0,
      exp: Math.floor(at.getTime() / 1000) + LINK_TOKEN_TTL_SECONDS,
    });
  return {
    confirm: (subscriberId: string, requestId: string, exp: number) =>
      `${publicUrl}/confirm?token=${tokens.issue({ purpose: 'confirm', subscriberId, requestId, exp })}`,
    unsubscribe: (owner: LinkOwner, at: Date) =>
      `${publicUrl}/unsubscribe?token=${lasting(owner, at, { purpose: 'unsubscribe' })}`,
    preferences: (owner: LinkOwner, at: Date) =>
      `${publicUrl}/preferences?token=${lasting(owner, at, { purpose: 'preferences' })}`,
    mute: (owner: LinkOwner, topicId: string, at: Date) =>
      `${publicUrl}/mute?token=${lasting(owner, at, { purpose: 'mute', topicId })}`,
    article: (article: Pick<Article, 'id' | 'url'>) =>
      article.url ?? `${publicUrl}${archivePath(article.id)}`,
  };
}

export type Links = ReturnType<typeof makeLinks>;
