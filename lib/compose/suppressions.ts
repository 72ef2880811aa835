import { makeDynamoSuppressionList } from '../adapters/dynamo/suppression-list';
import type { TableClient } from '../adapters/dynamo/table-guard';
import type { FunctionName } from '../manifest';
import type { SuppressionList } from '../ports';
import { makeAddressHasher } from '../subscriptions/suppression';
import { once } from './once';
import { secretFor } from './secrets';

/**
 * The suppression list as one function uses it: its own table client (`table`, from `tableFor`) and the salt
 * the function declares, fetched once per cold start.
 */
export function suppressionsFor(
  name: FunctionName,
  table: () => { db: TableClient; tableName: string },
): () => Promise<SuppressionList> {
  const salt = secretFor(name, 'suppressionSalt');
  return once(async () => {
    const { db, tableName } = table();
    return makeDynamoSuppressionList(db, tableName, makeAddressHasher(await salt()));
  });
}
