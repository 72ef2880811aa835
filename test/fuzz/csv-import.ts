import fc from 'fast-check';
import { CSV_COLUMNS } from '../../lib/subscriptions/subscriber-csv';
import { hostileText, nasty, randomBytes } from './inputs';

/** A CSV cell as a spreadsheet would write it: quoted when it must be, sometimes quoted wrong. */
const cell = fc
  .tuple(
    fc.oneof(hostileText, fc.constantFrom('instant', 'daily', 'UTC', '7', 'Iran', '=cmd|/c calc!A1')),
    fc.nat(4),
  )
  .map(([text, style]) =>
    style === 0 ? `"${text.replace(/"/g, '""')}"` : style === 1 ? `"${text}` : text.replace(/[,\n]/g, ' '),
  );

const row = fc
  .tuple(fc.oneof(nasty, fc.emailAddress(), hostileText), fc.array(cell, { minLength: 1, maxLength: 6 }))
  .map(([email, cells]) => [email.includes(',') ? `"${email}"` : email, ...cells].join(','));

const header = fc.oneof(
  { weight: 4, arbitrary: fc.constant(CSV_COLUMNS.join(',')) },
  fc.constant('email,topics'),
  fc
    .shuffledSubarray([...CSV_COLUMNS, 'email', 'EMAIL', 'bogus', '"email"', '\ufeffemail'])
    .map((c) => c.join(',')),
  hostileText,
);

/** A whole import file: a header, hostile rows, odd line ends; or bytes that are no CSV at all. */
export const importFile: fc.Arbitrary<Buffer> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(header, fc.array(row, { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([head, rows, end]) => Buffer.from([head, ...rows].join(end))),
  },
  randomBytes,
  fc.constant(Buffer.from(`email,topics\n${'x'.repeat(3_000_000)}@example.com,Iran\n`)),
  fc.constant(Buffer.alloc(0)),
);
