import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import {
  csvLines,
  escapeCell,
  exportHeader,
  exportRows,
  ImportPlan,
  readHeader,
  readRow,
  rowCells,
  splitCsvLine,
  unescapeCell,
} from '../../lib/subscriptions/subscriber-csv';

const limits = { maxTopics: 3 };

/** A data line read under a header line, as the import reads them. */
const row = (header: string, line: string) =>
  readRow(rowCells(splitCsvLine(line), readHeader(header)), limits);

const reasonOf = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('the header row', () => {
  it('names the columns in any order, in any case, with spaces and a byte-order mark around them', () => {
    expect(readHeader('\uFEFFTopics, EMAIL ,digestweekday,digestHour').columns).toEqual([
      'topics',
      'email',
      'digestWeekday',
      'digestHour',
    ]);
    expect(readHeader('email,topics,frequency,timezone,digestHour,digestWeekday').columns).toEqual(
      exportHeader(),
    );
  });

  it('refuses unknown, unnamed, repeated and missing columns, naming them', () => {
    expect(reasonOf(() => readHeader('email,topics,name,Plan'))).toBe(
      'Unknown columns "name", "Plan" in the header row. The columns are email, topics, frequency, timezone, digestHour, digestWeekday.',
    );
    expect(reasonOf(() => readHeader('email,topics,'))).toMatch(/^Unknown column an unnamed column/);
    expect(reasonOf(() => readHeader('email,topics,Email'))).toBe(
      'The header row names email more than once.',
    );
    expect(reasonOf(() => readHeader('email,frequency'))).toMatch(/^The header row has no topics column\./);
  });
});

describe('a row', () => {
  it('takes the API defaults for missing and empty columns', () => {
    const defaults = {
      email: 'ann@example.com',
      topics: [{ query: 'Iran AND Iraq', frequency: 'instant' }],
      frequency: 'instant',
      timezone: 'UTC',
      digestHour: 7,
      digestWeekday: 'monday',
    };
    expect(row('topics,email', 'Iran AND Iraq,Ann@Example.com')).toEqual(defaults);
    expect(
      row('email,topics,frequency,timezone,digestHour,digestWeekday', 'ann@example.com,Iran AND Iraq,,,,'),
    ).toEqual(defaults);
  });

  it('reads every column, topics separated by semicolons, quoted fields with commas and quotes', () => {
    expect(
      row(
        'digestWeekday,digestHour,timezone,frequency,topics,email',
        'Friday,07,Asia/Tokyo,weekly,"""Qassem Soleimani"";Gaza -football, NOT cricket;;",bo@example.com',
      ),
    ).toEqual({
      email: 'bo@example.com',
      topics: [
        { query: '"Qassem Soleimani"', frequency: 'weekly' },
        { query: 'Gaza -football, NOT cricket', frequency: 'weekly' },
      ],
      frequency: 'weekly',
      timezone: 'Asia/Tokyo',
      digestHour: 7,
      digestWeekday: 'friday',
    });
  });

  it('says what is wrong with a broken row, as the subscribe API would', () => {
    const header = 'email,topics,frequency,timezone,digestHour';
    const broken = (line: string) => reasonOf(() => row(header, line));
    expect(broken('not-an-address,Iran,,,')).toBe('"not-an-address" is not a valid email address.');
    expect(broken('"ann@example.com\rBcc: all@example.com",Iran,,,')).toMatch(
      /invisible or control character \(U\+000D\)/,
    );
    expect(broken('ann@example.com,Iran AND (Iraq,,,')).toBe(
      'Topic 1 ("Iran AND (Iraq"): Unbalanced parenthesis at column 10',
    );
    expect(broken('ann@example.com,"""Qassem Soleimani",,,')).toMatch(/^Topic 1 .*quote/i);
    expect(broken('ann@example.com,Iran,,,24')).toBe('"digestHour" must be a whole hour from 0 to 23.');
    expect(broken('ann@example.com,Iran,,,7.5')).toBe('"digestHour" must be a whole hour from 0 to 23.');
    expect(broken('ann@example.com,a1;a2;a3;a4,,,')).toBe('Give at most 3 topics.');
    expect(broken('ann@example.com,Iran,hourly,,')).toBe(
      '"frequency" must be one of: instant, daily, weekly.',
    );
    expect(broken('ann@example.com,Iran,,Mars/Olympus,')).toMatch(/must be an IANA time zone/);
    expect(broken('ann@example.com,Iran')).toBe(
      'Expected 5 fields (email, topics, frequency, timezone, digestHour), found 2.',
    );
    expect(broken('ann@example.com,"Iran AND Iraq,,,')).toBe(
      'Unbalanced quotes: a quoted field must end on the line it starts (no column holds a line break).',
    );
    expect(broken('ann@example.com,"Iran" AND Iraq,,,')).toBe(
      'Unbalanced quotes: quote the whole field, and double each quote inside it ("").',
    );
    expect(broken('Bcc: all@example.com",Iran,,,')).toMatch(/^Unbalanced quotes/);
  });
});

describe('the import plan', () => {
  const request = (email: string, topics: string, frequency = 'instant', digestHour = '') =>
    readRow({ email, topics, frequency, digestHour }, limits);

  it('merges the rows of one address, each topic with its own frequency, in file order', () => {
    const plan = new ImportPlan(limits);
    plan.add(2, 'ann@example.com', request('ann@example.com', 'Iran;Iraq'));
    plan.add(3, 'bo@example.com', request('bo@example.com', 'Gaza'));
    plan.add(4, 'ANN@example.com', request('ann@example.com', 'Basra; Iran'));
    plan.add(5, 'ann@example.com', request('ann@example.com', 'Basra', 'instant'));
    expect(plan.rejections()).toEqual([]);
    expect(plan.entries()).toEqual([
      {
        lines: [2, 4, 5],
        request: expect.objectContaining({
          email: 'ann@example.com',
          topics: [
            { query: 'Iran', frequency: 'instant' },
            { query: 'Iraq', frequency: 'instant' },
            { query: 'Basra', frequency: 'instant' },
          ],
        }),
      },
      { lines: [3], request: expect.objectContaining({ email: 'bo@example.com' }) },
    ]);
  });

  it('holds an address back, every row of it, when one of its rows is wrong or contradicts another', () => {
    const plan = new ImportPlan(limits);
    plan.add(2, 'ann@example.com', request('ann@example.com', 'Iran'));
    plan.add(3, 'ann@example.com', request('ann@example.com', 'Iran', 'daily'));
    plan.add(4, 'cy@example.com', request('cy@example.com', 'Gaza'));
    plan.add(5, 'cy@example.com', request('cy@example.com', 'Basra', 'instant', '9'));
    plan.add(6, 'di@example.com', request('di@example.com', 'a;b'));
    plan.add(7, 'di@example.com', request('di@example.com', 'c;d', 'weekly'));
    plan.add(8, 'ed@example.com', request('ed@example.com', 'Kyiv'));
    plan.reject(9, ' Ed@Example.com', 'Give at most 3 topics.');
    plan.add(10, 'fay@example.com', request('fay@example.com', 'Oil'));
    plan.reject(11, 'not an address', 'not valid');
    expect(plan.entries().map((entry) => entry.request.email)).toEqual(['fay@example.com']);
    expect(plan.rejections()).toEqual([
      {
        line: 2,
        email: 'ann@example.com',
        reason: 'Not imported: line 3 gives the same address and was rejected.',
      },
      {
        line: 3,
        email: 'ann@example.com',
        reason: 'Line 2 gives the same address the topic "Iran" instant, this row daily.',
      },
      {
        line: 4,
        email: 'cy@example.com',
        reason: 'Not imported: line 5 gives the same address and was rejected.',
      },
      {
        line: 5,
        email: 'cy@example.com',
        reason: 'Line 4 gives the same address digestHour 7, this row 9: one address has one digestHour.',
      },
      {
        line: 6,
        email: 'di@example.com',
        reason: 'Not imported: line 7 gives the same address and was rejected.',
      },
      { line: 7, email: 'di@example.com', reason: 'With line 6 the address has 4 topics; give at most 3.' },
      {
        line: 8,
        email: 'ed@example.com',
        reason: 'Not imported: line 9 gives the same address and was rejected.',
      },
      { line: 9, email: ' Ed@Example.com', reason: 'Give at most 3 topics.' },
      { line: 11, email: 'not an address', reason: 'not valid' },
    ]);
  });
});

describe('cells a spreadsheet would run as formulas', () => {
  it('are written with a quote in front, which import takes off again, whatever the value', () => {
    for (const value of ['=HYPERLINK("x")', '+1', '-football AND Gaza', '@SUM(A1)', "'=x", "''-y", '\tz']) {
      expect(escapeCell(value)).toBe(`'${value}`);
      expect(unescapeCell(escapeCell(value))).toBe(value);
    }
    for (const value of ['Iran', "O'Brien", "'quoted'", '']) {
      expect(escapeCell(value)).toBe(value);
      expect(unescapeCell(value)).toBe(value);
    }
  });

  it('and a cell with a line break is quoted, so a report stays one record a row', () => {
    expect(csvLines([['2', 'a@b.c\r\nBcc: x', '=1']])).toBe('2,"a@b.c\r\nBcc: x",\'=1\r\n');
  });
});

describe('exported rows', () => {
  it('give one row per frequency, instant first, queries on one line and sorted; one with ";" is left out', () => {
    const { rows, left } = exportRows({
      email: 'ann@example.com',
      timezone: 'Europe/London',
      digestHour: 18,
      topics: [
        { query: 'Gaza', frequency: 'weekly' },
        { query: 'Iran\n  AND Iraq', frequency: 'instant' },
        { query: 'oil;gas', frequency: 'daily' },
        { query: 'Basra', frequency: 'instant' },
      ],
    });
    expect(rows).toEqual([
      ['ann@example.com', 'Basra;Iran AND Iraq', 'instant', 'Europe/London', '18', 'monday'],
      ['ann@example.com', 'Gaza', 'weekly', 'Europe/London', '18', 'monday'],
    ]);
    expect(left).toEqual([
      { query: 'oil;gas', reason: 'it contains ";", which separates topics in the file' },
    ]);
  });

  it('read back by the import as the same subscriber', () => {
    const subscriber = {
      email: '-dash@example.com',
      timezone: 'Asia/Tokyo',
      digestHour: 6,
      digestWeekday: 'friday' as const,
      topics: [
        { query: '-football AND Gaza', frequency: 'daily' as const },
        { query: '"Qassem Soleimani" OR "oil, gas"', frequency: 'instant' as const },
        { query: 'title:oil', frequency: 'daily' as const },
      ],
    };
    const text = csvLines([exportHeader(), ...exportRows(subscriber).rows]);
    const [headerLine, ...lines] = text.split('\r\n').filter((line) => line !== '');
    const header = readHeader(headerLine ?? '');
    const plan = new ImportPlan({ maxTopics: 25 });
    lines.forEach((line, i) => {
      const cells = rowCells(splitCsvLine(line), header);
      plan.add(i + 2, cells.email ?? '', readRow(cells, { maxTopics: 25 }));
    });
    expect(plan.rejections()).toEqual([]);
    const [entry] = plan.entries();
    expect(entry?.request).toMatchObject({
      email: subscriber.email,
      timezone: subscriber.timezone,
      digestHour: subscriber.digestHour,
      digestWeekday: subscriber.digestWeekday,
    });
    const byQuery = (a: { query: string }, b: { query: string }) => a.query.localeCompare(b.query);
    expect([...(entry?.request.topics ?? [])].sort(byQuery)).toEqual([...subscriber.topics].sort(byQuery));
  });
});
