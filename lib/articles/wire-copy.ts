import { ValidationError } from '../errors';
import { cleanText, collapseSpaces, countChars, splitParagraphs } from './clean-text';
import { parseIsoDate, parseWireDate } from './dates';
import { type CaptionAndCredit, splitCaptionAndCredit } from './photo-credit';
import type { ArticleInput } from './types';

const DATE_LINE = /^date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$/i;
const PUBLISHED_LINE = /^published\s*:\s*(.*)$/i;
const UPDATED_LINE = /^last\s+updated\s*:\s*(.*)$/i;
const UPDATED_LABEL = /\blast\s+updated\s*:/i;
const HEADLINE_LINE_MAX_CHARS = 150;
const ENDS_SENTENCE = /[.!?…。！？؟]["'”’»)\]]*$/u;
const QUOTED_LINE_MAX_CHARS = 80;

/**
 * Reads agency copy pasted from a news site:
 *
 *     [headline]
 *     [date 2024-09-11 <photo caption> <credit>]
 *     [Published: Wed 11 Sep 2024, 3:52 PM [Last updated: Wed 11 Sep 2024, 3:55 PM]]
 *     paragraphs separated by blank lines
 *
 * Headline rule: the first non-empty line is the headline when it is not a date/Published line, is at most
 * HEADLINE_LINE_MAX_CHARS long, does not end like a sentence (. ! ? …), and is followed by a blank line and
 * more text. Otherwise there is no headline and one is derived later from the lead sentence.
 * The header lines may come in any order; everything after them is body.
 * A Published time with a zone ("3:52 PM BST", "15:52 +0300") is that instant; without one it stays wall-clock
 * time, whose zone `normaliseArticle` chooses (see parseWireDate). Without a Published line, the date line's
 * date (midnight UTC) is the publication date.
 */
export function parseWireCopy(raw: string): ArticleInput {
  const lines = cleanText(raw)
    .split('\n')
    .map((line) => line.trim());
  let at = nextNonBlank(lines, 0);
  if (at === lines.length) throw new ValidationError('empty_article', 'The article text is empty.');

  let title: string | undefined;
  if (isHeadlineLine(lines, at)) {
    title = collapseSpaces(lines[at] ?? '');
    at = nextNonBlank(lines, at + 1);
  }

  let photo: CaptionAndCredit = {};
  let photoDate: Date | undefined;
  let publishedAt: string | undefined;
  let updatedAt: string | undefined;
  while (at < lines.length) {
    const line = lines[at] ?? '';
    const dateLine = DATE_LINE.exec(line);
    const published = PUBLISHED_LINE.exec(line);
    const updated = UPDATED_LINE.exec(line);
    if (dateLine && !photoDate) {
      photoDate = readDateLineDate(dateLine[1] ?? '', line);
      photo = splitCaptionAndCredit(dateLine[2] ?? '');
    } else if (published && !publishedAt) {
      const [publishedText = '', updatedText] = (published[1] ?? '').split(UPDATED_LABEL);
      publishedAt = readWireDate(publishedText, line);
      if (updatedText !== undefined) updatedAt = readWireDate(updatedText, line);
    } else if (updated && !updatedAt) {
      updatedAt = readWireDate(updated[1] ?? '', line);
    } else {
      break;
    }
    at = nextNonBlank(lines, at + 1);
  }

  const paragraphs = splitParagraphs(lines.slice(at).join('\n'));
  if (paragraphs.length === 0) {
    throw new ValidationError(
      'empty_article',
      'The article has no body text after its date and "Published:" lines.',
    );
  }
  const publishedDate = publishedAt ?? photoDate?.toISOString();
  return {
    text: paragraphs.join('\n\n'),
    ...(title !== undefined && { title }),
    ...(publishedDate && { publishedAt: publishedDate }),
    ...(updatedAt && { updatedAt }),
    ...photo,
  };
}

function nextNonBlank(lines: readonly string[], from: number): number {
  let at = from;
  while (at < lines.length && lines[at] === '') at++;
  return at;
}

function isHeadlineLine(lines: readonly string[], at: number): boolean {
  const line = lines[at] ?? '';
  return (
    !DATE_LINE.test(line) &&
    !PUBLISHED_LINE.test(line) &&
    !UPDATED_LINE.test(line) &&
    countChars(line) <= HEADLINE_LINE_MAX_CHARS &&
    !ENDS_SENTENCE.test(line) &&
    lines[at + 1] === '' &&
    nextNonBlank(lines, at + 1) < lines.length
  );
}

function readDateLineDate(value: string, line: string): Date {
  const date = parseIsoDate(value);
  if (!date) {
    throw new ValidationError(
      'invalid_article',
      `The date line ${quote(line)} has no such calendar date as ${value}.`,
    );
  }
  return date;
}

function readWireDate(value: string, line: string): string {
  const date = parseWireDate(value);
  if (!date) {
    throw new ValidationError(
      'invalid_article',
      `Could not read the date in ${quote(line)}; expected e.g. "Published: Wed 11 Sep 2024, 3:52 PM".`,
    );
  }
  return date;
}

function quote(line: string): string {
  const chars = Array.from(line);
  return `"${chars.length > QUOTED_LINE_MAX_CHARS ? `${chars.slice(0, QUOTED_LINE_MAX_CHARS).join('')}…` : line}"`;
}
