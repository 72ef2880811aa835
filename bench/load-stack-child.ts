/**
 * The local stack for `npm run bench:load`, in a process of its own so its peak memory is its own: what
 * `npm start` runs (the same `startLocalStack`, schedules on timers), but with DynamoDB Local in memory as
 * the tests run it, since the persisted emulator is several times slower. Settings come from the
 * environment as for `npm start`; one line `ready` on stdout says it is up, SIGTERM stops it, and the message `idle` is answered with
 * `idle` once its event plumbing has caught up.
 */
import { readLocalSettings } from '../lib/local/local-env';
import { startLocalStack } from '../lib/local/local-stack';
import { REPO_ROOT } from './corpus';

const settings = readLocalSettings(process.env, REPO_ROOT);
const stack = await startLocalStack({
  projectRoot: REPO_ROOT,
  settings,
  persist: false,
  schedules: true,
  log: (line) => console.log(line),
});
// `idle` from the bench: answered once every stream consumer has caught up (the import's records too).
process.on('message', async (message) => {
  if (message === 'idle') {
    await stack.whenIdle(30 * 60_000);
    process.send?.('idle');
  }
});
console.log('ready');
let stopping = false;
process.on('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
});
