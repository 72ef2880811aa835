import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Messages in the outbox by recipient, read from the raw files' To header (parsing every MIME body is slow). */
export async function recipients(outboxDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const files = await readdir(outboxDir).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.eml'))) {
    const head = (await readFile(join(outboxDir, file), 'utf8')).split('\r\n\r\n')[0] ?? '';
    const to = /^To:\s*(?:.*<)?([^\s<>]+@[^\s<>]+)>?\s*$/m.exec(head)?.[1]?.toLowerCase();
    if (to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

export const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
