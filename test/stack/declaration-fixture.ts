import type { FunctionDeclaration, HttpTrigger } from '../../lib/manifest';

export const get: HttpTrigger = { kind: 'http', method: 'GET', path: '/page' };
export const post: HttpTrigger = { kind: 'http', method: 'POST', path: '/form' };

/** A manifest entry for one test: a GET page function reading articles unless overridden. */
export function declaration(overrides: Partial<FunctionDeclaration>): FunctionDeclaration {
  return {
    entry: 'functions/example.ts',
    triggers: [get],
    timeoutSeconds: 5,
    memoryMb: 256,
    secrets: [],
    mail: 'none',
    table: { read: ['article'] },
    ...overrides,
  };
}
