import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamPointer } from '../../dead-letters/dead-letter';
import { plainValue } from '../../dead-letters/dead-letter';
import type { StreamRecords } from '../../use-cases/replay-dead-letters';

/** Errors meaning the stream no longer holds the records: trimmed after 24 h, or the stream is gone. */
const GONE = new Set(['TrimmedDataAccessException', 'ResourceNotFoundException', 'ExpiredIteratorException']);
/** GetRecords calls for one batch: a batch of up to 10 records is almost always in the first answer. */
const MAX_READS = 10;

/**
 * The records a stream mapping's failure record points at (`DDBStreamBatchInfo`), read from the stream
 * from its first sequence number to its last; undefined once the stream has dropped them.
 */
export function makeStreamRecords(streams: Pick<DynamoDBStreamsClient, 'send'>): StreamRecords {
  return {
    async keysOf(pointer: StreamPointer) {
      const end = BigInt(pointer.endSequenceNumber);
      const keys: { pk: unknown; sk: unknown }[] = [];
      try {
        let iterator = (
          await streams.send(
            new GetShardIteratorCommand({
              StreamArn: pointer.streamArn,
              ShardId: pointer.shardId,
              ShardIteratorType: 'AT_SEQUENCE_NUMBER',
              SequenceNumber: pointer.startSequenceNumber,
            }),
          )
        ).ShardIterator;
        for (let read = 0; iterator && read < MAX_READS; read++) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          for (const record of page.Records ?? []) {
            const sequence = record.dynamodb?.SequenceNumber;
            if (sequence === undefined || BigInt(sequence) > end) return keys.length > 0 ? keys : undefined;
            const { pk, sk } = record.dynamodb?.Keys ?? {};
            keys.push({ pk: plainValue(pk), sk: plainValue(sk) });
          }
          if (keys.length >= pointer.batchSize) return keys;
          iterator = page.NextShardIterator;
        }
      } catch (error) {
        if (error instanceof Error && GONE.has(error.name)) return undefined;
        throw error;
      }
      return keys.length > 0 ? keys : undefined;
    },
  };
}
