/**
 * Claims: the one thing this device's pages must agree on atomically, whatever they run in
 * (several checkouts in a page, several tabs, several processes). Which open invoice holds a
 * receive index; which tab creates the invoice of an order; which page announces it paid.
 *
 * A browser gives an atomic claim with IndexedDB, whose read-write transactions are serialised
 * across all the origin's pages (see the element's `device-claims.ts`). {@link storeClaims} is
 * the fallback over the key-value store, under a lock: exact within one page, and across tabs as
 * far as the lock and the store's own consistency reach.
 * @module
 */
import type { LockFn } from './effects.js';
import { readJson, type Store } from './store.js';

export interface DeviceClaims {
  /**
   * Claims `name` for `value` until `until` (Unix ms): unless another value holds it past `now`,
   * `value` does from now on. Resolves with the value that holds it (this one when it won).
   */
  claim(name: string, value: string, until: number, now: number): Promise<string>;
  /** Ends the claim of `value` on `name`; a claim by another value stays. */
  release(name: string, value: string): Promise<void>;
}

const CLAIMS_KEY = 'btc-checkout:claims';

type Held = Record<string, { value: string; until: number }>;

/** Runs `task` under `lock` when there is one; a synchronous task needs none within one page. */
export const locked = <T>(lock: LockFn | undefined, name: string, task: () => T): Promise<T> =>
  lock ? lock(name, task) : Promise.resolve().then(task);

/** Claims kept in one record of `store`, under `lock`; expired ones are dropped whenever it is written. */
export function storeClaims(store: Store, lock?: LockFn): DeviceClaims {
  const read = (): Held => {
    const held = readJson<unknown>(store, CLAIMS_KEY, {});
    return held && typeof held === 'object' && !Array.isArray(held) ? (held as Held) : {};
  };
  return {
    claim: (name, value, until, now) =>
      locked(lock, 'claims', () => {
        const held = read();
        const current = held[name];
        if (current && typeof current.value === 'string' && current.until > now) return current.value;
        const live = Object.fromEntries(Object.entries(read()).filter(([, claim]) => claim?.until > now));
        store.set(CLAIMS_KEY, JSON.stringify({ ...live, [name]: { value, until } }));
        return value;
      }),
    release: (name, value) =>
      locked(lock, 'claims', () => {
        const held = read();
        if (held[name]?.value !== value) return;
        delete held[name];
        store.set(CLAIMS_KEY, JSON.stringify(held));
      }),
  };
}
