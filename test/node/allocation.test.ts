/**
 * Allocation, kept invoices and fiat prices: the core checkout in Node against the devnet, over
 * real HTTP and websockets. Each "device" has its own storage; randomness is seeded so that every
 * run is the same.
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import { startDevnet, type ChainStats, type Devnet } from '../../tools/devnet/index.js';
import { createCheckout, type CheckoutEffects, type CheckoutState } from '../../src/core/checkout.js';
import { parseConfig, type CheckoutInput } from '../../src/core/config.js';
import { memoryStore, safeStore, type Store } from '../../src/core/store.js';
import { TAG_MAX_SATS } from '../../src/core/invoice.js';
import { seededRandom } from '../helpers/fakes.js';
import { control, newChain as newDevnetChain, type TestChain } from '../helpers/devnet.js';
import { addressAt, seed, VPUB } from '../helpers/shop.js';

let devnet: Devnet;
before(async () => {
  devnet = await startDevnet({ profile: 'lenient' });
});
after(() => devnet.close());

const newChain = (): Promise<TestChain> => newDevnetChain(devnet.url);

const running: { stop(): void }[] = [];
afterEach(() => running.splice(0).forEach((checkout) => checkout.stop()));

/** One buyer's checkout: its own device (storage), its own seeded randomness. */
function buyer(input: CheckoutInput, device: { store?: Store; seed?: number; fastRetries?: boolean } = {}) {
  const effects: CheckoutEffects = {
    fetch: (url, init) => fetch(url, init as RequestInit),
    createSocket: (url) => new WebSocket(url) as never,
    now: () => Date.now(),
    random: seededRandom(device.seed ?? 1),
    // Retries (5 s, 10 s…) squeezed so that recovery is seen within the test.
    setTimeout: (fn, ms) => setTimeout(fn, device.fastRetries ? Math.min(ms, 50) : ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    store: device.store ?? memoryStore(),
  };
  const checkout = createCheckout(parseConfig({ xpub: VPUB, network: 'regtest', ...input }), effects);
  running.push(checkout);
  const until = (test: (state: CheckoutState) => boolean, what: string) =>
    new Promise<CheckoutState>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`never ${what}; now ${checkout.state.status} ${checkout.state.notice?.message ?? ''}`)),
        8000,
      );
      const check = (state: CheckoutState) => test(state) && (clearTimeout(timer), resolve(state));
      check(checkout.state);
      checkout.subscribe(check);
    });
  checkout.start();
  return { checkout, awaiting: () => until((state) => state.status === 'awaiting', 'awaiting'), until };
}

describe('allocation against the devnet', () => {
  it('history with gaps shorter than the gap limit: 40 buyers on 40 devices get distinct (address, amount) pairs inside the window', async () => {
    const chain = await newChain();
    await seed(chain, [0, 1, 3, 8]);
    const invoices = await Promise.all(
      Array.from({ length: 40 }, async (_, n) => (await buyer({ api: chain.api, amount: '0.001' }, { seed: n + 1 }).awaiting()).invoice!),
    );
    const pairs = new Set<string>();
    for (const invoice of invoices) {
      // The last used index is 8: the wallet scans 9…28, so every index must be there.
      expect(invoice.index).to.be.within(9, 28);
      expect(invoice.address).to.equal(addressAt(invoice.index!));
      expect(invoice.tagSats).to.be.within(1, TAG_MAX_SATS);
      expect(invoice.expectedSats).to.equal(100_000 + invoice.tagSats);
      pairs.add(`${invoice.address} ${invoice.expectedSats}`);
    }
    // 40 buyers, 20 addresses: some share an address (pigeonhole), and the tag tells them apart.
    expect(new Set(invoices.map((invoice) => invoice.address)).size).to.be.below(40);
    expect(pairs.size).to.equal(40);
  });

  it('gap-limit 5 keeps every index within 5 of the last used', async () => {
    const chain = await newChain();
    await seed(chain, [0, 2, 4]);
    const indices = await Promise.all(
      Array.from(
        { length: 12 },
        async (_, n) => (await buyer({ api: chain.api, amount: '0.001', gapLimit: '5' }, { seed: 100 + n }).awaiting()).invoice!.index!,
      ),
    );
    for (const index of indices) expect(index).to.be.within(5, 9);
  });

  it('one batch request for a fresh account; gap-limit GETs without the batch endpoint', async () => {
    const chain = await newChain();
    await control(chain, 'reset-stats');
    await buyer({ api: chain.api, amount: '0.001' }).awaiting();
    const withBatch = (await control<ChainStats>(chain, 'stats')).rest.byRoute;
    expect(withBatch['addresses-txs']).to.equal(1);
    expect(withBatch['address']).to.equal(undefined);

    const plain = await newChain();
    await control(plain, 'batch', { enabled: false });
    await seed(plain, [0, 1]);
    const { invoice } = await buyer({ api: plain.api, amount: '0.001' }).awaiting();
    expect(invoice!.index).to.be.within(2, 21);
    const without = (await control<ChainStats>(plain, 'stats')).rest.byRoute;
    expect(without['addresses-txs']).to.equal(1); // refused once, then remembered
    expect(without['address']).to.equal(22); // 0…21: the last used is 1, then 20 unused
  });

  it('an explicit index: no allocation, no tag, an exclusive address; a fixed address is shared and tagged', async () => {
    const chain = await newChain();
    await control(chain, 'reset-stats');
    const own = (await buyer({ api: chain.api, amount: '0.001', index: '7' }).awaiting()).invoice!;
    expect(own).to.include({ index: 7, tagSats: 0, expectedSats: 100_000, shared: false });
    const fixed = (await buyer({ api: chain.api, amount: '0.001', address: addressAt(3), xpub: null }).awaiting()).invoice!;
    expect(fixed).to.include({ index: null, shared: true, expectedSats: 100_000 + fixed.tagSats });
    expect(fixed.tagSats).to.be.within(1, TAG_MAX_SATS);
    expect((await control<ChainStats>(chain, 'stats')).rest.byRoute['addresses-txs']).to.equal(undefined);
  });

  it("a payment of another buyer's tagged amount to a shared address does not count; the buyer's own does", async () => {
    const chain = await newChain();
    const { checkout, awaiting, until } = buyer({ api: chain.api, amount: '0.001' }, { seed: 7 });
    const invoice = (await awaiting()).invoice!;
    const other = 100_000 + (invoice.tagSats === 1 ? 2 : invoice.tagSats - 1);
    await control(chain, 'pay', { address: invoice.address, sats: other });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    await control(chain, 'pay', { address: invoice.address, sats: invoice.expectedSats });
    await until((state) => state.status === 'unconfirmed', 'unconfirmed');
    expect(checkout.state.invoice!.receivedSats).to.equal(invoice.expectedSats);
  });
});

describe('the buyer keeps their invoice', () => {
  it('a reload (same device, same order) shows the same request and resumes watching; no new allocation', async () => {
    const chain = await newChain();
    const store = memoryStore();
    const first = buyer({ api: chain.api, amount: '0.001', orderId: 'A-1' }, { store, seed: 1 });
    const before = (await first.awaiting()).invoice!;
    first.checkout.stop();
    await control(chain, 'reset-stats');
    await control(chain, 'pay', { address: before.address, sats: before.expectedSats });
    const second = buyer({ api: chain.api, amount: '0.001', orderId: 'A-1' }, { store, seed: 2 });
    const after = (await second.until((state) => state.status === 'unconfirmed', 'unconfirmed')).invoice!;
    expect(after).to.include({
      id: before.id,
      address: before.address,
      index: before.index,
      expectedSats: before.expectedSats,
      createdAt: before.createdAt,
      expiresAt: before.expiresAt,
    });
    expect((await control<ChainStats>(chain, 'stats')).rest.byRoute['addresses-txs']).to.equal(undefined);
  });

  it('without an order id the invoice is kept per key and price; a new order id gets a new invoice', async () => {
    const chain = await newChain();
    const store = memoryStore();
    const a = (await buyer({ api: chain.api, amount: '0.001' }, { store, seed: 1 }).awaiting()).invoice!;
    const again = (await buyer({ api: chain.api, amount: '0.001' }, { store, seed: 2 }).awaiting()).invoice!;
    expect(again.id).to.equal(a.id);
    const otherPrice = (await buyer({ api: chain.api, amount: '0.002' }, { store, seed: 3 }).awaiting()).invoice!;
    expect(otherPrice.id).not.to.equal(a.id);
    const order = (await buyer({ api: chain.api, amount: '0.001', orderId: 'B-2' }, { store, seed: 4 }).awaiting()).invoice!;
    expect(order.id).not.to.equal(a.id);
    // This device knows of three open invoices: a fourth buyer here is never given their addresses.
    const held = new Set([a.index, otherPrice.index, order.index]);
    for (let n = 0; n < 10; n++) {
      const next = (await buyer({ api: chain.api, amount: '0.003', orderId: `C-${n}` }, { store, seed: 10 + n }).awaiting()).invoice!;
      expect(held.has(next.index)).to.equal(false);
      held.add(next.index);
    }
  });

  it('storage that throws (Safari private mode, full) degrades to memory with no crash', async () => {
    const chain = await newChain();
    const refusing = safeStore(() => ({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    }));
    const { invoice } = await buyer({ api: chain.api, amount: '0.001', orderId: 'S-1' }, { store: refusing }).awaiting();
    expect(invoice!.status).to.equal('awaiting');
  });
});

describe('fiat prices against the devnet', () => {
  it('converts at the API price with integer arithmetic, rounds up to the sat, and locks the rate', async () => {
    const chain = await newChain();
    await control(chain, 'prices', { USD: 97123 });
    const { invoice } = await buyer({ api: chain.api, amount: '25', currency: 'USD', index: '0' }).awaiting();
    expect(invoice).to.include({ expectedSats: 25741 });
    expect(invoice!.fiat).to.deep.equal({ currency: 'USD', amount: '25', rate: '97123' });
  });

  it('a rates URL replaces the API as the price source', async () => {
    const chain = await newChain();
    const prices = await newChain();
    await control(prices, 'prices', { EUR: 80000 });
    const { invoice } = await buyer({
      api: chain.api,
      amount: '19.99',
      currency: 'eur',
      index: '0',
      rates: `${prices.api}/v1/prices`,
    }).awaiting();
    expect(invoice).to.include({ expectedSats: 24988 }); // 19.99 / 80 000 BTC = 24 987.5 sats → 24 988
  });

  it('a price of -1 is a clear notice, retried, never a wrong amount; it recovers when the price returns', async () => {
    const chain = await newChain();
    await control(chain, 'prices', { USD: -1 });
    const { checkout, awaiting, until } = buyer({ api: chain.api, amount: '25', currency: 'USD', index: '0' }, { fastRetries: true });
    const waiting = await until((state) => state.notice !== null, 'a notice');
    expect(waiting.status).to.equal('loading');
    expect(waiting.notice).to.include({ source: 'rates', code: 'unavailable' });
    expect(waiting.notice!.message).to.equal('No price for USD right now (the source marks it unavailable).');
    expect(waiting.invoice).to.equal(null);
    await control(chain, 'prices', { USD: 100000 });
    const { invoice } = await awaiting();
    expect(invoice!.expectedSats).to.equal(25000);
    expect(checkout.state.notice).to.equal(null);
  });

  it('an unknown currency is a configuration error; an unreachable source a notice, retried', async () => {
    const chain = await newChain();
    const unknown = buyer({ api: chain.api, amount: '5', currency: 'XYZ', index: '0' }, { fastRetries: true });
    expect((await unknown.until((state) => state.status === 'error', 'an error')).error).to.include({
      source: 'currency',
      code: 'unsupported',
    });
    const unreachable = buyer(
      { api: chain.api, amount: '5', currency: 'USD', index: '0', rates: 'http://127.0.0.1:9/v1/prices' },
      { fastRetries: true },
    );
    expect((await unreachable.until((state) => state.notice !== null, 'a notice')).notice!.message).to.match(
      /^No price for USD: Cannot reach http:\/\/127\.0\.0\.1:9/,
    );
    expect(unreachable.checkout.state.invoice).to.equal(null);
  });
});
