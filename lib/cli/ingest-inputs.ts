import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** The media types `POST /articles` is sent; text/html is answered 415 until the server takes pages. */
export const INGEST_TYPES = [
  'text/plain',
  'application/json',
  'application/rss+xml',
  'application/atom+xml',
  'text/html',
] as const;
export type IngestType = (typeof INGEST_TYPES)[number];

/** What `--type` takes besides the media types themselves. */
const TYPE_NAMES: Record<string, IngestType> = {
  wire: 'text/plain',
  text: 'text/plain',
  txt: 'text/plain',
  json: 'application/json',
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  html: 'text/html',
};

/** `--type`'s value as a media type: a short name (`wire`, `json`, `rss`, `atom`, `html`) or the type itself. */
export function parseTypeOption(value: string): IngestType | undefined {
  const wanted = value.trim().toLowerCase();
  return TYPE_NAMES[wanted] ?? INGEST_TYPES.find((type) => type === wanted);
}

export const TYPE_OPTION_VALUES = `${Object.keys(TYPE_NAMES).join(', ')} or one of ${INGEST_TYPES.join(', ')}`;

/** By extension; `xml` means "a feed, the root element says which" (RSS unless it is an Atom `<feed>`). */
const BY_EXTENSION: Record<string, IngestType | 'xml'> = {
  '.txt': 'text/plain',
  '.text': 'text/plain',
  '.json': 'application/json',
  '.xml': 'xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.html': 'text/html',
  '.htm': 'text/html',
};

export function hasKnownExtension(path: string): boolean {
  return extname(path).toLowerCase() in BY_EXTENSION;
}

/**
 * The name of the document's first element, lowercased, after any byte-order mark, XML declaration,
 * processing instructions, comments and doctype; undefined when the text does not start with markup.
 */
export function rootElement(text: string): string | undefined {
  let rest = text.replace(/^\uFEFF/, '');
  for (;;) {
    rest = rest.trimStart();
    const prolog = /^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype[^>]*>)/i.exec(rest);
    if (!prolog) break;
    rest = rest.slice(prolog[0].length);
  }
  return /^<([A-Za-z_][\w.:-]*)/.exec(rest)?.[1]?.toLowerCase();
}

function feedType(text: string): IngestType {
  return rootElement(text) === 'feed' ? 'application/atom+xml' : 'application/rss+xml';
}

/**
 * What a body with no name to go by is: `{` or `[` JSON; an HTML doctype or `<html>` a page; `<rss`,
 * `<feed` or an XML declaration a feed (Atom when its root is `<feed>`, a page when it is `<html>`);
 * anything else wire copy.
 */
export function sniffType(text: string): IngestType {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'application/json';
  if (/^(?:<!doctype\s+html|<html[\s>])/i.test(start)) return 'text/html';
  if (/^(?:<rss[\s>]|<feed[\s>]|<\?xml)/i.test(start)) {
    return rootElement(start) === 'html' ? 'text/html' : feedType(start);
  }
  return 'text/plain';
}

/** A file's type from its extension, and from its text where the extension leaves it open (or is unknown). */
export function inferType(path: string, text: string): IngestType {
  const known = BY_EXTENSION[extname(path).toLowerCase()];
  if (known === 'xml') return feedType(text);
  return known ?? sniffType(text);
}

/** A file found under a directory: sent, or left out with the reason (hidden ones are left out silently). */
export interface WalkEntry {
  readonly path: string;
  readonly skipped?: string;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Every file under `dir`, joined onto it as it was given, depth first in sorted order (the same on every
 * machine: by code unit, not locale). Hidden files and folders are left out; files of unknown extensions
 * and anything that is not a file come with the reason they are skipped. Symbolic links to files are
 * followed; links to folders are not, so a loop cannot be walked forever.
 */
export async function walkDirectory(dir: string): Promise<WalkEntry[]> {
  const found: WalkEntry[] = [];
  const walk = async (folder: string) => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort(byName)) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (!(entry.isFile() || (entry.isSymbolicLink() && (await isLinkToFile(path)))))
        found.push({ path, skipped: 'not a regular file' });
      else if (!hasKnownExtension(path))
        found.push({ path, skipped: `unknown extension${extname(path) ? ` ${extname(path)}` : ''}` });
      else found.push({ path });
    }
  };
  await walk(dir);
  return found;
}

async function isLinkToFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
