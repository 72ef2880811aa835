import { MetricUnit, type Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '../../ports';

/**
 * The metrics port on Powertools: values are buffered in `metrics` and written as one CloudWatch EMF blob
 * on stdout by `flush`, which Lambda's log agent turns into metrics (no PutMetricData call, no client).
 * The Powertools instance is passed in, so a test can give it its own namespace and read what it writes.
 */
export function makePowertoolsMetrics(metrics: PowertoolsMetrics): Metrics & { flush(): void } {
  return {
    count: (name, n = 1) => {
      metrics.addMetric(name, MetricUnit.Count, n);
    },
    timing: (name, ms) => {
      metrics.addMetric(name, MetricUnit.Milliseconds, Math.max(0, ms));
    },
    flush: () => {
      // An invocation that counted nothing writes nothing (Powertools would warn about an empty blob).
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
