/**
 * Choosing the receive index with no server (when the page sets no `index`).
 *
 * 1. Find the last used index L as the merchant's wallet would, scanning forward from what this
 *    device learned before until `gapLimit` unused addresses in a row prove the end: one batch
 *    `POST /addresses/txs` per window where the API has it, otherwise `GET /address/:a` with
 *    bounded concurrency.
 * 2. Pick at random among L+1 … L+gapLimit: every such address is one the merchant's wallet
 *    still scans (its gap limit is never exceeded), and concurrent buyers rarely pick the same.
 *    Indices held by unfinished invoices on this device are skipped, and each choice is claimed
 *    atomically, so no two open invoices on one device share an address.
 * @module
 */
import { CheckoutError } from './errors.js';
import { HttpError, notEsploraData, parseApiJson, type RestClient } from './http.js';
import { readJson, type Store } from './store.js';
import type { LockFn } from './effects.js';
import { storeClaims, type DeviceClaims } from './claims.js';

export interface AllocationOptions {
  /** Identifies the API (its base URLs), to remember whether it has the batch endpoint. */
  api: string;
  gapLimit: number;
  store: Store;
  /** Storage key of this account's allocation memory. */
  key: string;
  now(): number;
  random(): number;
  derive(index: number): string;
  /** How long the chosen index is held for its invoice (ms); null: the longest hold. */
  holdMs?: number | null;
  /** Unique to the invoice: what its hold is claimed with (see {@link DeviceClaims}). */
  token: string;
  /** Where holds are claimed, atomically across this device's pages; by default in `store`, under `lock`. */
  claims?: DeviceClaims;
  lock?: LockFn;
  /** Waits (for pacing requests to an API without the batch endpoint); without it, no pacing. */
  sleep?(ms: number): Promise<void>;
}

export interface Allocation {
  readonly index: number;
  readonly lastUsed: number;
  /** HTTP requests and sequential round trips the scan took. */
  readonly requests: number;
  readonly rounds: number;
}

/** What this device remembers of an account: the last used index, and indices it handed out. */
interface Memory {
  last: number;
  held: { index: number; until: number }[];
  /** A scan a rate limit interrupted: every index below `next` was checked at `at`, the last used among them is `last`. */
  scan?: { next: number; last: number; at: number };
}

type BatchTx = { txid: string; vout?: { scriptpubkey_address?: string }[] };
type AddressStats = { chain_stats?: { tx_count?: number }; mempool_stats?: { tx_count?: number } };

const isMemory = (value: unknown): value is Memory => {
  const memory = value as Memory | null;
  return (
    !!memory &&
    Number.isSafeInteger(memory.last) &&
    Array.isArray(memory.held) &&
    memory.held.every((hold) => hold && Number.isSafeInteger(hold.index) && typeof hold.until === 'number')
  );
};

/** What this device remembers of `key`, or nothing learned yet (also for a record it cannot read). */
function readMemory(store: Store, key: string): Memory {
  const memory = readJson<unknown>(store, key, null);
  return isMemory(memory) ? memory : { last: -1, held: [] };
}

const CONCURRENCY = 4;
/** An interrupted scan is resumed for this long; after that, what it learned may be out of date. */
const SCAN_RESUME_MS = 10 * 60_000;
/**
 * Without the batch endpoint every address is a request: at most 6 at once (7 with the probe
 * for the batch endpoint), then 4 a second, with room for the jitter of a busy network,
 * under Blockstream's limit of 5 a second with a burst of 10 (esplora's nginx.conf.in:21-26).
 */
const PACE = { burst: 6, perSecond: 4 };

/** Waits as long as `PACE` asks before each request. */
function pacer(options: Pick<AllocationOptions, 'now' | 'sleep'>): () => Promise<void> {
  let tokens = PACE.burst;
  let at = options.now();
  return async () => {
    if (!options.sleep) return;
    for (;;) {
      const time = options.now();
      // A clock set back (hours, say) is no time passed, never a debt of tokens to wait out.
      tokens = Math.min(PACE.burst, tokens + (Math.max(time - at, 0) / 1000) * PACE.perSecond);
      at = time;
      if (tokens >= 1) {
        tokens--;
        return;
      }
      await options.sleep(Math.ceil(((1 - tokens) / PACE.perSecond) * 1000));
    }
  };
}
/** An address handed out is held for the invoice's life, and at most a day. */
const HOLD_MAX_MS = 24 * 3_600_000;
/** Where this device remembers that an API has no batch endpoint (Blockstream's Esplora), and for how long. */
const NO_BATCH_KEY = 'btc-checkout:no-batch:';
const NO_BATCH_MS = 24 * 3_600_000;

/**
 * Which of `addresses` have any transaction, with as few round trips as the API allows; null when
 * the API turned out to have no batch endpoint (ask again: the window is planned differently).
 */
async function usedAmong(
  rest: RestClient,
  options: Pick<AllocationOptions, 'api' | 'store' | 'now' | 'sleep'>,
  addresses: string[],
  count: { requests: number; rounds: number },
  onProgress: (checked: number, used: ReadonlySet<string>) => void,
): Promise<Set<string> | null> {
  const wanted = new Set(addresses);
  const used = new Set<string>();
  let unsure: string[] = addresses;
  if (!lacksBatch(options)) {
    try {
      // The body is JSON sent as text/plain: a CORS "simple request", with no preflight, which
      // electrs would answer 404 (it parses the body whatever its content type).
      let after = '';
      for (;;) {
        count.requests++;
        count.rounds++;
        const page = parseApiJson(await rest.post(`/addresses/txs${after}`, JSON.stringify(addresses))) as BatchTx[];
        if (!Array.isArray(page)) throw notEsploraData();
        for (const tx of page)
          for (const output of tx?.vout ?? [])
            if (wanted.has(output?.scriptpubkey_address as string)) used.add(output.scriptpubkey_address!);
        // A short page is the end. An empty one after a full page may be electrs' edge case (paged
        // after the last mempool transaction, the chain part comes back empty: m-rest.rs:1041-1059,
        // R4): the addresses not seen used yet are then asked one by one.
        if (page.length && page.length < 50) return used;
        if (!page.length) {
          if (!after) return used;
          unsure = addresses.filter((address) => !used.has(address));
          break;
        }
        // A full page may have been cut off (50 by default): read on after its last confirmed
        // transaction where it has one (paging after a mempool one is the edge case above).
        const cursor =
          [...page].reverse().find((tx) => (tx as { status?: { confirmed?: boolean } }).status?.confirmed) ?? page[page.length - 1]!;
        after = `?after_txid=${cursor.txid}`;
      }
    } catch (error) {
      if (!(error instanceof HttpError) || ![404, 405, 501].includes(error.status)) throw error;
      // No batch endpoint here (Blockstream's Esplora): ask address by address from now on.
      options.store.set(`${NO_BATCH_KEY}${options.api}`, JSON.stringify(options.now()));
      return null;
    }
  }
  // Address by address, paced under the API's rate limit, saying how far it got after each round
  // so that a 429 loses nothing.
  const pace = pacer(options);
  for (let start = 0; start < unsure.length; start += CONCURRENCY) {
    count.rounds++;
    await Promise.all(
      unsure.slice(start, start + CONCURRENCY).map(async (address) => {
        await pace();
        count.requests++;
        const stats = parseApiJson(await rest.get(`/address/${address}`)) as AddressStats | null;
        if (stats?.chain_stats?.tx_count || stats?.mempool_stats?.tx_count) used.add(address);
      }),
    );
    if (unsure === addresses) onProgress(Math.min(start + CONCURRENCY, addresses.length), used);
  }
  return used;
}

/** Whether this device learned lately that the API has no batch endpoint. */
function lacksBatch({ store, api, now }: Pick<AllocationOptions, 'api' | 'store' | 'now'>): boolean {
  const since = readJson<unknown>(store, `${NO_BATCH_KEY}${api}`, null);
  return typeof since === 'number' && now() - since < NO_BATCH_MS;
}

/** The batch endpoint takes at most 300 addresses. */
const BATCH_MAX = 300;

/**
 * The last used receive index as the merchant's wallet finds it: scanning forward from what this
 * device learned before until `gapLimit` unused addresses in a row prove the end.
 */
export async function findLastUsed(
  rest: RestClient,
  options: Pick<AllocationOptions, 'api' | 'gapLimit' | 'store' | 'key' | 'derive' | 'now' | 'sleep'>,
  count: { requests: number; rounds: number } = { requests: 0, rounds: 0 },
): Promise<number> {
  const { gapLimit, store, key, derive } = options;
  // Scan from where this device stopped last time: the indices before it are behind the gap.
  const remembered = readMemory(store, key);
  let last = remembered.last;
  let start = last + 1;
  // A scan a rate limit interrupted a moment ago goes on from where it stopped.
  const interrupted = remembered.scan;
  if (interrupted && options.now() - interrupted.at < SCAN_RESUME_MS && interrupted.next > start) {
    last = Math.max(last, interrupted.last);
    start = interrupted.next;
  }
  // With a batch endpoint, read twice the gap at once (one request usually settles it), and wider
  // windows while addresses keep turning out used; without one, every address is a request, so
  // ask only for those still needed to prove the end.
  let batchWindow = Math.min(gapLimit * 2, BATCH_MAX);
  while (start - 1 - last < gapLimit) {
    const needed = last + gapLimit + 1 - start;
    const length = lacksBatch(options) ? needed : Math.min(Math.max(needed, batchWindow), BATCH_MAX);
    const indices = Array.from({ length }, (_, i) => start + i);
    const addresses = indices.map(derive);
    const windowLast = last;
    const used = await usedAmong(rest, options, addresses, count, (checked, seen) => {
      let progress = windowLast;
      for (let i = 0; i < checked; i++) if (seen.has(addresses[i]!) && indices[i]! - progress <= gapLimit) progress = indices[i]!;
      store.set(
        key,
        JSON.stringify({ ...readMemory(store, key), scan: { next: indices[checked - 1]! + 1, last: progress, at: options.now() } }),
      );
    });
    if (!used) continue;
    const before = last;
    // As the wallet does: a used address past a run of gapLimit unused ones is one it never finds,
    // so it must not move the window either.
    for (const [i, index] of indices.entries()) {
      if (index - last > gapLimit) break;
      if (used.has(addresses[i]!)) last = index;
    }
    start += indices.length;
    // What was learned survives a rate limit or a closed tab: the next scan resumes from here.
    const memory = readMemory(store, key);
    store.set(key, JSON.stringify({ ...memory, last: Math.max(last, memory.last), scan: { next: start, last, at: options.now() } }));
    if (last > before) batchWindow = Math.min(batchWindow * 2, BATCH_MAX);
  }
  const { scan: _done, ...memory } = readMemory(store, key);
  store.set(key, JSON.stringify(memory));
  return last;
}

/**
 * Chooses the receive index for a new invoice, and holds it for that invoice on this device.
 *
 * The scan runs concurrently; the choice does not: each candidate, in random order, is claimed
 * (see {@link DeviceClaims}) and the first claim won is the invoice's. A claim is atomic across
 * the device's pages, so no two open invoices on one device share an address, even when their
 * checkouts start at the same moment in different tabs.
 * @throws {CheckoutError} `allocation`/`exhausted` when every address in the window is held.
 */
export async function allocateIndex(rest: RestClient, options: AllocationOptions): Promise<Allocation> {
  const { gapLimit, store, key, token } = options;
  const count = { requests: 0, rounds: 0 };
  const scanned = await findLastUsed(rest, options, count);
  const claims = options.claims ?? storeClaims(store, options.lock);
  const now = options.now();
  const last = Math.max(scanned, readMemory(store, key).last);
  // What this device's memory says is held is skipped without asking; the claim decides the rest.
  const remembered = readMemory(store, key).held.filter((hold) => hold.until > now && hold.index > last);
  const candidates = Array.from({ length: gapLimit }, (_, i) => last + 1 + i).filter(
    (index) => !remembered.some((hold) => hold.index === index),
  );
  const until = now + Math.min(options.holdMs ?? HOLD_MAX_MS, HOLD_MAX_MS);
  while (candidates.length) {
    // Uniform among those left: the first pick is uniform over the whole free window.
    const [index] = candidates.splice(Math.floor(options.random() * candidates.length), 1) as [number];
    if ((await claims.claim(`${key}:${index}`, token, until, now)) !== token) continue;
    const memory = readMemory(store, key);
    const held = memory.held.filter((hold) => hold.until > now && hold.index > last && hold.index !== index);
    store.set(key, JSON.stringify({ last: Math.max(memory.last, last), held: [...held, { index, until }] } satisfies Memory));
    return { index, lastUsed: last, ...count };
  }
  throw new CheckoutError(
    'allocation',
    'exhausted',
    `All ${gapLimit} addresses your wallet can see ahead are held by open invoices on this device. Wait for one to expire, or raise gap-limit (and your wallet's gap limit).`,
  );
}

/**
 * Holds `index` again for the invoice `token` until `until`, as a restored invoice does after its
 * checkout was closed and gave it back. Resolves with whether this invoice holds it now (another
 * may have taken it meanwhile: buyers are then still told apart by their amount tags).
 */
export async function holdIndex(
  options: Pick<AllocationOptions, 'store' | 'key' | 'token' | 'claims' | 'lock' | 'now'>,
  index: number,
  until: number,
): Promise<boolean> {
  const { store, key, token } = options;
  const now = options.now();
  if ((await (options.claims ?? storeClaims(store, options.lock)).claim(`${key}:${index}`, token, until, now)) !== token) return false;
  const memory = readMemory(store, key);
  store.set(
    key,
    JSON.stringify({
      ...memory,
      held: [...memory.held.filter((hold) => hold.until > now && hold.index !== index), { index, until }],
    } satisfies Memory),
  );
  return true;
}

/** Gives back an index held by {@link allocateIndex}: its invoice was never made, or was left unpaid. */
export async function releaseIndex(
  options: Pick<AllocationOptions, 'store' | 'key' | 'token' | 'claims' | 'lock'>,
  index: number,
): Promise<void> {
  const { store, key } = options;
  await (options.claims ?? storeClaims(store, options.lock)).release(`${key}:${index}`, options.token);
  const memory = readMemory(store, key);
  store.set(key, JSON.stringify({ ...memory, held: memory.held.filter((hold) => hold.index !== index) }));
}
