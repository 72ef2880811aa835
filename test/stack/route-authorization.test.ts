import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { openRouteReason } from '../../lib/stack/route-authorization';
import { declaration, post } from './declaration-fixture';

describe('openRouteReason', () => {
  it('points to the handler check for routes of a function that reads the ingest key', () => {
    const reason = openRouteReason(
      'ingest',
      declaration({ triggers: [post], secrets: ['ingestKey'] }),
      'POST /form',
    );
    expect(reason).toMatch(/^POST \/form is called by the publishing system; the ingest function rejects/);
  });

  it('explains read-only routes by the read-only table access', () => {
    expect(openRouteReason('pages', declaration({ secrets: ['tokenSecret'] }), 'GET /page')).toMatch(
      /^GET \/page serves public content .* only has read access to the table/,
    );
  });

  it('explains state-changing reader routes by the signed token', () => {
    const fn = declaration({ triggers: [post], secrets: ['tokenSecret'], table: { update: ['subscriber'] } });
    expect(openRouteReason('subscriptions', fn, 'POST /form')).toMatch(/HMAC-signed by the token secret/);
  });

  it('fails for a public route that can change data without any check', () => {
    expect(() =>
      openRouteReason('open', declaration({ triggers: [post], table: { create: ['email'] } }), 'POST /form'),
    ).toThrow(
      new ConfigError(
        'Route POST /form of the open function is public and can change data, but checks neither the ingest key nor a signed token.',
      ),
    );
  });
});
