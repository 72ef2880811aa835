import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'vitest';
import { eventually } from '../local-stack';
import { npmStartEnv, startNpmStart } from '../npm-start';
import { type Audience, seedAudience } from './audience';
import { outboxLetters, type Tally, tally } from './inbox';
import type { Letter } from './letter';
import { MATCHING, OTHERS, SETTLE_MS } from './sizes';
import { storyAbout } from './story';

const PRELOAD = pathToFileURL(join(import.meta.dirname, 'crash-preload.ts')).href;
const UNFINISHED = new Set(['queued', 'sending', 'retry']);

export interface CrashRun {
  readonly audience: Audience;
  /**
   * By what SES accepted (the recipients' view): the local SES endpoint writes each message to the outbox
   * before it answers, so a message taken just before the kill is there too.
   */
  readonly accepted: Tally;
  /** Messages SES had accepted when the process died. */
  readonly acceptedAtKill: number;
}

/** The test's deliveries in the child's table, read from its DynamoDB Local. */
async function deliveriesOf(dynamodbUrl: string, prefix: string): Promise<Record<string, unknown>[]> {
  const db = new DynamoDBClient({
    endpoint: dynamodbUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const found: Record<string, unknown>[] = [];
    let ExclusiveStartKey: ScanCommand['input']['ExclusiveStartKey'];
    do {
      const page = await db.send(new ScanCommand({ TableName: 'tidings', ExclusiveStartKey }));
      found.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found.filter((item) => item.entity === 'delivery' && String(item.subscriberId).startsWith(prefix));
  } finally {
    db.destroy();
  }
}

/**
 * 1. `npm start` with the crash preload armed (`kill`, see `crash-preload.ts`), on a data folder of its own
 * 2. subscribe an audience to `word` and publish a story about it; the process kills itself at the point
 * 3. `npm start` again on the same data, unarmed; its sweeper (every second here) queues the dead
 *    process's claims again once they are 3 s old
 * 4. wait until none of the story's deliveries is queued, claimed or waiting, twice in a row, and count
 */
export async function crashAndRestart(
  name: string,
  word: string,
  kill: string,
  children: ChildProcess[],
): Promise<CrashRun> {
  const started = await npmStartEnv(name);
  const outboxDir = join(started.dataDir, 'outbox');
  const env: Record<string, string> = {
    ...started.env,
    TIDINGS_INGEST_KEY: 'faults-key',
    TIDINGS_SUPPRESSION_SALT: 'faults-suppression-salt-0123456789',
    TIDINGS_MAX_SEND_RATE: '1000',
    TIDINGS_CLAIM_TIMEOUT_SECONDS: '3',
    TIDINGS_SCHEDULE_MINUTE_MS: '1000',
  };
  const dynamodbUrl = `http://127.0.0.1:${env.DYNAMODB_PORT}`;
  try {
    const first = await startNpmStart({ ...env, FAULTS_KILL: kill }, children, [PRELOAD]);
    const died = new Promise<NodeJS.Signals | null>((resolve) =>
      first.once('exit', (_, signal) => resolve(signal)),
    );
    const audience = await seedAudience(dynamodbUrl, 'tidings', env.TIDINGS_SUPPRESSION_SALT ?? '', {
      prefix: word,
      query: word,
      matching: MATCHING,
      others: OTHERS,
    });
    const story = storyAbout(word);
    const ingested = await fetch(`http://localhost:${env.PORT}/articles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.TIDINGS_INGEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(story),
    });
    expect(ingested.status).toBe(201);
    // The preload's kill is the fault: the process must die of it, not of anything else.
    expect(await died).toBe('SIGKILL');
    const acceptedAtKill = (await outboxLetters(outboxDir)).length;

    const second = await startNpmStart(env, children, [PRELOAD]);
    let quietLooks = 0;
    await eventually(async () => {
      const deliveries = await deliveriesOf(dynamodbUrl, word);
      const busy = deliveries.length === 0 || deliveries.some((d) => UNFINISHED.has(String(d.status)));
      quietLooks = busy ? 0 : quietLooks + 1;
      if (quietLooks >= 2) return true;
      await new Promise((r) => setTimeout(r, 1_000));
      return undefined;
    }, SETTLE_MS).catch(() => undefined);
    second.kill('SIGKILL');

    const ofStory = (letters: Letter[]) =>
      letters.filter((l) => l.subject.includes(story.title)).map((l) => l.to);
    return {
      audience,
      accepted: tally(audience, ofStory(await outboxLetters(outboxDir))),
      acceptedAtKill,
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await rm(started.dataDir, { recursive: true, force: true });
  }
}
