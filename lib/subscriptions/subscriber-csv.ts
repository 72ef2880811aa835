/**
 * The subscriber CSV that `tidings subscribers import` reads and `export` writes: a header row naming the
 * columns in any order, then one row per address and frequency. Rows are checked by the validators the
 * subscribe API uses, so an import accepts exactly what a subscribe request would.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ValidationError } from '../errors';
import { normaliseEmail } from './email-address';
import { DEFAULT_DIGEST_WEEKDAY, FREQUENCIES, type TopicChoice, type Weekday } from './model';
import { parseSubscriptionRequest, type SubscriptionRequest } from './subscription-request';
import { sameQuery } from './topic-set';

export const CSV_COLUMNS = [
  'email',
  'topics',
  'frequency',
  'timezone',
  'digestHour',
  'digestWeekday',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['email', 'topics'];

/** Between the queries of the topics column: queries are free text, but a `;` in one is rare. */
export const TOPIC_SEPARATOR = ';';

/**
 * Spreadsheets run a cell that starts with one of these as a formula (CSV injection), and topics and
 * addresses are typed by the public: such a cell is written with a `'` in front, which spreadsheets show
 * as text and import takes off again. A cell that already starts with `'`s before one gets one more, so
 * every value comes back exactly.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function escapeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unescapeCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value;
}

const rowError = (reason: string) => new ValidationError('invalid_csv_row', reason);

/**
 * One physical line as CSV fields. No column holds a line break, so a record never spans lines: a broken
 * quote spoils its own line only, instead of swallowing the rows after it into one field.
 */
export function splitCsvLine(line: string): string[] {
  try {
    return (parse(line, {}) as string[][])[0] ?? [];
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      throw rowError(
        'Unbalanced quotes: a quoted field must end on the line it starts (no column holds a line break).',
      );
    }
    if (code !== undefined && /QUOTE/.test(code)) {
      throw rowError('Unbalanced quotes: quote the whole field, and double each quote inside it ("").');
    }
    throw error;
  }
}

export interface CsvHeader {
  /** The column of each field, by position. */
  readonly columns: readonly CsvColumn[];
}

/** The header row: names matched without regard to case or surrounding spaces; unknown ones are an error. */
export function readHeader(line: string): CsvHeader {
  const names = splitCsvLine(line.replace(/^\uFEFF/, '')).map((name) => name.trim());
  const byLowerCase = new Map(CSV_COLUMNS.map((column) => [column.toLowerCase(), column]));
  const unknown = names.filter((name) => !byLowerCase.has(name.toLowerCase()));
  const known = `The columns are ${CSV_COLUMNS.join(', ')}.`;
  if (unknown.length > 0) {
    const named = unknown.map((name) => (name === '' ? 'an unnamed column' : `"${name}"`));
    throw new ValidationError(
      'invalid_csv_header',
      `Unknown column${unknown.length === 1 ? '' : 's'} ${named.join(', ')} in the header row. ${known}`,
    );
  }
  const columns = names.map((name) => byLowerCase.get(name.toLowerCase()) as CsvColumn);
  const repeated = columns.filter((column, i) => columns.indexOf(column) !== i);
  if (repeated.length > 0) {
    throw new ValidationError(
      'invalid_csv_header',
      `The header row names ${[...new Set(repeated)].join(', ')} more than once.`,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new ValidationError(
      'invalid_csv_header',
      `The header row has no ${missing.join(' or ')} column. ${known}`,
    );
  }
  return { columns };
}

/** A row's cells by column, as typed (minus the `'` export puts before formula-like cells). */
export function rowCells(fields: readonly string[], header: CsvHeader): Partial<Record<CsvColumn, string>> {
  if (fields.length !== header.columns.length) {
    throw rowError(
      `Expected ${header.columns.length} fields (${header.columns.join(', ')}), found ${fields.length}.`,
    );
  }
  return Object.fromEntries(header.columns.map((column, i) => [column, unescapeCell(fields[i] ?? '')]));
}

/**
 * A row as the subscription it asks for, through the API's validators: an empty or missing optional
 * column takes the API's default (instant, UTC, 07:00, Monday).
 */
export function readRow(
  cells: Partial<Record<CsvColumn, string>>,
  limits: { readonly maxTopics: number },
): SubscriptionRequest {
  const optional = (column: CsvColumn) => {
    const value = cells[column]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return parseSubscriptionRequest(
    {
      email: cells.email ?? '',
      topics: (cells.topics ?? '').split(TOPIC_SEPARATOR),
      frequency: optional('frequency'),
      timezone: optional('timezone'),
      digestHour: optional('digestHour'),
      digestWeekday: optional('digestWeekday'),
    },
    limits,
  );
}

/** One address of an import: every row that names it, merged into one request. */
export interface ImportEntry {
  readonly request: SubscriptionRequest;
  /** The file lines of its rows, first to last. */
  readonly lines: readonly number[];
}

export interface RowError {
  readonly line: number;
  /** The address cell as written, for the report. */
  readonly email: string;
  readonly reason: string;
}

/**
 * Collects the valid rows of a file by address. One address may take several rows (an export writes one
 * per frequency); they must agree on the digest settings, may not give one query two frequencies, and
 * together stay within the topic limit. An address is imported with all its rows or not at all, so a
 * bad row also holds back the other rows of its address, each reported with the line to fix.
 */
export class ImportPlan {
  private readonly byEmail = new Map<string, { request: SubscriptionRequest; lines: number[] }>();
  private readonly errors: RowError[] = [];
  /** Address → the line whose error holds it back. */
  private readonly refused = new Map<string, number>();
  private readonly rawEmails = new Map<number, string>();

  constructor(private readonly limits: { readonly maxTopics: number }) {}

  /** Records the error of a row; `email` is its address cell, held back with it when it is valid. */
  reject(line: number, email: string, reason: string): void {
    this.errors.push({ line, email, reason });
    let address: string | undefined;
    try {
      address = normaliseEmail(email);
    } catch {
      return;
    }
    if (!this.refused.has(address)) this.refused.set(address, line);
  }

  add(line: number, email: string, request: SubscriptionRequest): void {
    this.rawEmails.set(line, email);
    const earlier = this.byEmail.get(request.email);
    if (!earlier) {
      this.byEmail.set(request.email, { request, lines: [line] });
      return;
    }
    const conflict = mergeConflict(earlier.request, request, earlier.lines, this.limits.maxTopics);
    if (typeof conflict === 'string') {
      this.reject(line, email, conflict);
      return;
    }
    earlier.request = conflict;
    earlier.lines.push(line);
  }

  /** The addresses to import, in the order the file first names them. */
  entries(): ImportEntry[] {
    return [...this.byEmail.values()].filter(({ request }) => !this.refused.has(request.email));
  }

  /** Every row that will not be imported, by line, with its reason. */
  rejections(): RowError[] {
    const heldBack: RowError[] = [];
    for (const [address, line] of this.refused) {
      for (const other of this.byEmail.get(address)?.lines ?? []) {
        heldBack.push({
          line: other,
          email: this.rawEmails.get(other) ?? address,
          reason: `Not imported: line ${line} gives the same address and was rejected.`,
        });
      }
    }
    return [...this.errors, ...heldBack].sort((a, b) => a.line - b.line);
  }
}

/** The two rows of one address as one request, or why they cannot be one. */
function mergeConflict(
  earlier: SubscriptionRequest,
  row: SubscriptionRequest,
  earlierLines: readonly number[],
  maxTopics: number,
): SubscriptionRequest | string {
  const first = earlierLines[0];
  for (const setting of ['timezone', 'digestHour', 'digestWeekday'] as const) {
    if (earlier[setting] !== row[setting]) {
      return `Line ${first} gives the same address ${setting} ${earlier[setting]}, this row ${row[setting]}: one address has one ${setting}.`;
    }
  }
  const topics = new Map<string, TopicChoice>(earlier.topics.map((topic) => [sameQuery(topic.query), topic]));
  for (const topic of row.topics) {
    const known = topics.get(sameQuery(topic.query));
    if (known && known.frequency !== topic.frequency) {
      return `Line ${first} gives the same address the topic "${known.query}" ${known.frequency}, this row ${topic.frequency}.`;
    }
    if (!known) topics.set(sameQuery(topic.query), topic);
  }
  if (topics.size > maxTopics) {
    return `With line ${first} the address has ${topics.size} topics; give at most ${maxTopics}.`;
  }
  return { ...earlier, topics: [...topics.values()] };
}

/** What export writes of one subscriber. */
export interface ExportedSubscriber {
  readonly email: string;
  readonly timezone: string;
  readonly digestHour: number;
  readonly digestWeekday?: Weekday;
  readonly topics: readonly TopicChoice[];
}

export interface ExportRows {
  readonly rows: string[][];
  /** Topics the format cannot carry (a query with the separator in it), with the reason. */
  readonly left: readonly { readonly query: string; readonly reason: string }[];
}

/**
 * A subscriber's rows, in columns order: one per frequency its topics have, instant first, so importing
 * them gives every topic its own frequency back. Queries are written in their one-line form (`sameQuery`),
 * which is the same topic, in alphabetical order.
 */
export function exportRows(subscriber: ExportedSubscriber): ExportRows {
  const left: { query: string; reason: string }[] = [];
  const rows: string[][] = [];
  for (const frequency of FREQUENCIES) {
    const queries: string[] = [];
    for (const topic of subscriber.topics.filter((t) => t.frequency === frequency)) {
      const query = sameQuery(topic.query);
      if (query.includes(TOPIC_SEPARATOR)) {
        left.push({ query, reason: `it contains "${TOPIC_SEPARATOR}", which separates topics in the file` });
      } else queries.push(query);
    }
    if (queries.length === 0) continue;
    // Sorted, so a subscriber's rows are the same in every export.
    queries.sort((a, b) => a.localeCompare(b));
    rows.push([
      subscriber.email,
      queries.join(TOPIC_SEPARATOR),
      frequency,
      subscriber.timezone,
      String(subscriber.digestHour),
      subscriber.digestWeekday ?? DEFAULT_DIGEST_WEEKDAY,
    ]);
  }
  return { rows, left };
}

/** Lines of CSV (CRLF, as RFC 4180 and spreadsheets expect), every cell escaped against formulas. */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => row.map(escapeCell)),
    { record_delimiter: 'windows' },
  );
}

export const exportHeader = (): string[] => [...CSV_COLUMNS];

export const ERROR_REPORT_HEADER = ['line', 'email', 'reason'];

/** The rows of the error report; an address cell is cut short, since a broken one can be any length. */
export const errorReportRows = (errors: readonly RowError[]): string[][] =>
  errors.map((error) => [String(error.line), error.email.slice(0, 320), error.reason]);
