import { expect } from 'chai';
import { allocateIndex, releaseIndex, type AllocationOptions } from '../../src/core/allocate.js';
import { HttpError, type RestClient } from '../../src/core/http.js';
import { memoryStore, type Store } from '../../src/core/store.js';
import type { DeviceClaims } from '../../src/core/claims.js';

const derive = (index: number): string => `addr${index}`;
let apiNumber = 0;
let tokenNumber = 0;

/**
 * An API over a history: `used` maps an index to how many transactions its address has. It
 * answers the batch endpoint in pages of 50 (after_txid) as mempool/electrs does, or 404 without
 * it, and records every request.
 */
function fakeApi(
  used: Record<number, number>,
  { batch = true, failOn }: { batch?: boolean; failOn?: (request: number) => HttpError | null } = {},
) {
  const requests: string[] = [];
  const txsOf = (address: string) => {
    const index = Number(address.slice(4));
    return Array.from({ length: used[index] ?? 0 }, (_, n) => ({ txid: `${index}-${n}`, vout: [{ scriptpubkey_address: address }] }));
  };
  const fail = () => failOn?.(requests.length) ?? null;
  const rest: RestClient = {
    async post(path, body) {
      requests.push(`POST ${path} ${body}`);
      const error = fail();
      if (error) throw error;
      if (!batch) throw new HttpError(404, 'Not found');
      let list = (JSON.parse(body) as string[]).flatMap(txsOf);
      const after = /after_txid=(.+)$/.exec(path)?.[1];
      if (after) list = list.slice(list.findIndex((tx) => tx.txid === after) + 1);
      return JSON.stringify(list.slice(0, 50));
    },
    async get(path) {
      requests.push(`GET ${path}`);
      const error = fail();
      if (error) throw error;
      const count = txsOf(path.slice('/address/'.length)).length;
      return JSON.stringify({ chain_stats: { tx_count: count }, mempool_stats: { tx_count: 0 } });
    },
  };
  return { rest, requests };
}

function options(overrides: Partial<AllocationOptions> = {}, store: Store = memoryStore()): AllocationOptions {
  // Each test its own API name: which APIs lack the batch endpoint is remembered on the device.
  return {
    api: `https://api-${++apiNumber}.example/api`,
    gapLimit: 20,
    store,
    key: 'btc-checkout:account:test',
    now: () => 1_000,
    random: Math.random,
    derive,
    token: `invoice-${++tokenNumber}`,
    ...overrides,
  };
}

/** The addresses a request asked about, as indices. */
const askedIndices = (request: string): number[] =>
  request.startsWith('GET')
    ? [Number(request.slice('GET /address/addr'.length))]
    : (JSON.parse(request.split(' ').slice(2).join(' ')) as string[]).map((a) => Number(a.slice(4)));

describe('allocateIndex: the next index with no server', () => {
  it('a fresh account: one batch request settles it, and the index is inside the gap window', async () => {
    const { rest, requests } = fakeApi({});
    const seen = new Set<number>();
    for (let run = 0; run < 200; run++) {
      const result = await allocateIndex(rest, options({ random: () => run / 200 }));
      expect(result).to.include({ lastUsed: -1, requests: 1, rounds: 1 });
      seen.add(result.index);
    }
    expect([...seen].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    expect(askedIndices(requests[0]!)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
  });

  it('history with gaps shorter than the gap limit: the last used index is found past them', async () => {
    const { rest } = fakeApi({ 0: 1, 1: 2, 2: 1, 5: 1, 9: 1, 27: 3 });
    for (const random of [0, 0.5, 0.999]) {
      const result = await allocateIndex(rest, options({ random: () => random }));
      expect(result.lastUsed).to.equal(27);
      expect(result.index).to.be.within(28, 47);
      expect(result.rounds).to.equal(2);
    }
  });

  it('a used address past a longer gap is one the wallet never finds: it does not count', async () => {
    const { rest } = fakeApi({ 0: 1, 21: 1 });
    const result = await allocateIndex(rest, options({ random: () => 0.999 }));
    expect(result.lastUsed).to.equal(0);
    expect(result.index).to.equal(20);
  });

  it('gap-limit 5 keeps the index within 5 of the last used', async () => {
    const { rest } = fakeApi({ 0: 1, 3: 1, 7: 1, 13: 1 });
    const indices = new Set<number>();
    for (let run = 0; run < 50; run++) indices.add((await allocateIndex(rest, options({ gapLimit: 5, random: () => run / 50 }))).index);
    // 7 → 13 is a gap of 5 unused (8…12): 13 is past the wallet's reach, so 7 is the last used.
    expect([...indices].sort((a, b) => a - b)).to.deep.equal([8, 9, 10, 11, 12]);
  });

  it('reads every page of a busy address (after_txid) before deciding', async () => {
    const { rest, requests } = fakeApi({ 3: 120, 20: 1 });
    const result = await allocateIndex(rest, options());
    expect(result.lastUsed).to.equal(20);
    expect(requests.filter((r) => r.includes('after_txid'))).to.have.length(2);
  });

  it('without the batch endpoint: GET /address/:a, four at a time, only as far as proves the end', async () => {
    const { rest, requests } = fakeApi({ 0: 1, 4: 1 }, { batch: false });
    const first = await allocateIndex(rest, options());
    expect(first.lastUsed).to.equal(4);
    // One refused POST, then 0…19 and 20…24 by GET in rounds of four.
    expect(requests[0]).to.match(/^POST \/addresses\/txs/);
    expect(requests.slice(1).every((r) => r.startsWith('GET /address/addr'))).to.equal(true);
    expect(first.requests).to.equal(1 + 25);
    expect(first.rounds).to.equal(1 + 5 + 2);
  });

  it('remembers the API has no batch endpoint, and where the history ended, for the next checkout', async () => {
    const store = memoryStore();
    const { rest, requests } = fakeApi({ 0: 1, 1: 1, 2: 1 }, { batch: false });
    const shared = options({}, store);
    await allocateIndex(rest, shared);
    requests.length = 0;
    const second = await allocateIndex(rest, shared);
    expect(second).to.include({ lastUsed: 2, requests: 20, rounds: 5 });
    expect(askedIndices(requests[0]!)).to.deep.equal([3]);
  });

  it('starts from what this device learned before (with the batch endpoint: one request)', async () => {
    const store = memoryStore();
    const history: Record<number, number> = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i, 1]));
    const { rest, requests } = fakeApi(history);
    const first = await allocateIndex(rest, options({}, store));
    expect(first.lastUsed).to.equal(99);
    expect(first.rounds).to.be.below(6);
    requests.length = 0;
    const second = await allocateIndex(rest, options({}, store));
    expect(second).to.include({ lastUsed: 99, requests: 1 });
    expect(askedIndices(requests[0]!)[0]).to.equal(100);
  });

  it('keeps what it learned when a rate limit stops the scan, and resumes from there', async () => {
    const store = memoryStore();
    const history: Record<number, number> = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [i, 1]));
    const limited = fakeApi(history, { failOn: (n) => (n === 2 ? new HttpError(429, 'slow down', 30_000) : null) });
    const error = await allocateIndex(limited.rest, options({}, store)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HttpError);
    expect((error as HttpError).retryAfterMs).to.equal(30_000);
    const { rest, requests } = fakeApi(history);
    const resumed = await allocateIndex(rest, options({}, store));
    expect(resumed.lastUsed).to.equal(59);
    expect(askedIndices(requests[0]!)[0]).to.equal(40);
  });

  it('holds the index it chose for the invoice, skips held ones, and says so when all are held', async () => {
    const store = memoryStore();
    const { rest } = fakeApi({});
    const chosen: number[] = [];
    for (let n = 0; n < 19; n++) chosen.push((await allocateIndex(rest, options({ holdMs: 60_000, random: () => 0 }, store))).index);
    expect(chosen).to.deep.equal(Array.from({ length: 19 }, (_, i) => i));
    for (const random of [0, 0.5, 0.99]) {
      const held = options({ holdMs: 60_000, random: () => random }, store);
      const { index } = await allocateIndex(rest, held);
      expect(index).to.equal(19);
      // Only the invoice that holds it can give it back.
      await releaseIndex({ store, key: 'btc-checkout:account:test', token: 'someone else' }, 19);
      expect(await allocateIndex(rest, options({}, store)).catch((e: unknown) => e)).to.include({ code: 'exhausted' });
      await releaseIndex({ ...held }, 19);
    }
    await allocateIndex(rest, options({ holdMs: 60_000 }, store));
    const error = await allocateIndex(rest, options({}, store)).catch((e: unknown) => e);
    expect(error).to.include({ source: 'allocation', code: 'exhausted' });
    expect((error as Error).message).to.match(/All 20 addresses your wallet can see ahead are held/);
    // Holds end with their invoices.
    const later = await allocateIndex(rest, options({ now: () => 61_001, random: () => 0 }, store));
    expect(later.index).to.equal(0);
  });

  it('a hold without an expiry lasts a day at most', async () => {
    const store = memoryStore();
    const { rest } = fakeApi({});
    await allocateIndex(rest, options({ gapLimit: 1, now: () => 0, holdMs: null }, store));
    expect(await allocateIndex(rest, options({ gapLimit: 1, now: () => 86_400_000 - 1 }, store)).catch((e: unknown) => e)).to.include({
      code: 'exhausted',
    });
    expect((await allocateIndex(rest, options({ gapLimit: 1, now: () => 86_400_000 }, store))).index).to.equal(0);
  });

  it('12 checkouts starting at the same moment on one device get 12 different indices', async () => {
    // The scans overlap (each awaits the network); the choices must not. Every random source
    // says the same, the worst case: without the lock they would all pick the same index.
    const store = memoryStore();
    const { rest } = fakeApi({ 0: 1, 3: 1 });
    const indices = await Promise.all(
      Array.from({ length: 12 }, () => allocateIndex(rest, options({ random: () => 0.3, holdMs: 60_000 }, store))),
    );
    expect(new Set(indices.map((allocation) => allocation.index)).size).to.equal(12);
    for (const { index } of indices) expect(index).to.be.within(4, 23);
  });

  it('claims its choice: an index another page claimed meanwhile is passed over, even if this device’s memory does not show it yet', async () => {
    const store = memoryStore();
    const { rest } = fakeApi({});
    const claimed: string[] = [];
    // Another tab holds 0…18 in the device's claims, and its memory writes have not reached this page.
    const claims: DeviceClaims = {
      async claim(name, value) {
        claimed.push(name);
        return Number(name.split(':').at(-1)) < 19 ? 'another tab' : value;
      },
      async release() {},
    };
    const { index } = await allocateIndex(rest, options({ claims, random: () => 0 }, store));
    expect(index).to.equal(19);
    expect(claimed).to.have.length(20);
    expect(claimed.every((name) => name.startsWith('btc-checkout:account:test:'))).to.equal(true);
  });

  it('B3: paces requests under Blockstream’s limit (5 a second, burst 10): a fresh window of 20 is scanned without one 429', async () => {
    let t = 0;
    let tokens = 10;
    let at = 0;
    const limited: string[] = [];
    const { rest, requests } = fakeApi(
      {},
      {
        batch: false,
        failOn: () => {
          tokens = Math.min(10, tokens + ((t - at) / 1000) * 5);
          at = t;
          if (tokens < 1) return (limited.push(String(t)), new HttpError(429, 'rate limited', 30_000));
          tokens--;
          return null;
        },
      },
    );
    const result = await allocateIndex(rest, options({ now: () => t, sleep: async (ms) => void (t += ms) }));
    expect(result.lastUsed).to.equal(-1);
    expect(limited).to.deep.equal([]);
    expect(requests).to.have.length(21);
    expect(t).to.be.within(2_000, 4_000);
  });

  it('the clock going back hours in the middle of a paced scan does not pace it for hours (soak: a checkout left loading)', async () => {
    let t = 5 * 3_600_000;
    let slept = 0;
    const { rest, requests } = fakeApi({}, { batch: false, failOn: (request) => (request === 8 ? (t -= 5 * 3_600_000) : 0, null) });
    const result = await allocateIndex(rest, options({ now: () => t, sleep: async (ms) => void ((slept += ms), (t += ms)) }));
    expect(result.lastUsed).to.equal(-1);
    expect(requests).to.have.length(21);
    expect(slept).to.be.below(5_000);
  });

  it('B3: a 429 in the middle of a scan without the batch endpoint loses nothing: the next attempt goes on from there', async () => {
    const store = memoryStore();
    const history = { 0: 1, 1: 1, 2: 1 };
    const first = fakeApi(history, { batch: false, failOn: (n) => (n === 10 ? new HttpError(429, 'rate limited', 30_000) : null) });
    const error = await allocateIndex(first.rest, options({}, store)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HttpError);
    const second = fakeApi(history, { batch: false });
    const result = await allocateIndex(second.rest, options({}, store));
    expect(result.lastUsed).to.equal(2);
    // The first attempt checked 0…7 (two rounds of four) before the 429; the second starts at 8.
    expect(askedIndices(second.requests[0]!)[0]).to.equal(8);
    expect(second.requests.length).to.be.below(first.requests.length + 15);
  });

  it('R4: an empty batch page after a full one (electrs paging after the last mempool transaction) is checked address by address', async () => {
    const requests: string[] = [];
    const rest: RestClient = {
      async post(path, body) {
        requests.push(`POST ${path}`);
        const addresses = JSON.parse(body) as string[];
        // 50 mempool transactions to address 0, and (unlisted after them) confirmed history at 3.
        if (path.includes('after_txid')) return '[]';
        return JSON.stringify(
          Array.from({ length: 50 }, (_, n) => ({
            txid: `m${n}`,
            status: { confirmed: false },
            vout: [{ scriptpubkey_address: addresses[0] }],
          })),
        );
      },
      async get(path) {
        requests.push(`GET ${path}`);
        return JSON.stringify({
          chain_stats: { tx_count: path.endsWith('addr3') ? 1 : 0 },
          mempool_stats: { tx_count: path.endsWith('addr0') ? 50 : 0 },
        });
      },
    };
    const result = await allocateIndex(rest, options({ random: () => 0 }));
    expect(result.lastUsed).to.equal(3);
    expect(requests.filter((request) => request.startsWith('GET'))).to.have.length.above(10);
  });

  it('reads a corrupted memory (another script, another version) as nothing learned', async () => {
    for (const junk of ['{}', '[]', '{"last":"x","held":[]}', '{"last":3,"held":{}}', 'not json']) {
      const store = memoryStore();
      store.set('btc-checkout:account:test', junk);
      const { rest } = fakeApi({});
      expect((await allocateIndex(rest, options({ random: () => 0 }, store))).index).to.equal(0);
    }
  });
});
