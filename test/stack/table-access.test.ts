import { describe, expect, it } from 'vitest';
import { tableAccessFor } from '../../lib/stack/table-access';
import { declaration, get, post } from './declaration-fixture';

describe('tableAccessFor', () => {
  it('gives read access to functions reached only through GET routes', () => {
    expect(tableAccessFor(declaration({ triggers: [get, { ...get, path: '/other' }] }))).toBe('read');
  });

  it('gives write access as soon as any trigger may change state', () => {
    expect(tableAccessFor(declaration({ triggers: [get, post] }))).toBe('readwrite');
    expect(tableAccessFor(declaration({ triggers: [{ kind: 'schedule', everyMinutes: 5 }] }))).toBe(
      'readwrite',
    );
    expect(
      tableAccessFor(
        declaration({
          triggers: [{ kind: 'stream', eventNames: ['INSERT'], entities: ['x'], batchSize: 1 }],
        }),
      ),
    ).toBe('readwrite');
  });
});
