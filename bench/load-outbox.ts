import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One raw message the local mailer wrote once SES had accepted it. */
export interface OutboxMessage {
  readonly file: string;
  readonly to: string;
  /** Tidings' own Message-ID: a hash of subscriber and delivery key, then the kind (`alert`, `digest`, `confirm`). */
  readonly messageId: string;
  readonly kind: string;
  /** When the file was written, just after SES accepted the message. */
  readonly acceptedAt: number;
}

/** The head is all the bench reads of most messages: parsing every MIME body would cost minutes. */
const HEAD_BYTES = 8_192;

/** The header block, or undefined while the mailer is still writing the file (writeFile is not atomic). */
async function readHead(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\r\n\r\n');
    return end === -1 ? undefined : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

/**
 * Reads the outbox folder as it fills: each pass lists it and reads the head of every file not seen
 * before. `waitFor(address, kind)` resolves with the first such message to that address.
 */
export function watchOutbox(dir: string) {
  const seen = new Set<string>();
  const messages: OutboxMessage[] = [];
  const waiters = new Map<string, ((message: OutboxMessage) => void)[]>();
  const arrived = new Map<string, OutboxMessage>();
  const keyOf = (to: string, kind: string) => `${kind} ${to}`;

  async function scan(): Promise<void> {
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files) {
      if (seen.has(file) || !file.endsWith('.eml')) continue;
      const path = join(dir, file);
      const head = await readHead(path);
      const to = /^To:\s*(?:.*<)?([^\s<>]+@[^\s<>]+)>?\s*$/m.exec(head ?? '')?.[1]?.toLowerCase();
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head ?? '')?.[1];
      // Half written: the next pass reads it again.
      if (to === undefined || messageId === undefined) continue;
      seen.add(file);
      // Taken after the head was complete, so this is when the write ended.
      const { mtimeMs } = await stat(path);
      const kind = /\.(\w+)@/.exec(messageId)?.[1] ?? 'unknown';
      const message = { file: path, to, messageId, kind, acceptedAt: mtimeMs };
      messages.push(message);
      const key = keyOf(to, kind);
      if (!arrived.has(key)) arrived.set(key, message);
      for (const resolve of waiters.get(key) ?? []) resolve(message);
      waiters.delete(key);
    }
  }

  // One pass at a time: two passes at once would both find a new file unseen and count it twice.
  let scanning: Promise<void> = Promise.resolve();
  const nextScan = () => {
    scanning = scanning.then(scan);
    return scanning;
  };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await nextScan();
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  void loop();

  return {
    messages,
    /** One more full pass, for counting once the stack is idle. */
    flush: (): Promise<void> => nextScan(),
    waitFor(to: string, kind: string): Promise<OutboxMessage> {
      const found = arrived.get(keyOf(to, kind));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const list = waiters.get(keyOf(to, kind)) ?? [];
        list.push(resolve);
        waiters.set(keyOf(to, kind), list);
      });
    },
    body: (message: OutboxMessage) => readFile(message.file, 'utf8'),
    stop() {
      stopped = true;
    },
  };
}
