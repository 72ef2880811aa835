import { describe, expect, it } from 'vitest';
import type { FunctionDeclaration, HttpTrigger } from '../../lib/manifest';
import { tableAccessFor } from '../../lib/stack/table-access';

const get: HttpTrigger = { kind: 'http', method: 'GET', path: '/page' };
const post: HttpTrigger = { kind: 'http', method: 'POST', path: '/form' };

function declaration(overrides: Partial<FunctionDeclaration>): FunctionDeclaration {
  return {
    entry: 'functions/example.ts',
    description: 'Example.',
    triggers: [get],
    timeoutSeconds: 5,
    memoryMb: 256,
    secrets: [],
    mail: 'none',
    ...overrides,
  };
}

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
