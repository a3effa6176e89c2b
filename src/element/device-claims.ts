/**
 * The browser's device claims (see the core's `claims.ts`), in IndexedDB.
 *
 * IndexedDB serialises read-write transactions on one object store across every page of the
 * origin, in every process, and a transaction sees what the ones before it committed. That makes
 * "read the claim, and take it if free" atomic across tabs. localStorage under a Web Lock is not:
 * Chromium can grant a tab the lock before another tab's localStorage write has reached it, and
 * both then take the same claim. Where IndexedDB cannot be opened (some private modes, storage
 * blocked), the fallback claims are used.
 * @module
 */
import type { DeviceClaims } from '../core/claims.js';

const DATABASE = 'btc-checkout';
const CLAIMS = 'claims';

interface Held {
  readonly value: string;
  readonly until: number;
}

/** Runs one read-write transaction on the claims; resolves with what `work` decided once it has committed. */
function transact<T>(database: IDBDatabase, work: (claims: IDBObjectStore, decide: (result: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const transaction = database.transaction(CLAIMS, 'readwrite');
    let result: T;
    work(transaction.objectStore(CLAIMS), (decided) => (result = decided));
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}

export function indexedDbClaims(fallback: DeviceClaims): DeviceClaims {
  let opening: Promise<IDBDatabase | null> | null = null;
  const open = (now: number): Promise<IDBDatabase | null> =>
    (opening ??= new Promise<IDBDatabase | null>((resolve) => {
      try {
        const request = indexedDB.open(DATABASE, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(CLAIMS);
        request.onsuccess = () => resolve(request.result);
        request.onerror = request.onblocked = () => resolve(null);
      } catch {
        resolve(null);
      }
    }).then((database) => {
      // Claims that ended are dropped once per page, so the database stays as small as what is held.
      if (database) {
        void transact<void>(database, (claims) => {
          const cursor = claims.openCursor();
          cursor.onsuccess = () => {
            const entry = cursor.result;
            if (!entry) return;
            if (!((entry.value as Held)?.until > now)) entry.delete();
            entry.continue();
          };
        }).catch(() => undefined);
      }
      return database;
    }));

  return {
    async claim(name, value, until, now) {
      const database = await open(now);
      if (!database) return fallback.claim(name, value, until, now);
      try {
        return await transact<string>(database, (claims, decide) => {
          decide(value);
          const read = claims.get(name);
          read.onsuccess = () => {
            const held = read.result as Held | undefined;
            if (held && typeof held.value === 'string' && held.until > now) decide(held.value);
            else claims.put({ value, until } satisfies Held, name);
          };
        });
      } catch {
        return fallback.claim(name, value, until, now);
      }
    },
    async release(name, value) {
      const database = await open(Date.now());
      if (!database) return fallback.release(name, value);
      try {
        await transact<void>(database, (claims) => {
          const read = claims.get(name);
          read.onsuccess = () => void ((read.result as Held | undefined)?.value === value && claims.delete(name));
        });
      } catch {
        await fallback.release(name, value);
      }
    },
  };
}
