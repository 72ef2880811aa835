import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger for every function; Lambda's request id becomes the correlation id. */
export const logger = new Logger({ serviceName: 'tidings' });
