/**
 * Regular English plurals, kept deliberately simple: a plain query word ending in a Latin letter also matches
 * that word + `s`, + `es`, and, after a consonant + `y`, the `ies` form (`drone` → `drones`, `church` →
 * `churches`, `city` → `cities`). Irregular plurals (`mice`) and the reverse direction (`drones` finding
 * `drone`) are not covered; a prefix wildcard (`dron*`) is the tool for those.
 */
export function pluralForms(word: string): string[] {
  if (!/[a-z]$/.test(word)) return [];
  const forms = [`${word}s`, `${word}es`];
  if (/[^aeiou]y$/.test(word)) forms.push(`${word.slice(0, -1)}ies`);
  return forms;
}

/** Every word whose plural `token` could be (the inverse of `pluralForms`), to find plain terms by token. */
export function singularCandidates(token: string): string[] {
  if (!token.endsWith('s')) return [];
  const words = [token.slice(0, -1)];
  if (token.endsWith('es')) words.push(token.slice(0, -2));
  if (token.endsWith('ies')) words.push(`${token.slice(0, -3)}y`);
  return words;
}
