import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guardTable, type TableClient } from '../adapters/dynamo/table-guard';
import { type FunctionName, functions } from '../manifest';
import { once } from './once';
import { config } from './runtime';

/**
 * Without these a DynamoDB call whose connection hangs (no answer, no reset) holds the invocation until
 * the function's timeout, with every delivery it claimed. With them the SDK gives up on that one request
 * and retries it (a `TimeoutError` is transient): the table's conditional writes make a retried write that
 * had in fact landed harmless. A request on AWS takes milliseconds; 5 s leaves room for a 1 MB page from
 * DynamoDB Local on a busy machine. SES has none on purpose (`mail.ts`): a send retried after a lost
 * answer would be a second message.
 */
const DYNAMODB_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true };

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
      new DynamoDBClient({
        region: c.region,
        endpoint: c.dynamodbEndpoint,
        credentials,
        requestHandler: DYNAMODB_TIMEOUTS,
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    return { db: guardTable(db, functions[name].table, name), tableName: c.tableName };
  });
}
