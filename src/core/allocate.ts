/**
 * Choosing the receive index with no server (when the page sets no `index`).
 *
 * 1. Find the last used index L as the merchant's wallet would, scanning forward from what this
 *    device learned before until `gapLimit` unused addresses in a row prove the end: one batch
 *    `POST /addresses/txs` per window where the API has it, otherwise `GET /address/:a` with
 *    bounded concurrency.
 * 2. Pick at random among L+1 … L+gapLimit: every such address is one the merchant's wallet
 *    still scans (its gap limit is never exceeded), and concurrent buyers rarely pick the same.
 *    Indices held by unfinished invoices this device knows of are skipped.
 * @module
 */
import { CheckoutError } from './errors.js';
import { HttpError, notEsploraData, parseApiJson, type RestClient } from './chain/http.js';
import { readJson, type Store } from './store.js';

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
}

type BatchTx = { txid: string; vout?: { scriptpubkey_address?: string }[] };
type AddressStats = { chain_stats?: { tx_count?: number }; mempool_stats?: { tx_count?: number } };

/** What this device remembers of `key`, or nothing learned yet. */
const readMemory = (store: Store, key: string): Memory => readJson<Memory>(store, key, { last: -1, held: [] });

const CONCURRENCY = 4;
/** An address handed out is held for the invoice's life, and at most a day without one. */
const HOLD_MAX_MS = 24 * 3_600_000;
/** APIs known to lack the batch endpoint (Blockstream's Esplora), for this page's lifetime. */
const noBatch = new Set<string>();

/**
 * Which of `addresses` have any transaction, with as few round trips as the API allows; null when
 * the API turned out to have no batch endpoint (ask again: the window is planned differently).
 */
async function usedAmong(rest: RestClient, api: string, addresses: string[], count: { requests: number; rounds: number }): Promise<Set<string> | null> {
  const wanted = new Set(addresses);
  const used = new Set<string>();
  if (!noBatch.has(api)) {
    try {
      // The body is JSON sent as text/plain: a CORS "simple request", no preflight (protocol.md §2.2).
      let after = '';
      for (;;) {
        count.requests++;
        count.rounds++;
        const page = parseApiJson(await rest.post(`/addresses/txs${after}`, JSON.stringify(addresses))) as BatchTx[];
        if (!Array.isArray(page)) throw notEsploraData();
        for (const tx of page) for (const output of tx.vout ?? []) if (wanted.has(output.scriptpubkey_address!)) used.add(output.scriptpubkey_address!);
        // A full page may have been cut off (50 by default): read on after its last transaction.
        if (page.length < 50) return used;
        after = `?after_txid=${page[page.length - 1]!.txid}`;
      }
    } catch (error) {
      if (!(error instanceof HttpError) || ![400, 404, 405, 501].includes(error.status)) throw error;
      // No batch endpoint here (Blockstream's Esplora): ask address by address from now on.
      noBatch.add(api);
      return null;
    }
  }
  for (let start = 0; start < addresses.length; start += CONCURRENCY) {
    count.rounds++;
    await Promise.all(
      addresses.slice(start, start + CONCURRENCY).map(async (address) => {
        count.requests++;
        const stats = parseApiJson(await rest.get(`/address/${address}`)) as AddressStats | null;
        if (stats?.chain_stats?.tx_count || stats?.mempool_stats?.tx_count) used.add(address);
      }),
    );
  }
  return used;
}

/** The batch endpoint takes at most 300 addresses (protocol.md §2.2). */
const BATCH_MAX = 300;

export async function allocateIndex(rest: RestClient, options: AllocationOptions): Promise<Allocation> {
  const { gapLimit, store, key, derive, api } = options;
  const memory = readMemory(store, key);
  const count = { requests: 0, rounds: 0 };
  // Scan from where this device stopped last time: the indices before it are behind the gap.
  let last = memory.last;
  let start = last + 1;
  // With a batch endpoint, read twice the gap at once (one request usually settles it), and wider
  // windows while addresses keep turning out used; without one, every address is a request, so
  // ask only for those still needed to prove the end.
  let batchWindow = Math.min(gapLimit * 2, BATCH_MAX);
  while (start - 1 - last < gapLimit) {
    const needed = last + gapLimit + 1 - start;
    const indices = Array.from({ length: noBatch.has(api) ? needed : Math.min(Math.max(needed, batchWindow), BATCH_MAX) }, (_, i) => start + i);
    const addresses = indices.map(derive);
    const used = await usedAmong(rest, api, addresses, count);
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
    if (last > memory.last) store.set(key, JSON.stringify({ ...readJson<Memory>(store, key, memory), last }));
    if (last > before) batchWindow = Math.min(batchWindow * 2, BATCH_MAX);
  }
  const now = options.now();
  const held = memory.held.filter((hold) => hold.until > now && hold.index > last);
  const free = Array.from({ length: gapLimit }, (_, i) => last + 1 + i).filter((index) => !held.some((hold) => hold.index === index));
  if (!free.length) {
    throw new CheckoutError('allocation', 'exhausted', `All ${gapLimit} addresses your wallet can see ahead are held by open invoices on this device. Wait for one to expire, or raise gap-limit (and your wallet's gap limit).`);
  }
  const index = free[Math.floor(options.random() * free.length)]!;
  store.set(key, JSON.stringify({ last, held } satisfies Memory));
  return { index, lastUsed: last, ...count };
}

/** Marks `index` as held by an open invoice until `until` (epoch ms; null: the longest hold). */
export function holdIndex(options: Pick<AllocationOptions, 'store' | 'key' | 'now'>, index: number, until: number | null): void {
  const memory = readMemory(options.store, options.key);
  const end = Math.min(until ?? Infinity, options.now() + HOLD_MAX_MS);
  options.store.set(options.key, JSON.stringify({ ...memory, held: [...memory.held.filter((hold) => hold.index !== index), { index, until: end }] }));
}
