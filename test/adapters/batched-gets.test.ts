import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBatchedGets } from '../../lib/adapters/dynamo/batched-gets';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

describe('gets made together go out as one BatchGetItem', () => {
  it('answers each get as GetItem would, found or not, in one request', async () => {
    const { db, tableName } = table;
    for (const id of ['a', 'b', 'c']) {
      await db.send(new PutCommand({ TableName: tableName, Item: { pk: `SUB#${id}`, sk: 'PROFILE', id } }));
    }
    const sent: string[] = [];
    const counting: TableClient = {
      send: ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
        sent.push(command.constructor.name);
        return (db.send as (...args: unknown[]) => unknown)(command, ...rest);
      }) as TableClient['send'],
    };
    const batched = withBatchedGets(counting);
    const get = (id: string) =>
      batched.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `SUB#${id}`, sk: 'PROFILE' },
          ConsistentRead: true,
        }),
      );
    const answers = await Promise.all(['a', 'b', 'missing', 'c', 'a'].map(get));
    expect(answers.map((a) => a.Item?.id)).toEqual(['a', 'b', undefined, 'c', 'a']);
    expect(sent).toEqual([BatchGetCommand.name]);
  });
});
