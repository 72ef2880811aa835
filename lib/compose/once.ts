/**
 * Builds a value the first time it is asked for and keeps it for the life of the container (one cold
 * start). A rejected promise is forgotten, so a failed secret fetch does not poison a warm container.
 */
export function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    if (value) return value.v;
    const v = make();
    value = { v };
    if (v instanceof Promise)
      v.catch(() => {
        value = undefined;
      });
    return v;
  };
}
