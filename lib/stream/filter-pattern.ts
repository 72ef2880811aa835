import { ConfigError } from '../errors';
import type { StreamTrigger } from '../manifest';

/**
 * The Lambda event-filter pattern for a stream trigger: the record's event name is one of `eventNames`
 * and its new image has one of `entities` and, when given, one of `statuses`. The stack hands it to the
 * event source mapping; the local runner applies the very same pattern with `matchesPattern`.
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly string[] };

function oneOf(field: string, values: readonly string[]): readonly string[] {
  // An empty list would make a pattern that never matches: the function would silently never run.
  if (values.length === 0) throw new ConfigError(`A stream trigger lists no ${field}; it would never fire.`);
  return values;
}

export function streamFilterPattern(trigger: StreamTrigger): FilterPattern {
  const newImage: Record<string, FilterPattern> = { entity: { S: oneOf('entities', trigger.entities) } };
  if (trigger.statuses) newImage.status = { S: oneOf('statuses', trigger.statuses) };
  return { eventName: oneOf('eventNames', trigger.eventNames), dynamodb: { NewImage: newImage } };
}

/** Lambda's matching for the exact-value patterns above: every key matches, a list means "one of". */
export function matchesPattern(pattern: FilterPattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const field = (value as Record<string, unknown> | null | undefined)?.[key];
    if (Array.isArray(rule)) return typeof field === 'string' && rule.includes(field);
    return matchesPattern(rule as FilterPattern, field);
  });
}
