import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import type { StreamTrigger } from '../../lib/manifest';
import { matchesPattern, streamFilterPattern } from '../../lib/stream/filter-pattern';

const trigger: StreamTrigger = {
  kind: 'stream',
  eventNames: ['INSERT', 'MODIFY'],
  entities: ['delivery'],
  statuses: ['queued', 'retry'],
  batchSize: 10,
};

describe('streamFilterPattern', () => {
  it('matches any listed event name, entity and status of the new image', () => {
    expect(streamFilterPattern(trigger)).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { entity: { S: ['delivery'] }, status: { S: ['queued', 'retry'] } } },
    });
  });

  it('does not filter on status when the trigger names none', () => {
    const { statuses: _, ...withoutStatuses } = trigger;
    expect(streamFilterPattern(withoutStatuses)).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { entity: { S: ['delivery'] } } },
    });
  });

  it('refuses empty lists, which would make a trigger that never fires', () => {
    expect(() => streamFilterPattern({ ...trigger, entities: [] })).toThrow(
      new ConfigError('A stream trigger lists no entities; it would never fire.'),
    );
    expect(() => streamFilterPattern({ ...trigger, statuses: [] })).toThrow(/no statuses/);
    expect(() => streamFilterPattern({ ...trigger, eventNames: [] })).toThrow(/no eventNames/);
  });
});

describe('matchesPattern, as the local runner applies it to stream records', () => {
  const pattern = streamFilterPattern(trigger);
  const record = (eventName: string, image: Record<string, { S: string }>) => ({
    eventName,
    dynamodb: { NewImage: image },
  });

  it('passes records whose event, entity and status are listed', () => {
    expect(
      matchesPattern(pattern, record('INSERT', { entity: { S: 'delivery' }, status: { S: 'queued' } })),
    ).toBe(true);
    expect(
      matchesPattern(pattern, record('MODIFY', { entity: { S: 'delivery' }, status: { S: 'retry' } })),
    ).toBe(true);
  });

  it('drops every other record, including ones without a new image', () => {
    expect(
      matchesPattern(pattern, record('REMOVE', { entity: { S: 'delivery' }, status: { S: 'queued' } })),
    ).toBe(false);
    expect(
      matchesPattern(pattern, record('INSERT', { entity: { S: 'article' }, status: { S: 'queued' } })),
    ).toBe(false);
    expect(
      matchesPattern(pattern, record('INSERT', { entity: { S: 'delivery' }, status: { S: 'sent' } })),
    ).toBe(false);
    expect(matchesPattern(pattern, record('INSERT', { entity: { S: 'delivery' } }))).toBe(false);
    expect(matchesPattern(pattern, { eventName: 'INSERT' })).toBe(false);
  });
});
