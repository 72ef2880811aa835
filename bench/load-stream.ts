import type { Ingested } from './load-report';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

interface Article {
  readonly title: string;
  readonly text: string;
}

/**
 * The stream: one `POST /articles` every 1/rate s whatever the earlier answers (an open loop), the first
 * `baselineCount` alone, then `operations` (the churn) spread evenly over the rest. Resolves once every
 * request and operation is answered, with progress on stderr every 30 s, since a full run takes minutes.
 */
export async function runStream(deps: {
  readonly ingest: (body: object) => Promise<Response>;
  readonly articles: readonly Article[];
  readonly rate: number;
  readonly baselineCount: number;
  readonly operations: readonly (() => Promise<void>)[];
  readonly failures: string[];
  readonly messages: () => number;
}): Promise<{ ingested: Ingested[]; streamStart: number }> {
  const { articles, rate, baselineCount, operations } = deps;
  const streamStart = Date.now() + 500;
  const mainStart = streamStart + (baselineCount * 1000) / rate;
  const mainMs = ((articles.length - baselineCount) * 1000) / rate;
  const churning = operations.map(async (operation, i) => {
    await sleep(mainStart + (i * mainMs) / operations.length - Date.now());
    await operation().catch((error: Error) => deps.failures.push(error.message));
  });
  const posted = articles.map(async (article, i): Promise<Ingested> => {
    await sleep(streamStart + (i * 1000) / rate - Date.now());
    const start = Date.now();
    const response = await deps.ingest({ title: article.title, text: article.text, lang: 'en' });
    const body = (await response.json()) as { articles?: { id: string; status: string; storyId?: string }[] };
    const end = Date.now();
    const [result] = body.articles ?? [];
    return {
      article: i,
      start,
      end,
      status: result?.status ?? `http ${response.status}`,
      ...(result && { storyId: result.storyId ?? result.id }),
      baseline: i < baselineCount,
    };
  });
  let answered = 0;
  for (const p of posted) void p.then(() => answered++);
  const progress = setInterval(() => {
    console.error(
      `[bench load] ${answered}/${articles.length} articles answered, ${deps.messages()} messages`,
    );
  }, 30_000);
  const ingested = await Promise.all(posted).finally(() => clearInterval(progress));
  await Promise.all(churning);
  return { ingested, streamStart };
}
