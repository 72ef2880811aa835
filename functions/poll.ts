import type { Context } from 'aws-lambda';
import { pollFeeds } from '../lib/compose/poll';
import { logger } from '../lib/log';
import { functions } from '../lib/manifest';

/**
 * Runs every 15 minutes from the schedule: polls the active feeds until they are done or the function's
 * time is nearly up (Lambda's remaining time; the manifest's timeout where no context is given, as locally).
 */
export const handler = async (_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const remainingMs = context?.getRemainingTimeInMillis() ?? functions.poll.timeoutSeconds * 1000;
  const result = await pollFeeds()(new Date(Date.now() + remainingMs));
  logger.info('Feeds polled', { ...result });
  return result;
};
