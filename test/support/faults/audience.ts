import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoSubscriberStore } from '../../../lib/adapters/dynamo/subscriber-store';
import { makeDynamoSuppressionList } from '../../../lib/adapters/dynamo/suppression-list';
import type { Frequency } from '../../../lib/subscriptions/model';
import { makeAddressHasher } from '../../../lib/subscriptions/suppression';
import { subscribePending } from '../dynamo';
import { seedSubscribers } from '../subscribers';

/**
 * Who a fault test subscribed, and so who must get a story: `expected` are the confirmed, unsuppressed,
 * matching subscribers; `mustGetNothing` are the ones the invariant says nobody mails: subscribers of
 * another topic, subscribers who never confirmed, and matching subscribers whose address is suppressed.
 */
export interface Audience {
  readonly expected: readonly string[];
  readonly mustGetNothing: readonly string[];
}

export interface AudienceOptions {
  /** Every address starts with it, so one test's mail is told apart from another's on the same stack. */
  readonly prefix: string;
  /** The topic query the story matches. */
  readonly query: string;
  readonly matching: number;
  /** How many of each kind that must get nothing. */
  readonly others: number;
  readonly frequency?: Frequency;
}

const address = (id: string) => `${id}@example.com`;

function documentClient(dynamodbUrl: string) {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamodbUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

/**
 * Writes the audience straight to the emulator (never through a fault proxy), as a consented import and
 * the SES feedback handler would: the faults under test are the ones after the story arrives.
 */
export async function seedAudience(
  dynamodbUrl: string,
  tableName: string,
  suppressionSalt: string,
  options: AudienceOptions,
): Promise<Audience> {
  const { prefix, query, others } = options;
  const frequencyOf = () => options.frequency ?? 'instant';
  const matching = await seedSubscribers(dynamodbUrl, tableName, {
    prefix: `${prefix}-m`,
    count: options.matching,
    query,
    frequencyOf,
  });
  const otherTopic = await seedSubscribers(dynamodbUrl, tableName, {
    prefix: `${prefix}-n`,
    count: others,
    query: 'zebrafinch',
    frequencyOf,
  });
  const suppressed = await seedSubscribers(dynamodbUrl, tableName, {
    prefix: `${prefix}-s`,
    count: others,
    query,
    frequencyOf,
  });
  const db = documentClient(dynamodbUrl);
  const at = new Date();
  try {
    const list = makeDynamoSuppressionList(db, tableName, makeAddressHasher(suppressionSalt));
    for (const id of suppressed) {
      await list.suppress(
        address(id),
        { reason: 'permanent-bounce', detail: 'seeded by a fault test', messageId: 'seed', feedbackId: id },
        at,
      );
    }
    // Subscribed to the matching topic, never confirmed: no confirmation mail either (written directly).
    const store = makeDynamoSubscriberStore(db, tableName);
    const unconfirmed = Array.from({ length: others }, (_, i) => `${prefix}-u-${String(i).padStart(6, '0')}`);
    for (const id of unconfirmed) {
      await subscribePending(store, id, query, at, options.frequency ?? 'instant');
    }
    return {
      expected: matching.map(address),
      mustGetNothing: [...otherTopic, ...suppressed, ...unconfirmed].map(address),
    };
  } finally {
    db.destroy();
  }
}
