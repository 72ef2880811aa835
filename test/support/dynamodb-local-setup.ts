import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { projectRoot } from './local-stack';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The one DynamoDB Local of this test run, which `startTestTable` gives each caller a table on. */
    dynamoDbLocalEndpoint: string;
  }
}

/**
 * vitest's global setup: one DynamoDB Local for every adapter and use-case test file, each on a table of its
 * own, instead of a JVM started (and warmed) per file. The tests that run the whole local stack still start
 * their own emulators, as `npm start` does.
 */
export default async function setup(project: TestProject) {
  // vitest's `env` reaches the test workers, not this process, which also starts an SDK client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = await startDynamoDbLocal({ projectRoot });
  project.provide('dynamoDbLocalEndpoint', server.endpoint);
  return () => server.stop();
}
