import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../lib/errors';
import { makeVerifyIngestKey } from '../../lib/use-cases/verify-ingest-key';

describe('the ingest key check', () => {
  it('takes the key and nothing else', () => {
    const verify = makeVerifyIngestKey('s3cret');
    expect(() => verify('s3cret')).not.toThrow();
    for (const given of [undefined, '', 's3cre', 's3cret ', 's3creT', 's3cret-and-more'])
      expect(() => verify(given), String(given)).toThrow(UnauthorizedError);
  });

  it('never lets a missing key through, even when the configured one is empty', () => {
    const verify = makeVerifyIngestKey('');
    expect(() => verify(undefined)).toThrow(UnauthorizedError);
    expect(() => verify('')).toThrow(UnauthorizedError);
  });
});
