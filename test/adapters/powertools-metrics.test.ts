import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makePowertoolsMetrics } from '../../lib/adapters/metrics/powertools-metrics';

// The test run switches metrics off for every other file (vitest.config.ts); Lambda never sets it.
beforeEach(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** What the adapter writes to stdout during `run`, as the JSON lines CloudWatch's log agent reads. */
function written(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the metrics port on Powertools', () => {
  it('writes one EMF blob per flush, in namespace Tidings with the service dimension, units by kind', () => {
    const metrics = makePowertoolsMetrics(new Metrics({ namespace: 'Tidings', serviceName: 'tidings' }));
    const [blob, ...more] = written(() => {
      metrics.count('AlertsSent');
      metrics.count('AlertsSent', 2);
      metrics.timing('MatchLatency', 42);
      metrics.flush();
    });
    expect(more).toEqual([]);
    // Values of one name are kept as a list, which CloudWatch reads as that many samples (3 alerts).
    expect(blob).toMatchObject({ service: 'tidings', AlertsSent: [1, 2], MatchLatency: 42 });
    const aws = blob?._aws as { CloudWatchMetrics: Record<string, unknown>[] } | undefined;
    const [directive] = aws?.CloudWatchMetrics ?? [];
    expect(directive).toMatchObject({
      Namespace: 'Tidings',
      Dimensions: [['service']],
      Metrics: expect.arrayContaining([
        { Name: 'AlertsSent', Unit: 'Count' },
        { Name: 'MatchLatency', Unit: 'Milliseconds' },
      ]),
    });
  });

  it('writes nothing for an invocation that counted nothing', () => {
    const metrics = makePowertoolsMetrics(new Metrics({ namespace: 'Tidings', serviceName: 'tidings' }));
    expect(written(() => metrics.flush())).toEqual([]);
  });
});
