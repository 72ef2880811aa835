import { access, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * SES's event publishing for Send events, durable the way SES's is. On AWS the event of a message SES
 * accepted reaches the feedback function whatever happens to the sender; here SES runs inside the process
 * that sends, so the event is written to disk before SES answers, and a restart publishes what a killed
 * process left unpublished before anything else runs (`start`). The outbox file is what makes a message
 * accepted: an event whose message never reached the outbox (the process died in between) is dropped,
 * as SES would not have sent it either.
 */
export interface SendEventJournal {
  /** Keeps the event of a message about to be accepted; called before its outbox file is written. */
  record(fileId: string, event: Record<string, unknown>): Promise<void>;
  /** The message is in the outbox: its event may go out. */
  accepted(fileId: string): void;
}

export interface SendEventPublisherOptions {
  /** Where unpublished events wait, one file per message. */
  readonly dir: string;
  readonly outboxDir: string;
  /** Hands one SES event (as SNS message text) to the topic's subscribers; resolves once they are done. */
  readonly publish: (message: string) => Promise<void>;
  readonly log: (line: string) => void;
  /** SNS invokes a subscriber for many messages at once; so does this. */
  readonly concurrency?: number;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export function startSendEventPublisher(options: SendEventPublisherOptions) {
  const concurrency = options.concurrency ?? 8;
  const queue: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  const eventFile = (fileId: string) => join(options.dir, `${fileId}.json`);

  async function publishOne(fileId: string) {
    try {
      const message = await readFile(eventFile(fileId), 'utf8');
      await options.publish(message);
      await unlink(eventFile(fileId));
    } catch (error) {
      // Left on disk: the next start publishes it (the feedback function is idempotent).
      options.log(`[ses-events] publishing the Send event of ${fileId} failed: ${(error as Error).message}`);
    }
  }

  function pump() {
    while (started && !stopped && queue.length > 0 && inFlight.size < concurrency) {
      const fileId = queue.shift() as string;
      const running: Promise<void> = publishOne(fileId).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  }

  const journal: SendEventJournal = {
    async record(fileId, event) {
      await writeFile(eventFile(fileId), JSON.stringify(event));
    },
    accepted(fileId) {
      queue.push(fileId);
      pump();
    },
  };

  return {
    journal,
    /** Makes the folder; events recorded before `start` wait for it. */
    async prepare() {
      await mkdir(options.dir, { recursive: true });
    },
    /**
     * Publishes what an earlier process left behind (its outbox file says SES accepted it), drops the
     * events of messages that never got that far, and only then lets new events go out.
     */
    async start() {
      const queued = new Set(queue);
      for (const name of await readdir(options.dir)) {
        if (!name.endsWith('.json')) continue;
        const fileId = name.slice(0, -'.json'.length);
        if (queued.has(fileId)) continue;
        if (await exists(join(options.outboxDir, `${fileId}.eml`))) queue.unshift(fileId);
        else await unlink(join(options.dir, name));
      }
      started = true;
      pump();
      while (queue.length > 0 || inFlight.size > 0) await Promise.race(inFlight);
    },
    /** True when no event waits or is being published. */
    get idle() {
      return queue.length === 0 && inFlight.size === 0;
    },
    async stop() {
      stopped = true;
      await Promise.all(inFlight);
    },
  };
}

export type SendEventPublisher = ReturnType<typeof startSendEventPublisher>;
