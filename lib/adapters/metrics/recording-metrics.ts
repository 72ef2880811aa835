import type { CountMetric, Metrics, TimingMetric } from '../../ports';

/** Keeps what was counted and timed in memory: for tests and for code paths that run outside Lambda. */
export function makeRecordingMetrics() {
  const counts = new Map<CountMetric, number>();
  const timings = new Map<TimingMetric, number[]>();
  const metrics: Metrics = {
    count: (name, n = 1) => {
      counts.set(name, (counts.get(name) ?? 0) + n);
    },
    timing: (name, ms) => {
      timings.set(name, [...(timings.get(name) ?? []), ms]);
    },
  };
  return {
    metrics,
    /** How many of `name` were counted (0 when never). */
    count: (name: CountMetric) => counts.get(name) ?? 0,
    timings: (name: TimingMetric) => timings.get(name) ?? [],
    /** Every count, for asserting that nothing else was counted. */
    counts: () => Object.fromEntries(counts) as Partial<Record<CountMetric, number>>,
  };
}

/** Counts nothing. */
export const noMetrics: Metrics = { count: () => {}, timing: () => {} };
