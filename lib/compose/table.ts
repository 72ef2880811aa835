import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guardTable, type TableClient } from '../adapters/dynamo/table-guard';
import { type FunctionName, functions } from '../manifest';
import { once } from './once';
import { config } from './runtime';

/**
 * The table as one function may use it: a client built once per cold start, held to the function's
 * manifest entry. Each function's composition calls this once, so functions sharing a process (the local
 * runner) each keep their own guard.
 */
export function tableFor(name: FunctionName): () => { db: TableClient; tableName: string } {
  return once(() => {
    const c = config();
    const credentials = c.dynamodbEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: c.region, endpoint: c.dynamodbEndpoint, credentials }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    return { db: guardTable(db, functions[name].table, name), tableName: c.tableName };
  });
}
