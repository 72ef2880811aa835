import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from '../../lib/errors';
import { parseDelivery } from '../../lib/sending/parse-delivery';

const alert = {
  entity: 'delivery',
  status: 'queued',
  kind: 'alert',
  subscriberId: 's1',
  key: 'ALERT#a1',
  articleId: 'a1',
  topics: [],
};

describe('a delivery from the stream', () => {
  it('passes when it has what its kind needs', () => {
    expect(parseDelivery(alert)).toMatchObject({ kind: 'alert', articleId: 'a1' });
  });

  it.each([
    ['no key', { ...alert, key: undefined }],
    ['an alert without article', { ...alert, articleId: undefined }],
    ['an unknown kind', { ...alert, kind: 'postcard' }],
    ['a digest without entries', { ...alert, kind: 'digest', period: 'daily' }],
    ['a confirmation without expiry', { ...alert, kind: 'confirm', requestId: 'r1' }],
  ])('is poison with %s: it fails before any claim, every time, and so ends in the DLQ', (_, image) => {
    expect(() => parseDelivery(image)).toThrow(MalformedMessageError);
  });
});
