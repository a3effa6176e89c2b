/**
 * Allocation figures (issue 5): HTTP requests and sequential round trips per checkout, against a
 * backend with the batch endpoint and one without; and how often concurrent buyers end up with
 * the same (address, amount).
 */
import type { Browser } from 'playwright-core';
import type { Devnet, DevnetChain } from '../tools/devnet/server.js';
import { allocateIndex } from '../src/core/allocate.js';
import { createRestClient, type RestClient } from '../src/core/http.js';
import { deriveAddress, parseAccount } from '../src/core/account.js';
import { amountTag, TAG_MAX_SATS } from '../src/core/invoice.js';
import { memoryStore, type Store } from '../src/core/store.js';

const VPUB = 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x';
const account = parseAccount(VPUB, { network: 'regtest' });
const derived = new Map<number, string>();
/** Memoised: the simulation asks for the same few hundred addresses 200,000 times. */
const derive = (index: number): string => {
  let address = derived.get(index);
  if (address === undefined) derived.set(index, (address = deriveAddress(account, index)));
  return address;
};
const GAP_LIMIT = 20;

/** An established shop: 55 of its first 70 receive addresses used, gaps of up to 2 (inside the gap limit). */
const SHOP_HISTORY = Array.from({ length: 70 }, (_, i) => i).filter((i) => i % 7 !== 3 && i % 11 !== 5);

function seed(chain: DevnetChain, indices: number[]): void {
  chain.chain.pay(indices.map((index) => ({ address: derive(index), sats: 10_000 })));
  chain.chain.mine(1);
}

/** One allocation over real HTTP; requests are counted by the devnet too, as a check. */
async function allocateOnce(
  devnet: Devnet,
  chain: DevnetChain,
  store: Store,
): Promise<{ requests: number; rounds: number; index: number; lastUsed: number }> {
  const api = `${devnet.url}/chains/${chain.id}/api`;
  const rest = createRestClient([api], { fetch: (url, init) => fetch(url, init as RequestInit), now: Date.now });
  const before = chain.stats.rest.total;
  const result = await allocateIndex(rest, {
    api,
    gapLimit: GAP_LIMIT,
    store,
    key: 'btc-checkout:account:bench',
    now: Date.now,
    random: Math.random,
    derive,
    token: String(Math.random()),
  });
  if (chain.stats.rest.total - before !== result.requests) throw new Error('bench: request counts disagree');
  return { requests: result.requests, rounds: result.rounds, index: result.index, lastUsed: result.lastUsed };
}

async function requestsPerCheckout(devnet: Devnet): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  for (const batch of [true, false]) {
    const fresh = devnet.createChain();
    const shop = devnet.createChain();
    for (const chain of [fresh, shop]) chain.batchEnabled = batch;
    seed(shop, SHOP_HISTORY);
    const device = memoryStore();
    figures[batch ? 'withBatchEndpoint' : 'withoutBatchEndpoint'] = {
      freshAccount: await allocateOnce(devnet, fresh, memoryStore()),
      shopFirstVisit: await allocateOnce(devnet, shop, device),
      shopReturningDevice: await allocateOnce(devnet, shop, device),
    };
  }
  return {
    gapLimit: GAP_LIMIT,
    shopHistory: `${SHOP_HISTORY.length} used receive addresses among 0…${SHOP_HISTORY.at(-1)}, gaps ≤ 2`,
    ...figures,
    note: 'allocation only; a checkout then adds 2 REST requests to start watching (tip height, address txs). Without the batch endpoint the first checkout of a page spends one request learning that (a 404).',
  };
}

/**
 * A page with many checkouts at once, each with its own storage (so its own device):
 * `crowd(list)` mounts one per attribute set and waits until each is awaiting; `settled(payers)`
 * waits until those are paid and says what every checkout shows.
 */
export const CROWD_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  await import('/dist/btc-checkout.js');
  window.crowd = async (list) => {
    document.body.replaceChildren();
    const elements = list.map((attributes) => {
      const el = document.createElement('btc-checkout');
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      const map = new Map();
      el.effects = { store: { get: (k) => map.get(k) ?? null, set: (k, v) => void map.set(k, v), remove: (k) => void map.delete(k) } };
      return el;
    });
    document.body.append(...elements);
    await Promise.all(elements.map((el) => new Promise((ready) => {
      const check = () => (el.status === 'awaiting' ? ready() : setTimeout(check, 20));
      check();
    })));
    return elements.map((el) => ({ index: el.receiveIndex, address: el.receiveAddress, sats: el.amountSats }));
  };
  window.settled = async (payers) => {
    const elements = [...document.querySelectorAll('btc-checkout')];
    await new Promise((done) => {
      const check = () => (payers.every((m) => elements[m].status === 'paid') ? setTimeout(done, 300) : setTimeout(check, 20));
      check();
    });
    return elements.map((el) => ({ status: el.status, unmatched: el.invoice.unmatched.map((payment) => payment.txid) }));
  };
</script>`;

/** Pairs of checkouts that share both address and amount, among `pairs`. */
function collisions(results: { index: number; sats: number }[]): { pairs: number; colliding: number; checkoutsInACollision: number } {
  const groups = new Map<string, number>();
  for (const { index, sats } of results) groups.set(`${index} ${sats}`, (groups.get(`${index} ${sats}`) ?? 0) + 1);
  let colliding = 0;
  let involved = 0;
  for (const size of groups.values()) {
    colliding += (size * (size - 1)) / 2;
    if (size > 1) involved += size;
  }
  return { pairs: (results.length * (results.length - 1)) / 2, colliding, checkoutsInACollision: involved };
}

async function collisionShare(browser: Browser, url: string, devnet: Devnet): Promise<Record<string, unknown>> {
  // Measured: the shipped bundle in Chromium, 100 checkouts at once on a shop with history, 20 times.
  const page = await browser.newPage();
  await page.goto(`${url}/crowd.html`);
  await page.waitForFunction(() => (window as any).crowd);
  const rounds = 20;
  const measured = { pairs: 0, colliding: 0, checkoutsInACollision: 0, checkouts: 0, distinctAddressesPerRound: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const chain = devnet.createChain();
    seed(chain, SHOP_HISTORY);
    const results: { index: number; sats: number }[] = await page.evaluate(
      ([api]) =>
        (window as any).crowd(
          Array.from({ length: 100 }, () => ({
            xpub: 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x',
            network: 'regtest',
            amount: '0.001',
            api,
          })),
        ),
      [`${devnet.url}/chains/${chain.id}/api`],
    );
    const found = collisions(results);
    measured.pairs += found.pairs;
    measured.colliding += found.colliding;
    measured.checkoutsInACollision += found.checkoutsInACollision;
    measured.checkouts += results.length;
    measured.distinctAddressesPerRound.push(new Set(results.map((r) => r.index)).size);
  }
  await page.close();

  // At scale: the same allocation and tag code, with an in-memory API, 2,000 rounds of 100.
  const used = new Set(SHOP_HISTORY.map(derive));
  const memoryApi: RestClient = {
    post: async (_path, body) =>
      JSON.stringify(
        (JSON.parse(body) as string[]).filter((a) => used.has(a)).map((a) => ({ txid: a, vout: [{ scriptpubkey_address: a }] })),
      ),
    get: async () => '{}',
  };
  const simulated = { rounds: 2_000, pairs: 0, colliding: 0, checkoutsInACollision: 0, checkouts: 0 };
  for (let i = 0; i < simulated.rounds; i++) {
    const results = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const { index } = await allocateIndex(memoryApi, {
          api: 'memory',
          gapLimit: GAP_LIMIT,
          store: memoryStore(),
          key: 'k',
          now: Date.now,
          random: Math.random,
          derive,
          token: 't',
        });
        return { index, sats: 100_000 + amountTag(Math.random) };
      }),
    );
    const found = collisions(results);
    simulated.pairs += found.pairs;
    simulated.colliding += found.colliding;
    simulated.checkoutsInACollision += found.checkoutsInACollision;
    simulated.checkouts += results.length;
  }
  const share = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(3)}%`;
  return {
    concurrentCheckouts: 100,
    window: `${GAP_LIMIT} addresses × ${TAG_MAX_SATS} tags = ${GAP_LIMIT * TAG_MAX_SATS} (address, amount) pairs`,
    measuredInChromium: {
      rounds,
      checkouts: measured.checkouts,
      collidingPairs: measured.colliding,
      pairShare: share(measured.colliding, measured.pairs),
      checkoutsInACollision: share(measured.checkoutsInACollision, measured.checkouts),
      distinctAddressesPerRound: measured.distinctAddressesPerRound,
    },
    simulated: {
      rounds: simulated.rounds,
      checkouts: simulated.checkouts,
      collidingPairs: simulated.colliding,
      pairShare: share(simulated.colliding, simulated.pairs),
      checkoutsInACollision: share(simulated.checkoutsInACollision, simulated.checkouts),
      expectedPairShare: share(1, GAP_LIMIT * TAG_MAX_SATS),
      // The chance that a checkout shares its (address, amount) with one of n − 1 others open at once.
      byConcurrency: Object.fromEntries(
        [2, 5, 10, 100].map((n) => [n, share(1 - (1 - simulated.colliding / simulated.pairs) ** (n - 1), 1)]),
      ),
      withoutTags: 'every pair sharing an address would collide: 5% of pairs',
    },
  };
}

export async function allocationFigures(browser: Browser, url: string, devnet: Devnet): Promise<Record<string, unknown>> {
  return { requests: await requestsPerCheckout(devnet), collisions: await collisionShare(browser, url, devnet) };
}
