import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDynamoDbLocal,
  JavaMissingError,
  type RunningDynamoDbLocal,
  startDynamoDbLocal,
} from '../../lib/local/dynamodb-local';
import { diesWithin, exitOf, isAlive, startTiedChild } from './process-helpers';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// Each JVM start takes 2-7 s on a busy two-core machine; some tests start two.
const jvmTimeout = { timeout: 120_000 };

function clientFor(endpoint: string, region = 'local', keys = credentials): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: keys });
}

async function createArticlesTable(client: DynamoDBClient, name: string, withStream = false): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(withStream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } : {}),
    }),
  );
}

describe('startDynamoDbLocal (in memory, free port)', jvmTimeout, () => {
  let db: RunningDynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    db = await startDynamoDbLocal({ projectRoot });
    client = clientFor(db.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await db?.stop();
  });

  it('serves the DynamoDB API on the reported endpoint', async () => {
    expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
    await createArticlesTable(client, 'articles');
    await client.send(
      new PutItemCommand({ TableName: 'articles', Item: { pk: { S: 'a1' }, title: { S: 'Hi' } } }),
    );

    const { Item } = await client.send(
      new GetItemCommand({ TableName: 'articles', Key: { pk: { S: 'a1' } } }),
    );

    expect(Item).toEqual({ pk: { S: 'a1' }, title: { S: 'Hi' } });
  });

  it('shows every client the same tables, whatever its region and credentials', async () => {
    await createArticlesTable(client, 'shared-check');
    const stranger = clientFor(db.endpoint, 'eu-west-1', {
      accessKeyId: 'OTHERKEY',
      secretAccessKey: 'other',
    });

    const { TableNames } = await stranger.send(new ListTablesCommand({}));
    stranger.destroy();

    expect(TableNames).toContain('shared-check');
  });

  it('supports DynamoDB Streams with NEW_IMAGE records', async () => {
    await createArticlesTable(client, 'streamed', true);
    await client.send(
      new PutItemCommand({ TableName: 'streamed', Item: { pk: { S: 's1' }, n: { N: '7' } } }),
    );
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'streamed' }));
    const streamArn = Table?.LatestStreamArn;
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(streamArn).toMatch(/^arn:aws:dynamodb:/);

    const streams = new DynamoDBStreamsClient({ endpoint: db.endpoint, region: 'local', credentials });
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'streamed' }));
    expect(Streams?.map((stream) => stream.StreamArn)).toEqual([streamArn]);
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = description.StreamDescription?.Shards?.[0]?.ShardId;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    streams.destroy();

    expect(Records?.map((record) => [record.eventName, record.dynamodb?.NewImage])).toEqual([
      ['INSERT', { pk: { S: 's1' }, n: { N: '7' } }],
    ]);
  });

  it('refuses a fixed port that is already taken instead of talking to whoever holds it', async () => {
    await expect(startDynamoDbLocal({ projectRoot, port: db.port })).rejects.toThrow(
      `DynamoDB Local cannot listen on port ${db.port}: another process is using it.`,
    );
  });
});

describe('startDynamoDbLocal with dbPath', jvmTimeout, () => {
  let dbPath: string;

  beforeAll(async () => {
    dbPath = await mkdtemp(join(tmpdir(), 'tidings-ddb-'));
  });

  afterAll(async () => {
    await rm(dbPath, { recursive: true, force: true });
  });

  it('keeps tables and items across a stop and a restart', async () => {
    const first = await startDynamoDbLocal({ projectRoot, dbPath });
    const writer = clientFor(first.endpoint);
    await createArticlesTable(writer, 'kept');
    await writer.send(
      new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'k1' }, body: { S: 'still here' } } }),
    );
    writer.destroy();
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);

    const second = await startDynamoDbLocal({ projectRoot, dbPath });
    const reader = clientFor(second.endpoint);
    try {
      const { Item } = await reader.send(new GetItemCommand({ TableName: 'kept', Key: { pk: { S: 'k1' } } }));
      expect(Item).toEqual({ pk: { S: 'k1' }, body: { S: 'still here' } });
    } finally {
      reader.destroy();
      await second.stop();
    }
  });
});

describe('DynamoDB Local process lifetime', jvmTimeout, () => {
  it('stop() resolves once java has exited and the port is closed', async () => {
    const db = await startDynamoDbLocal({ projectRoot });

    await db.stop();

    expect(isAlive(db.pid)).toBe(false);
    await expect(fetch(db.endpoint)).rejects.toThrow();
  });

  it('java dies when the Node process that started it is SIGKILLed', async () => {
    const { parent, commandPid } = await startTiedChild('dynamodb', 'hold');
    expect(isAlive(commandPid)).toBe(true);

    parent.kill('SIGKILL');

    expect(await exitOf(parent)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await diesWithin(commandPid, 5000)).toBe(true);
  });

  it('fails with one clear sentence when java is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const attempt = startDynamoDbLocal({ projectRoot });
      await expect(attempt).rejects.toBeInstanceOf(JavaMissingError);
      await expect(attempt).rejects.toThrow(/^DynamoDB Local needs Java 17 or newer: install it with /);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('ensureDynamoDbLocal', jvmTimeout, () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tidings-ddb-cache-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lets concurrent callers share one extracted copy and leaves no temporary folders', async () => {
    const [first, second] = await Promise.all([ensureDynamoDbLocal(root), ensureDynamoDbLocal(root)]);

    const cacheParent = join(root, 'node_modules', '.cache', 'tidings');
    expect(first).toBe(join(cacheParent, 'amplify-dynamodb-simulator-2.9.30'));
    expect(second).toBe(first);
    expect(existsSync(join(first, 'DynamoDBLocal.jar'))).toBe(true);
    expect(existsSync(join(first, 'DynamoDBLocal_lib'))).toBe(true);
    expect(await readdir(cacheParent)).toEqual(['amplify-dynamodb-simulator-2.9.30']);
  });
});
