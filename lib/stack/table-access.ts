import { ConfigError } from '../errors';
import type { FunctionDeclaration, TableAccess, Trigger } from '../manifest';
import { type IndexName, indexOfFamily, itemFamilies } from '../table';

/** The IAM actions behind each item action class of the manifest. */
export const itemActions = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  create: ['dynamodb:PutItem'],
  update: ['dynamodb:UpdateItem'],
  delete: ['dynamodb:DeleteItem'],
  batchCreate: ['dynamodb:BatchWriteItem'],
} as const;

export type ItemActionClass = keyof typeof itemActions;
export const itemActionClasses = Object.keys(itemActions) as ItemActionClass[];
const writeClasses: readonly ItemActionClass[] = ['create', 'update', 'delete', 'batchCreate'];

/** One IAM statement of a function's table access, before the stack fills in the resource ARNs. */
export interface TableStatement {
  readonly actions: readonly string[];
  readonly on: 'table' | 'index';
  /** Partition key patterns for `dynamodb:LeadingKeys`; absent when the statement names no items. */
  readonly leadingKeys?: readonly string[];
  /** For an index statement, the indexes its families live in (and no other). */
  readonly indexes?: readonly IndexName[];
}

export function writesTable(access: TableAccess): boolean {
  return writeClasses.some((actionClass) => (access[actionClass]?.length ?? 0) > 0);
}

/** GET must not change state, and neither may the fallback, which only answers 404 and 405. */
export const changesNoState = (trigger: Trigger) =>
  (trigger.kind === 'http' && trigger.method === 'GET') || trigger.kind === 'fallback';

/**
 * A function reached only through GET routes serves pages and probes, and GET must not change state: its
 * declaration may not ask for any write. Nor may the function behind the fallback route, which any method
 * on any path reaches. Checked at synth, so such a declaration never deploys.
 */
export function checkTableAccess(name: string, declaration: FunctionDeclaration): void {
  const triggers: readonly Trigger[] = declaration.triggers;
  const onlyGets = triggers.length > 0 && triggers.every(changesNoState);
  if (onlyGets && writesTable(declaration.table)) {
    throw new ConfigError(
      `The ${name} function is reached only through GET routes, which must not change state, but declares table writes.`,
    );
  }
  if (triggers.some((t) => t.kind === 'fallback') && writesTable(declaration.table)) {
    throw new ConfigError(
      `The ${name} function answers every unmatched request, of any method, so it may not declare table writes.`,
    );
  }
  if (declaration.table.transact && !writesTable(declaration.table)) {
    throw new ConfigError(`The ${name} function declares transactions but no writes to put in them.`);
  }
}

/**
 * The statements that grant exactly `access`: each item action class on the partitions of its families
 * only, the indexes of its index families for queries, DescribeTable for the probe. Nothing else: no Scan, and BatchWriteItem only
 * for a declared `batchCreate`.
 */
export function tableStatements(access: TableAccess): TableStatement[] {
  const statements: TableStatement[] = [];
  for (const actionClass of itemActionClasses) {
    const families = access[actionClass] ?? [];
    if (families.length === 0) continue;
    statements.push({
      actions: itemActions[actionClass],
      on: 'table',
      leadingKeys: [...new Set(families.flatMap((family) => itemFamilies[family]))],
    });
  }
  const indexes = [...new Set((access.index ?? []).map((family) => indexOfFamily[family]))];
  if (indexes.length > 0) statements.push({ actions: ['dynamodb:Query'], on: 'index', indexes });
  if (access.describe) statements.push({ actions: ['dynamodb:DescribeTable'], on: 'table' });
  return statements;
}
