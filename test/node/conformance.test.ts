/**
 * The conformance matrix: the checkout's lifecycle, allocation, fiat prices, webhooks and
 * verifyPayment against every devnet profile (mempool.space, blockstream.info, a self-hosted
 * mempool with the electrum backend, and the lenient devnet), over real HTTP and websockets.
 *
 * `npm test` runs the matrix once, with 150 ms of latency on the mempool profile. With
 * CONFORMANCE=full every profile runs at 150 ms, and the slower cases (rate limits at full
 * scale, a restarted backend, many pages) run too.
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import { startDevnet, type ChainOptions, type Devnet, type DevnetChain, type ProfileName } from '../../tools/devnet/index.js';
import { createCheckout, type Checkout, type CheckoutEffects, type CheckoutState } from '../../src/core/checkout.js';
import { parseConfig, type CheckoutInput } from '../../src/core/config.js';
import { memoryStore } from '../../src/core/store.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { verifyPayment } from '../../src/core/verify.js';
import { seededRandom } from '../helpers/fakes.js';
import { startWebhookLab } from '../helpers/webhook-lab.js';
import { VPUB } from '../helpers/shop.js';

const FULL = process.env.CONFORMANCE === 'full';
const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const mainnet = parseAccount(ZPUB);
const regtest = parseAccount(VPUB, { network: 'regtest' });

const MATRIX: { profile: ProfileName; latencyMs: number }[] = FULL
  ? (['mempool', 'esplora', 'mempool-electrum', 'lenient'] as const).map((profile) => ({ profile, latencyMs: 150 }))
  : [
      { profile: 'mempool', latencyMs: 150 },
      { profile: 'esplora', latencyMs: 20 },
      { profile: 'mempool-electrum', latencyMs: 20 },
      { profile: 'lenient', latencyMs: 0 },
    ];

let devnet: Devnet;
let lab: { url: string; close(): Promise<void> };
before(async () => {
  [devnet, lab] = await Promise.all([startDevnet({ profile: 'mempool' }), startWebhookLab()]);
});
after(async () => {
  await Promise.all([devnet.close(), lab.close()]);
});
const running: Checkout[] = [];
afterEach(() => running.splice(0).forEach((checkout) => checkout.stop()));

const apiOf = (chain: DevnetChain): string => `${devnet.url}/chains/${chain.id}/api`;

/** One buyer's checkout, with real effects: fetch, a websocket, timers. */
function buyer(input: CheckoutInput, seed = 1, extra: Partial<CheckoutEffects> = {}) {
  const wakers: (() => void)[] = [];
  const effects: CheckoutEffects = {
    onWake: (listener) => (wakers.push(listener), () => undefined),
    fetch: (url, init) => fetch(url, init as RequestInit),
    createSocket: (url) => new WebSocket(url) as never,
    now: () => Date.now(),
    random: seededRandom(seed),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    store: memoryStore(),
    ...extra,
  };
  const checkout = createCheckout(parseConfig(input), effects);
  running.push(checkout);
  const until = (test: (state: CheckoutState) => boolean, what: string, timeout = 20_000) =>
    new Promise<CheckoutState>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `never ${what}; now ${checkout.state.status} ${checkout.state.connection} ${checkout.state.notice?.message ?? checkout.state.error?.message ?? ''}`,
            ),
          ),
        timeout,
      );
      const check = (state: CheckoutState) => test(state) && (clearTimeout(timer), resolve(state));
      check(checkout.state);
      checkout.subscribe(check);
    });
  const started = Date.now();
  checkout.start();
  /** The page comes back (the buyer returns from the wallet app). */
  const wake = (): void => wakers.forEach((listener) => listener());
  return { checkout, until, started, wake };
}

async function sinkCalls(id: string): Promise<Record<string, unknown>[]> {
  const state = (await (await fetch(`${lab.url}/lab/sinks/${id}`)).json()) as { calls: { body: string }[] };
  return state.calls.map((call) => JSON.parse(call.body));
}

for (const { profile, latencyMs } of MATRIX) {
  describe(`conformance: ${profile} profile, ${latencyMs} ms`, function () {
    this.timeout(60_000);
    const chainFor = (options: ChainOptions = {}): DevnetChain => devnet.createChain({ profile, latencyMs, ...options });

    it('lifecycle with the default configuration (allocation): QR, payment, paid; the webhook follows; verifyPayment agrees', async () => {
      const chain = chainFor({ network: 'mainnet' });
      chain.chain.pay([0, 1].map((index) => ({ address: deriveAddress(mainnet, index), sats: 10_000 })));
      chain.chain.mine(1);
      const sink = (await (await fetch(`${lab.url}/lab/sinks`, { method: 'POST', body: '{}' })).json()) as { id: string; url: string };
      const { until, checkout, started } = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '0.001', webhook: sink.url });
      const { invoice } = await until((state) => state.status === 'awaiting', 'awaiting');
      const qrMs = Date.now() - started;
      expect(invoice!.index).to.be.within(2, 21);
      // The QR waits for neither the socket nor a second round trip where the batch endpoint is.
      if (profile === 'mempool') expect(qrMs).to.be.below(latencyMs * 3 + 400);
      chain.chain.pay([{ address: invoice!.address, sats: invoice!.expectedSats }]);
      await until((state) => state.status === 'unconfirmed', 'unconfirmed');
      chain.chain.mine(1);
      const paid = await until((state) => state.status === 'paid', 'paid', 40_000);
      expect(paid.invoice).to.include({ receivedSats: invoice!.expectedSats, confirmations: 1 });
      expect(checkout.state.connection).to.equal(profile === 'esplora' ? 'polling' : 'live');
      // At least once, possibly more: the receiver sees every status.
      for (let attempt = 0; attempt < 50 && !(await sinkCalls(sink.id)).some((call) => call.status === 'paid'); attempt++)
        await new Promise((done) => setTimeout(done, 100));
      const statuses = (await sinkCalls(sink.id)).map((call) => call.status);
      expect(statuses).to.include.members(['awaiting', 'unconfirmed', 'paid']);
      const result = await verifyPayment({
        xpub: ZPUB,
        api: apiOf(chain),
        payload: { ...paid.invoice, txids: paid.invoice!.txids },
        expectedSats: invoice!.expectedSats,
      });
      expect(result).to.include({ ok: true, status: 'paid' });
    });

    it('Lightning beside on-chain: paid by Lightning at once (verifyPayment agrees); paid on-chain first, a late Lightning payment is an overpayment and the chain still decides', async () => {
      const { address } = devnet.lightning.create({ network: 'mainnet' });
      const lightning = { loadLightning: async () => (await import('../../src/core/lightning-session.js')).createLightningSession };
      const chain = chainFor({ network: 'mainnet' });
      const offered = (state: CheckoutState) => state.status === 'awaiting' && !!state.payment?.lightning;

      const first = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '0.001', index: '5', lightning: address }, 1, lightning);
      const shown = await first.until(offered, 'a Lightning invoice');
      devnet.lightning.settle({ pr: shown.payment!.lightning! });
      const paid = await first.until((state) => state.status === 'paid', 'paid by Lightning');
      expect(paid.invoice).to.include({ method: 'lightning', receivedSats: 100_000, overpaid: false });
      const result = await verifyPayment({
        xpub: ZPUB,
        api: apiOf(chain),
        payload: { ...paid.invoice, invoiceId: paid.invoice!.id, method: 'lightning' },
        expectedSats: 100_000,
        lightning: address,
      });
      expect(result).to.include({ ok: true, status: 'paid', method: 'lightning', paymentHash: paid.invoice!.lightning!.paymentHash });

      const second = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '0.001', index: '6', lightning: address }, 2, lightning);
      const offer = await second.until(offered, 'a Lightning invoice');
      chain.chain.pay([{ address: offer.invoice!.address, sats: 100_000 }]);
      const seen = await second.until((state) => state.status === 'unconfirmed', 'unconfirmed');
      expect(seen.payment!.lightning, 'withdrawn from the screen').to.equal(null);
      devnet.lightning.settle({ pr: offer.payment!.lightning! });
      const both = await second.until((state) => !!state.invoice?.lightning, 'the Lightning overpayment seen');
      expect(both.invoice).to.include({ status: 'unconfirmed', method: 'onchain', receivedSats: 200_000, overpaid: true });
      // Without a socket (esplora) a block is learned at the next 30 s poll: the lifecycle case covers it.
      if (profile === 'esplora') return;
      chain.chain.mine(1);
      await second.until((state) => state.status === 'paid', 'paid on-chain', 40_000);
    });

    it('B1: a payment the socket pushed survives a wake-up listing served from before it', async function () {
      if (profile === 'esplora') return this.skip(); // no socket: every payment is learned from a listing
      const chain = chainFor({ network: 'mainnet' });
      const { until, checkout, wake } = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '0.001', index: '3', expires: '1' });
      const { invoice } = await until((state) => state.status === 'awaiting' && state.connection === 'live', 'awaiting and live');
      // A listing made now (on the mempool profile, cached for 10 s) predates the payment.
      await fetch(`${apiOf(chain)}/address/${invoice!.address}/txs`);
      chain.chain.pay([{ address: invoice!.address, sats: invoice!.expectedSats }]);
      await until((state) => state.status === 'unconfirmed', 'unconfirmed');
      // The buyer comes back from the wallet app: the page reconciles, and gets that listing.
      const before = chain.stats.rest.total;
      wake();
      for (let wait = 0; wait < 40 && chain.stats.rest.total === before; wait++) await new Promise((done) => setTimeout(done, 50));
      await new Promise((done) => setTimeout(done, latencyMs + 300));
      expect(chain.stats.rest.total).to.be.greaterThan(before);
      expect(checkout.state.status).to.equal('unconfirmed');
    });

    it('allocation: buyers at once on separate devices, inside the gap window, none stalled by a rate limit', async () => {
      const chain = chainFor({ network: 'regtest' });
      chain.chain.pay([0, 2].map((index) => ({ address: deriveAddress(regtest, index), sats: 10_000 })));
      chain.chain.mine(1);
      // Blockstream limits each client address, and here every buyer comes from 127.0.0.1: one
      // stands for the many a real shop's buyers would be, each under their own limit.
      const count = profile === 'esplora' ? 1 : 6;
      const buyers = Array.from({ length: count }, (_, n) =>
        buyer({ xpub: VPUB, network: 'regtest', api: apiOf(chain), amount: '0.001' }, 10 + n),
      );
      const started = Date.now();
      const invoices = (await Promise.all(buyers.map((b) => b.until((state) => state.status === 'awaiting', 'awaiting', 45_000)))).map(
        (state) => state.invoice!,
      );
      // Paced under the limit, a fresh window needs no 30 s rest after a 429.
      expect(Date.now() - started).to.be.below(15_000);
      for (const invoice of invoices) expect(invoice.index).to.be.within(3, 22);
      expect(new Set(invoices.map((invoice) => `${invoice.address} ${invoice.expectedSats}`)).size).to.equal(count);
    });

    it('fiat prices: served, refused as a configuration error, or found on the next base', async () => {
      if (profile === 'esplora') {
        // Blockstream has no prices (B2): alone, a configuration error; in a list, the mempool base answers.
        const alone = buyer({ xpub: ZPUB, api: apiOf(chainFor({ network: 'mainnet' })), amount: '25', currency: 'USD', index: '0' });
        expect((await alone.until((state) => state.status === 'error', 'an error')).error).to.include({
          source: 'rates',
          code: 'unsupported',
        });
        const mempool = devnet.createChain({ profile: 'mempool', network: 'mainnet' });
        const mixed = buyer({
          xpub: ZPUB,
          api: `${apiOf(chainFor({ network: 'mainnet' }))} ${apiOf(mempool)}`,
          amount: '25',
          currency: 'USD',
          index: '0',
          ws: 'none',
        });
        expect((await mixed.until((state) => state.status === 'awaiting', 'awaiting')).invoice!.fiat).to.include({ currency: 'USD' });
        return;
      }
      const chain = chainFor({ network: 'mainnet' });
      const priced = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '25', currency: 'USD', index: '0' });
      expect((await priced.until((state) => state.status === 'awaiting', 'awaiting')).invoice).to.include({ expectedSats: 25_000 });
      // A test network has no prices on a real mempool (R3): said plainly, not retried forever.
      const testnet = chainFor({ network: 'regtest' });
      const unpriced = buyer({ xpub: VPUB, network: 'regtest', api: apiOf(testnet), amount: '25', currency: 'USD', index: '0' });
      const state = await unpriced.until((s) => s.status === 'error' || s.status === 'awaiting', 'an answer');
      if (profile === 'lenient') expect(state.status).to.equal('awaiting');
      else expect(state.error).to.include({ source: 'rates', code: 'unsupported' });
    });

    it('R11: an API of another network is a configuration error', async function () {
      if (profile === 'lenient') return this.skip(); // the lenient devnet serves every network
      const chain = chainFor({ network: 'mainnet' });
      const wrong = buyer({ xpub: VPUB, network: 'regtest', api: apiOf(chain), amount: '0.001', index: '0' });
      expect((await wrong.until((state) => state.status === 'error', 'an error')).error).to.include({
        source: 'api',
        code: 'network-mismatch',
      });
    });

    it('verifyPayment and the watcher page through a busy address, whatever the page size (B4, C23)', async () => {
      const chain = chainFor({ network: 'mainnet' });
      const address = deriveAddress(mainnet, 9);
      const first = chain.chain.pay([{ address, sats: 100_000 }]).txid;
      chain.chain.mine(1);
      for (let n = 0; n < (FULL ? 60 : 30); n++) chain.chain.pay([{ address, sats: 1_000 + n }]);
      chain.chain.mine(1);
      const payload = { status: 'paid', index: 9, address, network: 'mainnet', expectedSats: 100_000, receivedSats: 100_000 };
      expect(
        await verifyPayment({ xpub: ZPUB, api: apiOf(chain), payload: { ...payload, txids: [first] }, expectedSats: 100_000 }),
      ).to.include({ ok: true });
      expect(await verifyPayment({ xpub: ZPUB, api: apiOf(chain), payload, expectedSats: 100_000 })).to.include({ ok: true });
    });

    if (profile === 'esplora') {
      it('R2: the socket URL derived from an Esplora API is given up: the checkout polls, and says so', async () => {
        const chain = chainFor({ network: 'mainnet' });
        const { until } = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '0.001', index: '1' });
        await until((state) => state.status === 'awaiting', 'awaiting');
        await until((state) => state.connection === 'polling', 'polling', 15_000);
        const attempts = chain.stats.ws.connections;
        await new Promise((done) => setTimeout(done, 3_000));
        expect(chain.stats.ws.connections).to.equal(attempts);
      });
    }

    if (profile === 'mempool') {
      it('R7: after a backend restart (no blocks to reply with), the socket is live again on its pong', async () => {
        const chain = chainFor({ network: 'mainnet' });
        const { until } = buyer({ xpub: ZPUB, api: apiOf(chain), amount: '0.001', index: '1' });
        await until((state) => state.status === 'awaiting' && state.connection === 'live', 'live');
        await fetch(`${devnet.url}/chains/${chain.id}/control/restart-backend`, { method: 'POST', body: '{}' });
        await until((state) => state.connection !== 'live', 'down');
        await until((state) => state.connection === 'live', 'live again', 15_000);
      });
    }
  });
}
