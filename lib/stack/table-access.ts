import type { FunctionDeclaration, Trigger } from '../manifest';

export type TableAccess = 'read' | 'readwrite';

/**
 * A function reached only through GET routes serves pages and probes, and GET must not change state, so it
 * gets read access; every other function may write. Derived from the manifest so no second list exists.
 */
export function tableAccessFor(declaration: FunctionDeclaration): TableAccess {
  const triggers: readonly Trigger[] = declaration.triggers;
  const onlyGets = triggers.length > 0 && triggers.every((t) => t.kind === 'http' && t.method === 'GET');
  return onlyGets ? 'read' : 'readwrite';
}
