import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDynamoArticleWriter } from '../../lib/adapters/dynamo/article-writer';
import { normaliseArticle } from '../../lib/articles';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { eventually, linkIn, mailFor, projectRoot } from '../support/local-stack';
import { killHard, npmStartEnv, startNpmStart } from '../support/npm-start';

const children: ChildProcess[] = [];
let dataDir: string;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start after a crash', () => {
  it('keeps its data and resumes the work it had not done', async () => {
    const started = await npmStartEnv('restart');
    dataDir = started.dataDir;
    const { env } = started;
    const api = `http://localhost:${env.PORT}`;
    const outboxDir = join(dataDir, 'outbox');

    const first = await startNpmStart(env, children);
    const subscribed = await fetch(`${api}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'gail@example.com', topics: ['Iran AND Iraq'] }),
    });
    expect(subscribed.status).toBe(202);
    const [confirmation] = await eventually(async () => {
      const mail = await mailFor(outboxDir, 'gail@example.com');
      return mail.length ? mail : undefined;
    });
    const confirmUrl = linkIn(confirmation?.mail.text ?? '', '/confirm');
    expect((await fetch(confirmUrl, { method: 'POST' })).status).toBe(200);
    await killHard(first);

    // While Tidings is down, an article lands in its table, as if the crash came right after the write.
    const db = await startDynamoDbLocal({
      projectRoot,
      port: Number(env.DYNAMODB_PORT),
      dbPath: join(dataDir, 'dynamodb'),
    });
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: db.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const article = normaliseArticle(
      {
        title: 'Iran and Iraq agree a border survey',
        text: 'Iran and Iraq agreed to survey the border together.',
      },
      new Date(),
    );
    expect(await makeDynamoArticleWriter(client, 'tidings').putIfAbsent(article)).toBe('stored');
    client.destroy();
    await db.stop();

    await startNpmStart(env, children);
    const alert = await eventually(async () => (await mailFor(outboxDir, 'gail@example.com'))[1], 30_000);
    expect(alert.mail.subject).toContain('Iran and Iraq agree a border survey');
    // The confirmation link from before the crash still confirms (the signing secret survived too).
    expect((await fetch(confirmUrl, { method: 'POST' })).status).toBe(200);
  }, 240_000);
});
