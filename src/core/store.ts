/**
 * Key-value storage the checkout can lose without harm: localStorage where the browser allows it,
 * memory where it does not (Safari private mode, storage full or disabled).
 * @module
 */

export interface Store {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** The part of the Web Storage API the checkout uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A store in memory, for Node, tests, and as the fallback. */
export function memoryStore(): Store {
  const map = new Map<string, string>();
  return { get: (key) => map.get(key) ?? null, set: (key, value) => void map.set(key, value), remove: (key) => void map.delete(key) };
}

/**
 * Wraps a Web Storage so that a missing, full or throwing one degrades to memory, with no crash.
 * Values written to memory after a failure stay readable for the page's lifetime.
 */
export function safeStore(storage: () => StorageLike | null | undefined): Store {
  const memory = memoryStore();
  const attempt = <T>(use: (target: StorageLike) => T, fallback: () => T): T => {
    try {
      const target = storage();
      if (target) return use(target);
    } catch {
      // Storage refused: fall through to memory.
    }
    return fallback();
  };
  return {
    get: (key) =>
      memory.get(key) ??
      attempt(
        (target) => target.getItem(key),
        () => null,
      ),
    set: (key, value) =>
      attempt(
        (target) => (target.setItem(key, value), memory.remove(key)),
        () => memory.set(key, value),
      ),
    remove: (key) => (
      memory.remove(key),
      attempt(
        (target) => target.removeItem(key),
        () => undefined,
      )
    ),
  };
}

/** Reads JSON from a store, or `fallback` when it is absent or not JSON. */
export function readJson<T>(store: Store, key: string, fallback: T): T {
  try {
    return (JSON.parse(store.get(key) ?? 'null') as T) ?? fallback;
  } catch {
    return fallback;
  }
}
