import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { checkTableAccess, tableStatements, writesTable } from '../../lib/stack/table-access';
import { declaration, get, post } from './declaration-fixture';

describe('tableStatements', () => {
  it('grants each item action class only on the partitions of its declared families', () => {
    expect(tableStatements({ read: ['article', 'subscriber'], update: ['subscriber'] })).toEqual([
      {
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
        ],
        on: 'table',
        leadingKeys: ['ARTICLE#*', 'SUB#*'],
      },
      { actions: ['dynamodb:UpdateItem'], on: 'table', leadingKeys: ['SUB#*'] },
    ]);
  });

  it('grants index queries, creates, deletes and the describe probe only when declared', () => {
    expect(
      tableStatements({ create: ['email'], delete: ['subscriber'], index: ['topics'], describe: true }),
    ).toEqual([
      { actions: ['dynamodb:PutItem'], on: 'table', leadingKeys: ['EMAIL#*'] },
      { actions: ['dynamodb:DeleteItem'], on: 'table', leadingKeys: ['SUB#*'] },
      { actions: ['dynamodb:Query'], on: 'index', indexes: ['topics'] },
      { actions: ['dynamodb:DescribeTable'], on: 'table' },
    ]);
    expect(tableStatements({})).toEqual([]);
    expect(tableStatements({ read: [], index: [] })).toEqual([]);
  });

  it('grants queries only on the indexes the declared index families live in', () => {
    expect(tableStatements({ index: ['articlesByDay', 'digestSubscribers'] })).toEqual([
      { actions: ['dynamodb:Query'], on: 'index', indexes: ['gsi1'] },
    ]);
    expect(tableStatements({ index: ['topics', 'articlesByDay'] })).toEqual([
      { actions: ['dynamodb:Query'], on: 'index', indexes: ['topics', 'gsi1'] },
    ]);
  });

  it('grants BatchWriteItem only for a declared batchCreate, on its families only', () => {
    expect(tableStatements({ batchCreate: ['subscriber'] })).toEqual([
      { actions: ['dynamodb:BatchWriteItem'], on: 'table', leadingKeys: ['SUB#*'] },
    ]);
  });

  it('never grants Scan, nor BatchWriteItem without a batchCreate, whatever else is declared', () => {
    const everything = tableStatements({
      read: ['article', 'email', 'subscriber', 'rate', 'suppression'],
      create: ['article', 'email', 'subscriber', 'rate', 'suppression'],
      update: ['article', 'email', 'subscriber', 'rate', 'suppression'],
      delete: ['article', 'email', 'subscriber', 'rate', 'suppression'],
      transact: true,
      index: ['articlesByDay', 'topics', 'digestSubscribers'],
      describe: true,
    }).flatMap((s) => s.actions);
    expect(everything).not.toContain('dynamodb:Scan');
    expect(everything).not.toContain('dynamodb:BatchWriteItem');
  });
});

describe('checkTableAccess', () => {
  it('accepts a GET-only function that only reads, and a POST function that writes', () => {
    expect(() => checkTableAccess('pages', declaration({}))).not.toThrow();
    expect(() =>
      checkTableAccess('form', declaration({ triggers: [get, post], table: { create: ['email'] } })),
    ).not.toThrow();
  });

  it('rejects a function reached only through GET routes that declares any write', () => {
    for (const table of [
      { create: ['article'] },
      { update: ['subscriber'] },
      { delete: ['rate'] },
    ] as const) {
      expect(() => checkTableAccess('pages', declaration({ table }))).toThrow(
        new ConfigError(
          'The pages function is reached only through GET routes, which must not change state, but declares table writes.',
        ),
      );
    }
  });

  it('rejects writes for the function behind the fallback route, which any method on any path reaches', () => {
    const fallback = { kind: 'fallback' } as const;
    expect(() => checkTableAccess('pages', declaration({ triggers: [get, fallback] }))).not.toThrow();
    expect(() =>
      checkTableAccess(
        'subscriptions',
        declaration({ triggers: [post, fallback], table: { update: ['subscriber'] } }),
      ),
    ).toThrow(
      new ConfigError(
        'The subscriptions function answers every unmatched request, of any method, so it may not declare table writes.',
      ),
    );
  });

  it('rejects transactions declared without any write to put in them', () => {
    expect(() =>
      checkTableAccess(
        'digest',
        declaration({ triggers: [post], table: { read: ['rate'], transact: true } }),
      ),
    ).toThrow(ConfigError);
  });

  it('counts only declared write classes with families as writes', () => {
    expect(writesTable({ read: ['article'], describe: true, index: ['topics'] })).toBe(false);
    expect(writesTable({ update: [] })).toBe(false);
    expect(writesTable({ delete: ['subscriber'] })).toBe(true);
  });
});
