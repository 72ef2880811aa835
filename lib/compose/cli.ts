import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoBulkSubscriberStore } from '../adapters/dynamo/bulk-subscriber-store';
import { makeDynamoDeadLetterTable } from '../adapters/dynamo/dead-letter-table';
import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { makeDynamoDigestPauseSwitch } from '../adapters/dynamo/digest-pause-store';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makeDynamoSuppressionList } from '../adapters/dynamo/suppression-list';
import { guardTable, type TableClient } from '../adapters/dynamo/table-guard';
import { dlqCommandAccess } from '../command-access';
import { readLocalSettings } from '../local/local-env';
import type { TableAccess } from '../manifest';
import { makeAddressHasher } from '../subscriptions/suppression';
import { makeImportSubscribers } from '../use-cases/import-subscribers';
import {
  type FunctionRunner,
  makeReplayDeadLetters,
  type StreamRecords,
} from '../use-cases/replay-dead-letters';
import { makeSubscribeToTopics } from '../use-cases/subscribe-to-topics';
import { once } from './once';
import { systemClock, uuidIds } from './runtime';

/**
 * What `tidings subscribers import` and `export` may do with the table. It is not an entry of
 * `lib/manifest.ts` because every entry there becomes a Lambda function with its own IAM role, and these
 * commands run on an operator's machine with the operator's credentials. The declaration holds their
 * table client all the same, so they cannot do anything undeclared, locally or against AWS; and
 * `tableStatements(subscribersCommandAccess)` (`lib/stack/table-access.ts`) gives the IAM statements a
 * role for them needs.
 */
export const subscribersCommandAccess = {
  // Address claims and profiles by the hundred; a pending subscriber's send log; the suppression list,
  // which a new address is checked against before it gets a confirmation email.
  read: ['email', 'subscriber', 'suppression'],
  // Address claims (conditional); a pending subscriber's profile, topics, request, ledger line and
  // confirmation email.
  create: ['email', 'subscriber'],
  // A consented import's profiles, topics and ledger lines, in batches: only under the partitions of
  // subscribers whose claims it has just won, so there is nothing to overwrite.
  batchCreate: ['subscriber'],
  // What subscribing a new address updates (its claim's and profile's expiry).
  update: ['email', 'subscriber'],
  transact: true,
  // Export walks the index of active topics, never the whole table.
  index: ['topics'],
} as const satisfies TableAccess;

/**
 * The subscribers commands' use cases and stores, on `db` held to `subscribersCommandAccess`. `salt` is
 * the suppression list's (locally `.tidings/suppression-salt`; for a deployed table, the stack's secret).
 */
export function subscribersCommand(db: TableClient, tableName: string, salt: string) {
  const guarded = guardTable(db, subscribersCommandAccess, 'subscribers', {
    kind: 'command',
    declaredIn: 'its access declaration (lib/compose/cli.ts)',
  });
  const subscribers = makeDynamoSubscriberStore(guarded, tableName);
  const bulk = makeDynamoBulkSubscriberStore(guarded, tableName);
  const deliveries = makeDynamoDeliveryStore(guarded, tableName);
  const suppressions = once(() => makeDynamoSuppressionList(guarded, tableName, makeAddressHasher(salt)));
  return {
    subscribers: bulk,
    importSubscribers: makeImportSubscribers({
      subscribers: bulk,
      deliveries,
      subscribeToTopics: makeSubscribeToTopics({
        subscribers,
        deliveries,
        // Built on first use, so the export, which checks nothing, needs no salt.
        suppressions: { isSuppressed: (email) => suppressions().isSuppressed(email) },
        clock: systemClock,
        ids: uuidIds,
      }),
      clock: systemClock,
      ids: uuidIds,
    }),
  };
}

export interface CliTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** DynamoDB Local's address when the command talks to the local stack; undefined for AWS. */
  readonly localEndpoint: string | undefined;
}

/**
 * The table a CLI command works on. `TABLE_NAME` without `DYNAMODB_PORT` means a deployed table, reached
 * with the AWS SDK's own credentials and region (environment, profile, SSO); otherwise it is the local
 * stack's, found from the same variables `npm start` reads.
 */
export function cliTable(env: NodeJS.ProcessEnv, projectRoot: string): CliTable {
  const deployed = Boolean(env.TABLE_NAME) && !env.DYNAMODB_PORT;
  const settings = readLocalSettings(env, projectRoot);
  const localEndpoint = deployed ? undefined : `http://127.0.0.1:${settings.dynamodbPort}`;
  // A bulk import can outrun a table's capacity for a while: back off and retry instead of stopping.
  const retries = { retryMode: 'adaptive', maxAttempts: 8 } as const;
  const client = localEndpoint
    ? new DynamoDBClient({
        ...retries,
        endpoint: localEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new DynamoDBClient(retries);
  return {
    db: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: settings.tableName,
    localEndpoint,
  };
}

/** What `tidings digests status|pause|resume` may do: read and write the reputation guard's one item. */
export const digestsCommandAccess = {
  read: ['digestPause'],
  update: ['digestPause'],
} as const satisfies TableAccess;

/** The digest pause switch for the operator, on `db` held to `digestsCommandAccess`. */
export function digestsCommand(db: TableClient, tableName: string) {
  const guarded = guardTable(db, digestsCommandAccess, 'digests', {
    kind: 'command',
    declaredIn: 'its access declaration (lib/compose/cli.ts)',
  });
  return makeDynamoDigestPauseSwitch(guarded, tableName);
}

/**
 * The dead-letter replay on `db` held to `dlqCommandAccess`. `run` runs a function once: locally in-process,
 * on AWS by invoking the function the letter names; on AWS `stream` reads what a stream mapping's pointer
 * names.
 */
export function dlqCommand(
  db: TableClient,
  tableName: string,
  ways: { run?: FunctionRunner; stream?: StreamRecords },
) {
  const guarded = guardTable(db, dlqCommandAccess, 'dlq', {
    kind: 'command',
    declaredIn: 'its access declaration (lib/compose/cli.ts)',
  });
  return makeReplayDeadLetters({
    table: makeDynamoDeadLetterTable(guarded, tableName),
    ...ways,
    clock: systemClock,
  });
}
