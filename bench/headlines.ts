/**
 * `npm run bench -- headlines`: headlines derived from the labelled wire set (invented leads, each with the
 * headline a sub-editor would accept, `test/fixtures/headlines/labelled.json`): how many read cleanly (not
 * mid-word, not on "of/the/to", at most 90 characters, no ellipsis after a whole clause), how long they
 * are, how many agree with the label, and how many snippets repeat their headline. Fails unless every
 * headline reads cleanly and no snippet repeats one.
 */
import { normaliseArticle, snippet } from '../lib/articles';
import { agreement, labelledArticles, unclean } from '../test/fixtures/headlines/reader-checks';

type Print = (line: string) => void;

const NOW = new Date('2026-12-02T09:00:00Z');

export async function run(print: Print): Promise<boolean> {
  const articles = labelledArticles();
  let clean = 0;
  let chars = 0;
  let withEllipsis = 0;
  let repeated = 0;
  const agreed = { exact: 0, 'clause of label': 0, other: 0 };
  for (const article of articles) {
    const stored = normaliseArticle({ text: article.text }, NOW);
    const problem = unclean(stored.title, stored.paragraphs[0] ?? '');
    if (problem === undefined) clean++;
    else print(`# ${article.id}: "${stored.title}" ${problem}`);
    chars += Array.from(stored.title).length;
    if (stored.title.endsWith('…')) withEllipsis++;
    if (snippet(stored, 280).replace(/^…/, '').startsWith(stored.title.replace(/…$/, ''))) repeated++;
    agreed[agreement(stored.title, article.headline)]++;
  }
  print(`headlines.labelled: ${articles.length} articles`);
  print(`headlines.clean: ${clean}/${articles.length} headlines`);
  print(`headlines.mean_length: ${(chars / articles.length).toFixed(1)} chars`);
  print(`headlines.with_ellipsis: ${withEllipsis}/${articles.length} headlines`);
  print(`headlines.exact_match: ${agreed.exact}/${articles.length} headlines`);
  print(`headlines.clause_of_label: ${agreed['clause of label']}/${articles.length} headlines`);
  print(`headlines.snippet_repeats_headline: ${repeated}/${articles.length} snippets`);
  return clean === articles.length && repeated === 0;
}
