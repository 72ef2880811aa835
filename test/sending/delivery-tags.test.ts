import { describe, expect, it } from 'vitest';
import { DELIVERY_TAGS, deliveryFromTags, deliveryTags } from '../../lib/sending/delivery-tags';

/** As an SES event carries a message's tags. */
const asEventTags = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]]));

describe('the SES message tags that name a delivery attempt', () => {
  it('hold only what SES allows in a tag, and give back the attempt they were made from', () => {
    const attempt = {
      subscriberId: '0b7c9a1e-5a52-4d7e-9f0a-3c1d2e4f5a6b',
      key: 'DIGEST#weekly#2026-W49 (Zürich) #/+=',
      attemptId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    };
    const tags = deliveryTags(attempt);
    expect(Object.keys(tags ?? {}).sort()).toEqual(Object.values(DELIVERY_TAGS).sort());
    for (const value of Object.values(tags ?? {})) expect(value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(deliveryFromTags(asEventTags(tags ?? {}))).toEqual(attempt);
  });

  it('are left off when an id is too long for a tag (the sender’s own record then counts alone)', () => {
    expect(
      deliveryTags({ subscriberId: 's', key: `ALERT#${'x'.repeat(200)}`, attemptId: 'a' }),
    ).toBeUndefined();
  });

  it('name nothing when absent, partial, not SES’s shape, or not written by us', () => {
    const tags = asEventTags(deliveryTags({ subscriberId: 's1', key: 'ALERT#a', attemptId: 'x' }) ?? {});
    expect(deliveryFromTags(undefined)).toBeUndefined();
    expect(deliveryFromTags({ 'ses:configuration-set': ['Tidings'] })).toBeUndefined();
    expect(deliveryFromTags({ ...tags, [DELIVERY_TAGS.attempt]: [] })).toBeUndefined();
    expect(deliveryFromTags({ ...tags, [DELIVERY_TAGS.subscriber]: 'czE' })).toBeUndefined();
    expect(deliveryFromTags({ ...tags, [DELIVERY_TAGS.subscriber]: ['not base64url!'] })).toBeUndefined();
    // Decodes, but to bytes that are not the text it was made from.
    expect(deliveryFromTags({ ...tags, [DELIVERY_TAGS.subscriber]: ['_w'] })).toBeUndefined();
    expect(deliveryFromTags([tags])).toBeUndefined();
  });
});
