import { defineConfig } from 'vitest/config';

/**
 * The hostile-input suite (`npm run test:fuzz`): thousands of requests against one local stack, so it runs
 * apart from `npm test`, whose regression cases keep what it found fixed.
 */
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    testTimeout: 600_000,
    hookTimeout: 180_000,
    // Entry points run one after another against one stack; their reports add up in one tally.
    sequence: { concurrent: false },
    fileParallelism: false,
  },
});
