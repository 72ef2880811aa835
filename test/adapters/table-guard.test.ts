import { DescribeTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { makeDynamoArticleStore } from '../../lib/adapters/dynamo/article-store';
import { makeDynamoArticleWriter } from '../../lib/adapters/dynamo/article-writer';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import { GSI1, keys, TOPICS_INDEX } from '../../lib/adapters/dynamo/keys';
import { guardTable, type TableClient } from '../../lib/adapters/dynamo/table-guard';
import { storySignature } from '../../lib/articles/near-duplicate';
import { UndeclaredAccessError } from '../../lib/errors';
import { functions, type TableAccess } from '../../lib/manifest';
import { familiesOf, indexFamilies, itemFamilies } from '../../lib/table';

const TableName = 't';

/** Stands in for DynamoDB behind the guard: records what got through and answers nothing. */
function recorder() {
  const sent: unknown[] = [];
  const db: TableClient = {
    send: (async (command: unknown) => {
      sent.push(command);
      return {};
    }) as TableClient['send'],
  };
  return { db, sent };
}

function guarded(access: TableAccess) {
  const { db, sent } = recorder();
  return { db: guardTable(db, access, 'example'), sent };
}

const article = keys.article('a1');
const profile = keys.profile('s1');

describe('guardTable', () => {
  it('passes the declared reads, creates, updates and deletes through unchanged', async () => {
    const { db, sent } = guarded({
      read: ['article'],
      create: ['subscriber'],
      update: ['subscriber'],
      delete: ['subscriber'],
    });
    const commands = [
      new GetCommand({ TableName, Key: article }),
      new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [article, keys.article('a2')] } } }),
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': article.pk, ':p': 'A' },
      }),
      new PutCommand({ TableName, Item: { ...profile }, ConditionExpression: 'attribute_not_exists(pk)' }),
      new UpdateCommand({
        TableName,
        Key: profile,
        UpdateExpression: 'SET a = :a',
        ExpressionAttributeValues: { ':a': 1 },
      }),
      new DeleteCommand({ TableName, Key: profile }),
    ];
    for (const command of commands) await db.send(command as GetCommand);
    expect(sent).toEqual(commands);
  });

  it('refuses an action class the function did not declare, naming the function and the partition', async () => {
    const { db, sent } = guarded({ read: ['article'] });
    await expect(
      db.send(new UpdateCommand({ TableName, Key: article, UpdateExpression: 'SET a = :a' })),
    ).rejects.toThrow(
      new UndeclaredAccessError(
        'The example function tried to update an item in partition "ARTICLE#a1", which its manifest entry (lib/manifest.ts) does not declare.',
      ),
    );
    await expect(db.send(new DeleteCommand({ TableName, Key: article }))).rejects.toThrow(
      UndeclaredAccessError,
    );
    expect(sent).toEqual([]);
  });

  it('refuses a declared action on a family the function did not declare', async () => {
    const { db } = guarded({ read: ['article'] });
    await expect(db.send(new GetCommand({ TableName, Key: profile }))).rejects.toThrow(
      /read an item in partition "SUB#s1"/,
    );
    await expect(db.send(new GetCommand({ TableName, Key: keys.email('a@example.com') }))).rejects.toThrow(
      UndeclaredAccessError,
    );
    await expect(
      db.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [article, profile] } } })),
    ).rejects.toThrow(UndeclaredAccessError);
  });

  it('refuses a put without a condition: Tidings creates items, it never overwrites them blindly', async () => {
    const { db } = guarded({ create: ['article'] });
    await expect(db.send(new PutCommand({ TableName, Item: { ...article } }))).rejects.toThrow(
      /overwrite an item without a condition/,
    );
  });

  it('holds index queries to the declared index partitions', async () => {
    const { db, sent } = guarded({ index: ['topics'] });
    const query = (pk: string, index: string = TOPICS_INDEX) =>
      new QueryCommand({
        TableName,
        IndexName: index,
        KeyConditionExpression: index === GSI1 ? 'gsi1pk = :pk' : 'tpk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      });
    await db.send(query(keys.topicShard('TOPICS', 3)));
    await db.send(query(keys.topicShard('RETIRED', 0)));
    expect(sent).toHaveLength(2);
    await expect(db.send(query(keys.articleDay('2026-12-01'), GSI1))).rejects.toThrow(
      /query index partition "DAY#2026-12-01"/,
    );
    // Each family is read from its own index only, which is all its grant names.
    await expect(db.send(query(keys.topicShard('TOPICS', 3), GSI1))).rejects.toThrow(
      /query index partition "TOPICS#3"/,
    );
    await expect(
      guarded({ index: ['digestSubscribers'] }).db.send(query(keys.digestShard(1))),
    ).rejects.toThrow(/query index partition "DIGESTS#1"/);
    await expect(
      db.send(
        new QueryCommand({
          TableName,
          IndexName: 'other',
          KeyConditionExpression: 'x = :x',
          ExpressionAttributeValues: { ':x': 'TOPICS#1' },
        }),
      ),
    ).rejects.toThrow(/unknown index "other"/);
  });

  it('refuses a query whose partition key it cannot read rather than guessing', async () => {
    const { db } = guarded({ read: ['article'] });
    await expect(
      db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'sk = :sk',
          ExpressionAttributeValues: { ':sk': 'x' },
        }),
      ),
    ).rejects.toThrow(/partition key cannot be read/);
  });

  it('needs transactions declared, and checks every item inside one', async () => {
    const write = (items: TransactWriteCommand['input']['TransactItems']) =>
      new TransactWriteCommand({ TransactItems: items });
    const put = { Put: { TableName, Item: { ...profile }, ConditionExpression: 'attribute_not_exists(pk)' } };
    const withoutTransactions = guarded({ create: ['subscriber'] });
    await expect(withoutTransactions.db.send(write([put]))).rejects.toThrow(/write a transaction/);

    const { db, sent } = guarded({ create: ['subscriber'], update: ['email'], transact: true });
    await db.send(
      write([
        put,
        { Update: { TableName, Key: keys.email('a@example.com'), UpdateExpression: 'REMOVE expiresAt' } },
      ]),
    );
    expect(sent).toHaveLength(1);
    await expect(db.send(write([put, { Delete: { TableName, Key: profile } }]))).rejects.toThrow(
      /delete an item in partition "SUB#s1"/,
    );
    await expect(
      db.send(write([put, { Update: { TableName, Key: profile, UpdateExpression: 'SET a = :a' } }])),
    ).rejects.toThrow(/update an item in partition "SUB#s1"/);
  });

  it('allows DescribeTable only to a function that declares the probe', async () => {
    await expect(
      guarded({ describe: true }).db.send(new DescribeTableCommand({ TableName })),
    ).resolves.toEqual({});
    await expect(
      guarded({ read: ['article'] }).db.send(new DescribeTableCommand({ TableName })),
    ).rejects.toThrow(/describe the table/);
  });

  it('refuses Scan whatever is declared, and BatchWriteItem unless its puts are declared batchCreate', async () => {
    const { db } = guarded({ read: ['article', 'email', 'subscriber'], create: ['article'] });
    await expect(db.send(new ScanCommand({ TableName }) as unknown as GetCommand)).rejects.toThrow(
      /sent ScanCommand/,
    );
    const batch = (...requests: NonNullable<BatchWriteCommand['input']['RequestItems']>[string]) =>
      new BatchWriteCommand({ RequestItems: { [TableName]: requests } });
    // A conditional create does not stand for an unconditional batch put.
    await expect(db.send(batch({ PutRequest: { Item: { ...article } } }))).rejects.toThrow(
      /tried to batchCreate an item in partition "ARTICLE#a1"/,
    );

    const importer = guarded({ batchCreate: ['subscriber'] });
    await expect(
      importer.db.send(
        batch({ PutRequest: { Item: { ...profile } } }, { PutRequest: { Item: { ...article } } }),
      ),
    ).rejects.toThrow(/batchCreate an item in partition "ARTICLE#a1"/);
    await expect(importer.db.send(batch({ DeleteRequest: { Key: profile } }))).rejects.toThrow(
      /tried to delete in a batch/,
    );
    expect(importer.sent).toEqual([]);
    await importer.db.send(batch({ PutRequest: { Item: { ...profile } } }));
    expect(importer.sent).toHaveLength(1);
  });

  it('holds the real stores to the manifest: send cannot store articles, ingest cannot read or queue anything', async () => {
    const send = guardTable(recorder().db, functions.send.table, 'send');
    const storedArticle = {
      id: 'a1',
      title: 't',
      body: ['b'],
      publishedAt: '2026-12-01T00:00:00.000Z',
      ingestedAt: '2026-12-01T00:00:00.000Z',
      fingerprint: 'f',
      storyId: 'a1',
      signature: storySignature('t', ['b']),
    };
    await expect(
      makeDynamoArticleWriter(send, TableName).putIfAbsent(storedArticle as never),
    ).rejects.toThrow('The send function tried to write a transaction');

    const ingest = guardTable(recorder().db, functions.ingest.table, 'ingest');
    await expect(
      makeDynamoArticleStore(ingest, TableName).listPublishedSince(new Date(), new Date(), 1),
    ).rejects.toThrow(UndeclaredAccessError);
    await expect(
      makeDynamoDeliveryStore(ingest, TableName).queueAlert(
        { kind: 'alert', subscriberId: 's1', key: 'ALERT#a1', articleId: 'a1', topics: [] },
        new Date(),
      ),
    ).rejects.toThrow(UndeclaredAccessError);
    await expect(
      makeDynamoArticleWriter(ingest, TableName).putIfAbsent(storedArticle as never),
    ).resolves.toBe('stored');
  });
});

describe('item and index families', () => {
  it('cover every key the adapters build, each in exactly one family', () => {
    const itemKeys = [
      keys.article('x'),
      keys.email('a@example.com'),
      keys.profile('s'),
      keys.topic('s', 't'),
      keys.delivery('s', 'ALERT#x'),
      keys.pendingDigestItem('s', 'daily', 'x'),
      keys.rateCounter('subscribe-ip#x', '2026-12-01T09:00:00.000Z'),
      keys.request('s', 'r'),
      keys.topicSnapshotHead(),
      keys.topicSnapshotPart('2026-12-02T09:00:00.000Z#ab12cd34', 3),
    ];
    for (const key of itemKeys) expect(familiesOf(itemFamilies, key.pk), key.pk).toHaveLength(1);
    const indexKeys = [
      keys.articleByDay('2026-12-01', '2026-12-01T00:00:00Z', 'x').gsi1pk,
      keys.topicShard('TOPICS', 1),
      keys.topicShard('RETIRED', 15),
      keys.topicIndex('TOPICS', 's', 'now').tpk,
      keys.digestDueShard(2),
      keys.digestDue('s', new Date()).gsi1pk,
      keys.digestShard(2),
      keys.digestIndex('s').gsi1pk,
    ];
    for (const key of indexKeys) expect(familiesOf(indexFamilies, key), key).toHaveLength(1);
    expect(familiesOf(itemFamilies, 'METADATA')).toEqual([]);
    expect(familiesOf(itemFamilies, 'OTHER#1')).toEqual([]);
  });
});
