import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inferType,
  parseTypeOption,
  rootElement,
  sniffType,
  walkDirectory,
} from '../../lib/cli/ingest-inputs';

const RSS = '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Quay Gazette</title></channel></rss>';
const ATOM =
  '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<!-- generated -->\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay</title></feed>';

describe('the type a file is sent as', () => {
  it('follows the extension, in any case', () => {
    expect(inferType('news/ferry.txt', 'anything')).toBe('text/plain');
    expect(inferType('news/ferry.TEXT', '{"looks":"like json"}')).toBe('text/plain');
    expect(inferType('list.json', '')).toBe('application/json');
    expect(inferType('feed.rss', ATOM)).toBe('application/rss+xml');
    expect(inferType('feed.atom', RSS)).toBe('application/atom+xml');
    expect(inferType('page.html', 'plain words')).toBe('text/html');
    expect(inferType('page.HTM', '')).toBe('text/html');
  });

  it('reads the root element of an .xml file: <feed> is Atom, anything else RSS', () => {
    expect(inferType('feed.xml', RSS)).toBe('application/rss+xml');
    expect(inferType('feed.xml', ATOM)).toBe('application/atom+xml');
    expect(inferType('feed.xml', '<!DOCTYPE feed><feed/>')).toBe('application/atom+xml');
    expect(inferType('broken.xml', 'not xml at all')).toBe('application/rss+xml');
  });

  it('sniffs a file with no known extension as it sniffs stdin', () => {
    expect(inferType('story', '  [{"text":"x"}]')).toBe('application/json');
    expect(inferType('story', 'Ferry resumes\n\nThe ferry sailed again.')).toBe('text/plain');
  });
});

describe('sniffing a body with no name', () => {
  it.each([
    ['{"title":"Ferry","text":"The ferry sailed."}', 'application/json'],
    ['\n  [{"text":"The ferry sailed."}]', 'application/json'],
    [RSS, 'application/rss+xml'],
    ['<rss version="2.0"><channel/></rss>', 'application/rss+xml'],
    [ATOM, 'application/atom+xml'],
    ['<feed xmlns="http://www.w3.org/2005/Atom"/>', 'application/atom+xml'],
    ['<!doctype html><html><body>Ferry</body></html>', 'text/html'],
    ['<!DOCTYPE HTML>\n<html lang="en">', 'text/html'],
    ['<html>\n<head>', 'text/html'],
    ['<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', 'text/html'],
    ['Ferry resumes after storm\n\nThe island ferry sailed again on Tuesday.', 'text/plain'],
    ['<b>bold</b> wire copy is still wire copy', 'text/plain'],
    ['', 'text/plain'],
  ])('%j is %s', (text, type) => {
    expect(sniffType(text)).toBe(type);
  });

  it('finds the root element past a byte-order mark, declaration, comments and doctype', () => {
    expect(rootElement(ATOM)).toBe('feed');
    expect(rootElement('<?xml version="1.0"?><!DOCTYPE rss><!-- a --><RSS>')).toBe('rss');
    expect(rootElement('plain text')).toBeUndefined();
  });
});

describe('--type', () => {
  it('takes short names and media types, and nothing else', () => {
    expect(parseTypeOption('wire')).toBe('text/plain');
    expect(parseTypeOption('JSON')).toBe('application/json');
    expect(parseTypeOption('atom')).toBe('application/atom+xml');
    expect(parseTypeOption('application/rss+xml')).toBe('application/rss+xml');
    expect(parseTypeOption('html')).toBe('text/html');
    expect(parseTypeOption('application/pdf')).toBeUndefined();
    expect(parseTypeOption('')).toBeUndefined();
  });
});

describe('walking a directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidings-ingest-walk-'));
    const files = [
      'b.txt',
      'a.json',
      'notes.md',
      'README',
      '.hidden.txt',
      '.drafts/secret.txt',
      'feeds/z.xml',
      'feeds/a.atom',
      'feeds/deeper/page.html',
      'a-b.rss',
      'Upper.TXT',
    ];
    for (const file of files) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), 'x');
    }
    await symlink(join(dir, 'b.txt'), join(dir, 'link.txt'));
    await symlink(join(dir, 'feeds'), join(dir, 'loop'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every file depth first in sorted order, skipping hidden ones silently and unknown ones with a reason', async () => {
    const entries = await walkDirectory(dir);
    const relative = entries.map((e) => ({ ...e, path: e.path.slice(dir.length + 1) }));
    expect(relative).toEqual([
      { path: 'README', skipped: 'unknown extension' },
      { path: 'Upper.TXT' },
      { path: 'a-b.rss' },
      { path: 'a.json' },
      { path: 'b.txt' },
      { path: 'feeds/a.atom' },
      { path: 'feeds/deeper/page.html' },
      { path: 'feeds/z.xml' },
      { path: 'link.txt' },
      { path: 'loop', skipped: 'not a regular file' },
      { path: 'notes.md', skipped: 'unknown extension .md' },
    ]);
  });

  it('joins paths onto the directory as it was given', async () => {
    const entries = await walkDirectory(join(dir, 'feeds'));
    expect(entries.map((e) => e.path)).toEqual([
      join(dir, 'feeds/a.atom'),
      join(dir, 'feeds/deeper/page.html'),
      join(dir, 'feeds/z.xml'),
    ]);
  });
});
