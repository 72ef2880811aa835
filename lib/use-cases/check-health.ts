import type { ArticleStore, Mailer } from '../ports';

/** Healthy only when both the table and the mail service answer. */
export function makeCheckHealth(deps: { articles: ArticleStore; mailer: Mailer }) {
  return async function checkHealth(): Promise<
    { status: 'ok' } | { status: 'unavailable'; failing: string[] }
  > {
    const probes = { database: deps.articles.checkReachable(), mail: deps.mailer.checkReachable() };
    const results = await Promise.allSettled(Object.values(probes));
    const failing = Object.keys(probes).filter((_, i) => results[i]?.status === 'rejected');
    return failing.length === 0 ? { status: 'ok' } : { status: 'unavailable', failing };
  };
}
