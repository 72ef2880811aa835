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
 * had in fact landed harmless. SES has none on purpose (`mail.ts`): a send retried after a lost answer
 * would be a second message.
 *
 * How long a request may take is a tenth of the function's own time limit, from 5 to 30 s. A request on
 * AWS takes milliseconds; 5 s leaves room for a 1 MB page from DynamoDB Local on a busy machine, and
 * gives up on a hung call before a stream batch's claims expire. A long scheduled job (the topic snapshot
 * reads every topic, with 15 minutes to do it) can afford to wait out an emulator busy with a digest run:
 * at full load in bench:load its 1 MB pages took over 5 s three times running, and the run failed.
 */
export function dynamodbTimeoutsFor(name: FunctionName) {
  const requestTimeout = Math.min(30_000, Math.max(5_000, functions[name].timeoutSeconds * 100));
  return { connectionTimeout: 2_000, requestTimeout, throwOnRequestTimeout: true };
}

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
        requestHandler: dynamodbTimeoutsFor(name),
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    return { db: guardTable(db, functions[name].table, name), tableName: c.tableName };
  });
}
