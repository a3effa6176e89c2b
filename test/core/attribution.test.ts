/**
 * The checkout on addresses buyers may share: attribution, claims, one invoice per order across
 * tabs, the paid announcement once per invoice, and index-url. Deterministic fakes: a manual
 * clock, scripted sockets, and a fake API that knows the shop's addresses.
 */
import { expect } from 'chai';
import { createCheckout, type Checkout, type CheckoutEffects } from '../../src/core/checkout.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import type { LockFn, ResponseLike } from '../../src/core/effects.js';
import { memoryStore, type Store } from '../../src/core/store.js';
import { parseConfig, type CheckoutInput } from '../../src/core/config.js';
import { FakeSocket, ManualTimers, seededRandom } from '../helpers/fakes.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const account = parseAccount(ZPUB);
const API = 'https://mempool.space/api';
const HOOK = 'https://shop.example/hook';
const INDEX_URL = 'https://shop.example/index';

let txNumber = 0;
const txid = (): string => (++txNumber).toString(16).padStart(64, '0');
const esploraTx = (id: string, address: string, value: number, height: number | null = null) => ({
  txid: id,
  vin: [{ txid: 'ff'.repeat(32), vout: txNumber, sequence: 0xffffffff }],
  vout: [{ scriptpubkey_address: address, value }],
  status: height === null ? { confirmed: false } : { confirmed: true, block_height: height },
});

/** A fake mempool.space (REST), a webhook receiver and an index server, shared by every tab of a test. */
function world() {
  const timers = new ManualTimers();
  const hooks: Record<string, unknown>[] = [];
  const indexCalls: unknown[] = [];
  /** What the REST API lists per address: every payment pushed so far, newest first. */
  const listed = new Map<string, ReturnType<typeof esploraTx>[]>();
  let indexAnswer: (call: number) => { status: number; body: string } = (call) => ({
    status: 200,
    body: JSON.stringify({ index: 40 + call }),
  });
  const fetch = async (url: string, init?: { method?: string; body?: string }): Promise<ResponseLike> => {
    const answer = (status: number, body: string): ResponseLike => ({
      ok: status < 300,
      status,
      headers: { get: () => null },
      text: async () => body,
    });
    if (url === `${API}/blocks/tip/height`) return answer(200, '100');
    if (url.startsWith(`${API}/addresses/txs`)) return answer(200, '[]');
    const address = /^.*\/address\/([^/]+)\/txs$/.exec(url)?.[1];
    if (address) return answer(200, JSON.stringify(listed.get(address) ?? []));
    if (url === HOOK) {
      hooks.push(JSON.parse(init!.body!));
      return answer(200, 'ok');
    }
    if (url === INDEX_URL) {
      indexCalls.push(JSON.parse(init!.body!));
      const { status, body } = indexAnswer(indexCalls.length - 1);
      return answer(status, body);
    }
    // No prices yet: the source is down.
    if (url.endsWith('/v1/prices')) return answer(503, 'down');
    return answer(404, 'not found');
  };
  /** An async lock, as Web Locks are: tasks run one at a time, each after a turn of the event loop. */
  let queue = Promise.resolve();
  const lock: LockFn = (_name, task) => {
    const run = queue.then(() => new Promise<void>((resolve) => setTimeout(resolve, 0))).then(task);
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  FakeSocket.created.length = 0;
  return {
    timers,
    hooks,
    indexCalls,
    answerIndex(answer: typeof indexAnswer) {
      indexAnswer = answer;
    },
    /** A tab of a device: a checkout with that device's storage. */
    tab(input: CheckoutInput, store: Store, seed = 1): Checkout {
      const effects: CheckoutEffects = {
        fetch,
        now: () => timers.now,
        setTimeout: timers.setTimeout,
        clearTimeout: timers.clearTimeout,
        createSocket: (url) => new FakeSocket(url),
        random: seededRandom(seed),
        randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
        store,
        lock,
      };
      const checkout = createCheckout(parseConfig({ xpub: ZPUB, api: API, ...input }), effects);
      checkout.start();
      return checkout;
    },
    /** Lets pending work (lock turns, promise chains) finish. */
    async settle(): Promise<void> {
      for (let round = 0; round < 20; round++) await timers.advance(0);
    },
    /** Lets every tab get going; each socket acknowledges its subscription, so each tab reconciles. */
    async live(): Promise<void> {
      for (let round = 0; round < 150; round++) {
        await timers.advance(0);
        for (const socket of FakeSocket.created.filter((s) => !s.closed && !s.sent.length)) {
          socket.open();
          socket.receive({ blocks: [{ id: 'h100', height: 100 }] });
        }
      }
    },
    /** A payment to `address`: pushed to every tab watching it, and listed by the REST API from now on. */
    pay(address: string, sats: number, height: number | null = null): string {
      const id = txid();
      const tx = esploraTx(id, address, sats, height);
      listed.set(address, [tx, ...(listed.get(address) ?? [])]);
      this.push(address, { [height === null ? 'address-transactions' : 'block-transactions']: [tx] });
      return id;
    },
    /** A block at `height` that confirms `ids`, pushed to the tabs watching `address`. */
    mine(address: string, ids: string[], height: number): void {
      const txs = (listed.get(address) ?? []).map((tx) =>
        ids.includes(tx.txid) ? { ...tx, status: { confirmed: true, block_height: height } } : tx,
      );
      listed.set(address, txs);
      this.push(address, {
        block: { id: `h${height}`, height, previousblockhash: `h${height - 1}` },
        'block-transactions': txs.filter((tx) => ids.includes(tx.txid)),
      });
    },
    /** What the websocket pushes to every tab watching `address`. */
    push(address: string, frame: Record<string, unknown>): void {
      for (const socket of FakeSocket.created) {
        if (!socket.closed && socket.sent.some((message) => (message as Record<string, unknown>)['track-address'] === address))
          socket.receive(frame);
      }
    },
  };
}

const pay = (w: ReturnType<typeof world>, address: string, sats: number, height: number | null = null): string =>
  w.pay(address, sats, height);

describe('checkouts on a shared address', () => {
  it('each buyer is paid by their own exact payment only; non-payers stay awaiting and see the others as unmatched', async () => {
    const w = world();
    // gap-limit 1: every buyer is given the same address. Five prices, two of them equal.
    const prices = ['0.001', '0.0025', '0.0005', '0.001', '0.002'];
    const buyers = prices.map((amount, n) => w.tab({ amount, gapLimit: '1', webhook: HOOK }, memoryStore(), 10 + n));
    await w.live();
    const address = buyers[0]!.state.invoice!.address;
    for (const buyer of buyers) expect(buyer.state.invoice).to.include({ address, status: 'awaiting', shared: true });
    expect(new Set(buyers.map((buyer) => buyer.state.invoice!.expectedSats)).size).to.equal(5);
    // Buyers 1 and 3 pay; 0 (same price as 3), 2 and 4 do not.
    const paid = [1, 3].map((n) => pay(w, address, buyers[n]!.state.invoice!.expectedSats));
    for (const n of [1, 3]) {
      expect(buyers[n]!.state.invoice).to.include({ status: 'unconfirmed', receivedSats: buyers[n]!.state.invoice!.expectedSats });
      expect(buyers[n]!.state.invoice!.unmatched).to.have.length(1);
    }
    for (const n of [0, 2, 4]) {
      expect(buyers[n]!.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
      expect(buyers[n]!.state.invoice!.unmatched.map((payment) => payment.txid)).to.deep.equal(paid);
    }
    // A block confirms both: the payers are paid, the others still wait.
    w.mine(address, paid, 101);
    expect(buyers.map((buyer) => buyer.state.status)).to.deep.equal(['awaiting', 'paid', 'awaiting', 'paid', 'awaiting']);
    expect(buyers.map((buyer) => buyer.state.firstPaid)).to.deep.equal([false, false, false, false, false]);
    await w.settle();
    expect(buyers.map((buyer) => buyer.state.firstPaid)).to.deep.equal([false, true, false, true, false]);
    // The merchant hears of every unmatched payment, from every invoice it does not pay.
    const unmatchedCalls = w.hooks.filter((call) => call.event === 'unmatched');
    expect(unmatchedCalls.map((call) => call.invoiceId).sort()).to.deep.equal(
      [0, 0, 1, 2, 2, 3, 4, 4].map((n) => buyers[n]!.state.invoice!.id).sort(),
    );
    expect(
      w.hooks
        .filter((call) => call.status === 'paid')
        .map((call) => call.invoiceId)
        .sort(),
    ).to.deep.equal([1, 3].map((n) => buyers[n]!.state.invoice!.id).sort());
    for (const buyer of buyers) buyer.stop();
  });

  it('a claim reports the payment for review and never pays the invoice', async () => {
    const w = world();
    const buyer = w.tab({ amount: '0.001', webhook: HOOK }, memoryStore());
    await w.live();
    const { address, expectedSats } = buyer.state.invoice!;
    const wrong = pay(w, address, expectedSats + 3); // typed by hand, rounded up (D19)
    expect(buyer.state.invoice!.unmatched).to.deep.equal([{ txid: wrong, sats: expectedSats + 3, confirmations: 0, claimed: false }]);
    expect(buyer.claim('ab'.repeat(32))).to.equal(false);
    expect(buyer.claim(wrong)).to.equal(true);
    expect(buyer.claim(wrong)).to.equal(false);
    expect(buyer.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    expect(buyer.state.invoice!.unmatched[0]).to.include({ claimed: true });
    await w.timers.advance(10);
    const claims = w.hooks.filter((call) => call.event === 'claimed');
    expect(claims).to.have.length(1);
    expect(claims[0]).to.deep.include({ claimedTxid: wrong, status: 'awaiting', receivedSats: 0, txids: [] });
    buyer.stop();
  });

  it('can claim only with a json webhook to tell', async () => {
    const w = world();
    expect(w.tab({ amount: '0.001' }, memoryStore()).state.canClaim).to.equal(false);
    const withHook = w.tab({ amount: '0.001', webhook: HOOK }, memoryStore());
    await w.live();
    expect(withHook.state.canClaim).to.equal(true);
    // The GET formats cannot say "not this order's" at all: on a shared address they are refused outright.
    expect(() => w.tab({ amount: '0.001', webhook: HOOK, webhookFormat: 'blockonomics' }, memoryStore())).to.throw(/blockonomics format/);
  });
});

describe('one device, many checkouts', () => {
  it('12 checkouts starting at the same moment get 12 different addresses', async () => {
    const w = world();
    const store = memoryStore();
    // The same random numbers for all: without the lock, every one would choose the same index.
    const checkouts = Array.from({ length: 12 }, (_, n) => w.tab({ amount: '0.001', orderId: `order-${n}` }, store, 5));
    await w.live();
    const addresses = checkouts.map((checkout) => checkout.state.invoice!.address);
    expect(new Set(addresses).size).to.equal(12);
    for (const checkout of checkouts) checkout.stop();
  });

  it('D05: two tabs opening the same order at the same moment share one invoice; the paid one is never forgotten', async () => {
    const w = world();
    const store = memoryStore();
    const [a, b] = [w.tab({ amount: '0.001', orderId: 'R-7' }, store, 1), w.tab({ amount: '0.001', orderId: 'R-7' }, store, 2)];
    await w.live();
    expect(b.state.invoice!.id).to.equal(a.state.invoice!.id);
    expect(b.state.invoice!.address).to.equal(a.state.invoice!.address);
    // The address the losing tab chose is given back: a new checkout may take it.
    const held = JSON.parse(store.get(`btc-checkout:account:${account.id}`)!).held as { index: number }[];
    expect(held.map((hold) => hold.index)).to.deep.equal([a.state.invoice!.index]);
    const { address, expectedSats } = a.state.invoice!;
    const paid = pay(w, address, expectedSats, 101);
    w.push(address, { block: { id: 'h101', height: 101, previousblockhash: 'h100' } });
    expect([a.state.status, b.state.status]).to.deep.equal(['paid', 'paid']);
    const { id } = a.state.invoice!;
    a.stop();
    b.stop();
    // The order page reloaded: the paid invoice, not a new request.
    const reloaded = w.tab({ amount: '0.001', orderId: 'R-7' }, store, 3);
    await w.settle();
    expect(reloaded.state.invoice).to.include({ id, status: 'paid' });
    expect(reloaded.state.invoice!.txids).to.deep.equal([paid]);
    reloaded.stop();
  });

  it('btc-checkout-paid once per invoice: two tabs paid at once announce it once, a reload never again', async () => {
    const w = world();
    const store = memoryStore();
    const tabs = [w.tab({ amount: '0.001', orderId: 'P-1' }, store), w.tab({ amount: '0.001', orderId: 'P-1' }, store)];
    await w.live();
    const { address, expectedSats } = tabs[0]!.state.invoice!;
    pay(w, address, expectedSats, 101);
    await w.settle();
    expect(tabs.map((tab) => tab.state.status)).to.deep.equal(['paid', 'paid']);
    expect(tabs.filter((tab) => tab.state.firstPaid)).to.have.length(1);
    for (const tab of tabs) tab.stop();
    const reloaded = w.tab({ amount: '0.001', orderId: 'P-1' }, store);
    await w.live();
    await w.settle();
    expect(reloaded.state).to.include({ status: 'paid', firstPaid: false });
    reloaded.stop();
  });

  it('a checkout stopped while it waits for a price gives its address back', async () => {
    const w = world();
    const store = memoryStore();
    const checkout = w.tab({ amount: '25', currency: 'USD' }, store); // no price route: it retries
    for (let round = 0; round < 5; round++) await w.timers.advance(0);
    expect(checkout.state.notice).to.include({ source: 'rates' });
    const memory = () => JSON.parse(store.get(`btc-checkout:account:${account.id}`)!) as { held: unknown[] };
    expect(memory().held).to.have.length(1);
    checkout.stop();
    await w.timers.advance(10_000);
    expect(memory().held).to.deep.equal([]);
  });
});

describe('index-url: the merchant’s server hands out the index', () => {
  it('asks the server once, uses its index for an exclusive address: no tag, every payment counts', async () => {
    const w = world();
    const checkout = w.tab({ amount: '0.001', indexUrl: INDEX_URL, orderId: 'S-1', tolerance: '1' }, memoryStore());
    await w.live();
    expect(w.indexCalls).to.deep.equal([{ orderId: 'S-1', network: 'mainnet' }]);
    expect(checkout.state.invoice).to.include({
      index: 40,
      address: deriveAddress(account, 40),
      shared: false,
      tagSats: 0,
      expectedSats: 100_000,
    });
    pay(w, checkout.state.invoice!.address, 60_000);
    expect(checkout.state.invoice).to.include({ status: 'underpaid', dueSats: 40_000 });
    pay(w, checkout.state.invoice!.address, 39_000); // within the 1 % tolerance
    expect(checkout.state.invoice).to.include({ status: 'unconfirmed', receivedSats: 99_000 });
    checkout.stop();
  });

  it('checks the address the server names against the key, and stops on a mismatch', async () => {
    const w = world();
    w.answerIndex(() => ({ status: 200, body: JSON.stringify({ index: 3, address: deriveAddress(account, 4) }) }));
    const checkout = w.tab({ amount: '0.001', indexUrl: INDEX_URL }, memoryStore());
    await w.live();
    expect(checkout.state.status).to.equal('error');
    expect(checkout.state.error).to.include({ source: 'index-url', code: 'conflict' });
    w.answerIndex(() => ({ status: 200, body: JSON.stringify({ index: 3, address: deriveAddress(account, 3) }) }));
    const agreeing = w.tab({ amount: '0.001', indexUrl: INDEX_URL }, memoryStore());
    await w.live();
    expect(agreeing.state.invoice).to.include({ index: 3 });
    agreeing.stop();
  });

  it('says why it waits while the server is down or answers nonsense, and never falls back to a shared address', async () => {
    const w = world();
    w.answerIndex((call) =>
      call === 0
        ? { status: 503, body: 'down' }
        : call === 1
          ? { status: 200, body: '{"index":-1}' }
          : { status: 200, body: '{"index":7}' },
    );
    const checkout = w.tab({ amount: '0.001', indexUrl: INDEX_URL }, memoryStore());
    for (let round = 0; round < 5; round++) await w.timers.advance(0);
    expect(checkout.state.status).to.equal('loading');
    expect(checkout.state.notice).to.include({ source: 'index-url' });
    await w.timers.advance(5_000);
    expect(checkout.state.notice).to.include({ source: 'index-url', code: 'invalid' });
    await w.timers.advance(10_000);
    await w.live();
    expect(checkout.state.invoice).to.include({ index: 7, shared: false });
    expect(w.indexCalls).to.have.length(3);
    checkout.stop();
  });
});
