/**
 * `npm start`: Tidings on one machine. `npm start -- --fresh` wipes the local data first.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JavaMissingError } from '../lib/local/dynamodb-local';
import { readLocalSettings } from '../lib/local/local-env';
import { startLocalStack, wipeData } from '../lib/local/local-stack';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--fresh');
if (unknown.length > 0) {
  console.error(`Unknown option ${unknown.join(' ')}. Usage: npm start [-- --fresh]`);
  process.exit(2);
}

try {
  const settings = readLocalSettings(process.env, projectRoot);
  if (args.includes('--fresh')) await wipeData(settings.dataDir);
  const stack = await startLocalStack({
    projectRoot,
    settings,
    persist: true,
    schedules: true,
    log: (line) => console.log(line),
  });
  console.log(`
Tidings is running.
  Subscribe page     ${stack.apiUrl}/
  Health             ${stack.apiUrl}/health
  Ingest             POST ${stack.apiUrl}/articles  (Authorization: Bearer ${settings.ingestKey})
  Sent mail (inbox)  ${stack.sesUrl}/
  Raw messages       ${stack.outboxDir}
  DynamoDB Local     ${stack.dynamodbUrl}  (table "${settings.tableName}", shared by every client)
  SES feedback       mail to bounce@, complaint@ or suppressionlist@simulator.amazonses.com comes back
                     as the bounce or complaint SES would send (the feedback function handles it)
Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(
    error instanceof JavaMissingError
      ? error.message
      : `Could not start Tidings: ${(error as Error).message}`,
  );
  process.exit(1);
}
