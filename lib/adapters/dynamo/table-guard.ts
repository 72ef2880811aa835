import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { UndeclaredAccessError } from '../../errors';
import type { TableAccess } from '../../manifest';
import { familiesOf, indexFamilies, indexOfFamily, itemFamilies, tableSchema } from '../../table';

/** What the adapters need of a DynamoDB document client: sending commands. */
export type TableClient = Pick<DynamoDBDocumentClient, 'send'>;

type ItemClass = 'read' | 'create' | 'update' | 'delete' | 'batchCreate';
type Key = Readonly<Record<string, unknown>> | undefined;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What the guarded code is and where its declaration lives, for the error message. */
export interface Declarant {
  readonly kind: string;
  readonly declaredIn: string;
}

const lambda: Declarant = { kind: 'function', declaredIn: 'its manifest entry (lib/manifest.ts)' };

/**
 * A table client that sends only what `access` declares, so the manifest entry behind the function's IAM
 * policy is also what its code is held to when it runs locally and in tests. `owner` names the function (or,
 * with `declarant`, the other caller, such as a CLI command) in the error.
 */
export function guardTable(
  db: TableClient,
  access: TableAccess,
  owner: string,
  declarant: Declarant = lambda,
): TableClient {
  const refuse = (what: string): never => {
    throw new UndeclaredAccessError(
      `The ${owner} ${declarant.kind} ${what}, which ${declarant.declaredIn} does not declare.`,
    );
  };

  const item = (actionClass: ItemClass, pk: unknown) => {
    const families = familiesOf(itemFamilies, String(pk));
    const allowed = access[actionClass] ?? [];
    if (families.length === 0 || !families.every((family) => allowed.includes(family))) {
      refuse(`tried to ${actionClass} an item in partition "${String(pk)}"`);
    }
  };

  const writeItem = (write: TransactItem) => {
    if (write.Put) {
      if (!write.Put.ConditionExpression) refuse('tried to overwrite an item without a condition');
      item('create', write.Put.Item?.[tableSchema.partitionKey]);
    } else if (write.Update) item('update', (write.Update.Key as Key)?.[tableSchema.partitionKey]);
    else if (write.Delete) item('delete', (write.Delete.Key as Key)?.[tableSchema.partitionKey]);
    else if (write.ConditionCheck)
      item('read', (write.ConditionCheck.Key as Key)?.[tableSchema.partitionKey]);
  };

  const check = (command: unknown) => {
    const pk = (key: Key) => key?.[tableSchema.partitionKey];
    if (command instanceof GetCommand) return item('read', pk(command.input.Key));
    if (command instanceof BatchGetCommand) {
      for (const request of Object.values(command.input.RequestItems ?? {})) {
        for (const key of request.Keys ?? []) item('read', pk(key));
      }
      return;
    }
    if (command instanceof BatchWriteCommand) {
      for (const requests of Object.values(command.input.RequestItems ?? {})) {
        for (const request of requests) {
          if (!request.PutRequest) refuse('tried to delete in a batch, where no condition can guard it');
          item('batchCreate', pk(request.PutRequest?.Item));
        }
      }
      return;
    }
    if (command instanceof QueryCommand) return query(command);
    if (command instanceof PutCommand) return writeItem({ Put: command.input } as TransactItem);
    if (command instanceof UpdateCommand) return item('update', pk(command.input.Key));
    if (command instanceof DeleteCommand) return item('delete', pk(command.input.Key));
    if (command instanceof TransactWriteCommand) {
      if (!access.transact) refuse('tried to write a transaction');
      for (const write of command.input.TransactItems ?? []) writeItem(write);
      return;
    }
    if (command instanceof DescribeTableCommand) {
      if (!access.describe) refuse('tried to describe the table');
      return;
    }
    refuse(`sent ${(command as object)?.constructor?.name ?? 'an unknown command'}`);
  };

  const query = (command: QueryCommand) => {
    const { IndexName, KeyConditionExpression = '', ExpressionAttributeValues = {} } = command.input;
    const index = tableSchema.indexes.find((i) => i.name === IndexName);
    if (IndexName && !index) refuse(`tried to query the unknown index "${IndexName}"`);
    const keyName = index ? index.partitionKey : tableSchema.partitionKey;
    // Tidings writes key conditions as `<partition key> = :placeholder [AND …]`.
    const placeholder = new RegExp(`(?:^|\\W)${keyName}\\s*=\\s*(:\\w+)`).exec(KeyConditionExpression)?.[1];
    const value = placeholder === undefined ? undefined : ExpressionAttributeValues[placeholder];
    if (value === undefined) return refuse(`sent a query whose partition key cannot be read`);
    if (!index) return item('read', value);
    // A family is read from its own index only: the grant names just the indexes of declared families.
    const families = familiesOf(indexFamilies, String(value)).filter(
      (family) => indexOfFamily[family] === index.name,
    );
    const allowed = access.index ?? [];
    if (families.length === 0 || !families.every((family) => allowed.includes(family))) {
      refuse(`tried to query index partition "${String(value)}"`);
    }
  };

  return {
    // Refusals reject like a failed request would, so callers see one kind of failure.
    send: ((command: Parameters<TableClient['send']>[0], ...rest: unknown[]) => {
      try {
        check(command);
      } catch (error) {
        return Promise.reject(error);
      }
      return (db.send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as TableClient['send'],
  };
}
