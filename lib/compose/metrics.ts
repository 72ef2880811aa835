import { Metrics } from '@aws-lambda-powertools/metrics';
import { makePowertoolsMetrics } from '../adapters/metrics/powertools-metrics';
import { once } from './once';

/**
 * The functions' CloudWatch metrics, namespace `Tidings`, service dimension `tidings` (the logger's service
 * name). Imported only by the compositions of functions that emit metrics, so no other bundle carries
 * Powertools Metrics.
 */
export const metrics = once(() =>
  makePowertoolsMetrics(new Metrics({ namespace: 'Tidings', serviceName: 'tidings' })),
);

/**
 * Wraps a handler so that what the invocation counted is written once, when it ends, thrown or not: one EMF
 * line per invocation. The same plain wrapper shape as `withHttpBoundary`, not middy middleware, so the
 * functions keep one instrumentation style.
 */
export function withMetrics<E, C, R>(handle: (event: E, context?: C) => Promise<R>) {
  return async (event: E, context?: C): Promise<R> => {
    try {
      return await handle(event, context);
    } finally {
      metrics().flush();
    }
  };
}
