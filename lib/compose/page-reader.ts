import { once } from './once';

// A web page needs a whole HTML parser and Readability: about 480 KB minified, built into a file of its own
// (`#html-dom`, the function's `lazyModules`) that only the first page loads; a bundle carrying them would
// cost every cold start ~25 ms to read and compile them (README, "Function bundles and cold imports").
// Shared by ingest (posted pages) and poll (pages feed items link to).
const pageReader = once(async () => {
  const [{ parseHtmlPage }, dom] = await Promise.all([import('../articles/html-page'), import('#html-dom')]);
  return (html: string) => parseHtmlPage(html, dom);
});

/** Reads a web page into its one article; see `parseHtmlPage`. */
export const parseHtmlPage = async (html: string) => (await pageReader())(html);
