/**
 * Buyers on many devices, in Chromium: each device is its own browser context (its own storage,
 * its own Web Locks), each tab a page loading the shipped dist/btc-checkout.js, all against one
 * devnet chain. Payments are made on the chain from here, as a wallet would.
 */
import { expect } from 'chai';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDevnet, type Devnet, type DevnetChain } from '../../tools/devnet/index.js';
import type { Invoice } from '../../src/core/invoice.js';
import { verifyPayment } from '../../src/core/verify.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.js';
import { serveStatic } from '../helpers/serve-static.js';
import { startWebhookLab } from '../helpers/webhook-lab.js';
import { startReceiver } from '../../tools/receiver/server.js';
import { memoryReceiverStore } from '../../tools/receiver/store.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';
import { addressAt, VPUB } from '../helpers/shop.js';

/**
 * The shop's page. `mount(attributes, seed)` adds a checkout (with seeded randomness when a seed
 * is given, so that every run is the same) and logs its events; `?mount=` mounts one on load, so
 * that a reload shows what a buyer coming back sees.
 */
const SHOP_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  await import('/dist/btc-checkout.js');
  const seeded = (seed) => () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  window.events = [];
  window.mount = (attributes, seed) => {
    const el = document.createElement('btc-checkout');
    const n = document.querySelectorAll('btc-checkout').length;
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    if (seed !== undefined) el.effects = { random: seeded(seed) };
    for (const type of ['status', 'paid', 'unmatched', 'claim']) {
      el.addEventListener('btc-checkout-' + type, (event) => window.events.push({ n, type, status: event.detail.status ?? null, invoiceId: event.detail.invoice?.id ?? null, txid: event.detail.payment?.txid ?? null }));
    }
    document.body.append(el);
    return n;
  };
  const wanted = new URLSearchParams(location.search).get('mount');
  if (wanted) window.mount(JSON.parse(wanted));
  window.ready = true;
</script>`;

interface Logged {
  n: number;
  type: string;
  status: string | null;
  invoiceId: string | null;
  txid: string | null;
}

let devnet: Devnet;
let browser: Browser;
let site: { url: string; close(): Promise<void> };
let lab: { url: string; close(): Promise<void> };
const contexts: BrowserContext[] = [];

before(async function () {
  this.timeout(60_000);
  [devnet, browser, site, lab] = await Promise.all([
    startDevnet({ profile: 'lenient' }),
    chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] }),
    serveStatic(resolve(import.meta.dirname, '../..'), { '/shop.html': SHOP_PAGE }),
    startWebhookLab(),
  ]);
});
after(async () => {
  await browser?.close();
  await Promise.all([devnet?.close(), site?.close(), lab?.close()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

const apiOf = (chain: DevnetChain): string => `${devnet.url}/chains/${chain.id}/api`;

/** A new device: its own browser context (storage, locks). */
async function device(): Promise<BrowserContext> {
  const context = await browser.newContext();
  contexts.push(context);
  return context;
}

/** A tab of `context` on the shop's page, optionally mounting a checkout at load. */
async function tab(context: BrowserContext, mount?: Record<string, string>): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.url}/shop.html${mount ? `?mount=${encodeURIComponent(JSON.stringify(mount))}` : ''}`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
  return page;
}

const mount = (page: Page, attributes: Record<string, string>, seed?: number): Promise<number> =>
  page.evaluate(([attributes, seed]) => (window as any).mount(attributes, seed), [attributes, seed] as const);

/** The invoice of checkout `n` on `page` once it has `status`. */
async function until(page: Page, status: string, n = 0): Promise<Invoice> {
  const handle = await page.waitForFunction(
    ([n, status]) => {
      const el = document.querySelectorAll('btc-checkout')[n] as any;
      return el?.status === status && el.getAttribute('status') === status && el.invoice;
    },
    [n, status] as const,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as Invoice;
}

const invoiceOf = (page: Page, n = 0): Promise<Invoice | null> =>
  page.evaluate((n) => (document.querySelectorAll('btc-checkout')[n] as any).invoice, n);
const events = (page: Page): Promise<Logged[]> => page.evaluate(() => (window as any).events);
/** The text of the unmatched-payment notices of checkout `n`. */
const notices = (page: Page, n = 0): Promise<string[]> =>
  page.evaluate(
    (n) =>
      [...document.querySelectorAll('btc-checkout')[n]!.shadowRoot!.querySelectorAll('[part~=unmatched] li')].map((li) =>
        li.textContent!.replace(/\s+/g, ' ').trim(),
      ),
    n,
  );

async function newSink(): Promise<{ id: string; url: string }> {
  return (await fetch(`${lab.url}/lab/sinks`, { method: 'POST', body: JSON.stringify({ kind: 'record' }) })).json();
}
async function hooks(sink: { id: string }): Promise<Record<string, any>[]> {
  const state = (await (await fetch(`${lab.url}/lab/sinks/${sink.id}`)).json()) as { calls: { body: string }[] };
  return state.calls.map((call) => JSON.parse(call.body));
}

/** Waits until `test` holds, polling. */
async function eventually<T>(read: () => Promise<T>, test: (value: T) => boolean, what: string, timeout = 10_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > end) throw new Error(`never ${what}: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('buyers on separate devices sharing an address (Chromium, shipped bundle)', function () {
  this.timeout(90_000);

  for (const [title, prices] of [
    ['eight different prices', ['0.001', '0.0025', '0.0004', '0.0031', '0.0012', '0.002', '0.0007', '0.0015']],
    ['one price for all (the amount tag tells them apart)', Array.from({ length: 6 }, () => '0.001')],
  ] as const) {
    it(`${title}: every payer is paid, no non-payer leaves awaiting, every unmatched payment is reported`, async () => {
      const chain = devnet.createChain();
      chain.chain.pay([{ address: addressAt(0), sats: 10_000 }]);
      chain.chain.mine(1);
      const sink = await newSink();
      // gap-limit="1": the window is one address, so every buyer is shown the same one.
      const pages = await Promise.all(
        prices.map(async (amount, n) => {
          const page = await tab(await device());
          await mount(
            page,
            {
              xpub: VPUB,
              network: 'regtest',
              api: apiOf(chain),
              amount,
              'gap-limit': '1',
              webhook: `${sink.url}`,
              'order-id': `order-${n}`,
            },
            100 + n,
          );
          return page;
        }),
      );
      const invoices = await Promise.all(pages.map((page) => until(page, 'awaiting')));
      expect(new Set(invoices.map((invoice) => invoice.address))).to.deep.equal(new Set([addressAt(1)]));
      expect(new Set(invoices.map((invoice) => invoice.expectedSats)).size, 'every buyer asks a different amount').to.equal(prices.length);
      // Half of them pay, exactly what their own page asks.
      const payers = invoices.map((_, n) => n).filter((n) => n % 2 === 1);
      const paidBy = new Map(payers.map((n) => [n, chain.chain.pay([{ address: addressAt(1), sats: invoices[n]!.expectedSats }]).txid]));
      chain.chain.mine(1);
      for (const n of payers) await until(pages[n]!, 'paid');
      // Every page has heard of every payment (a slow machine takes a while), and had a moment to get anything wrong.
      for (const [n, page] of pages.entries()) {
        const count = [...paidBy.keys()].filter((payer) => payer !== n).length;
        await eventually(
          () => invoiceOf(page),
          (invoice) => (invoice?.unmatched.length ?? 0) >= count,
          `buyer ${n} told of ${count} other payments`,
          20_000,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const [n, page] of pages.entries()) {
        const invoice = (await invoiceOf(page))!;
        const log = await events(page);
        const others = [...paidBy].filter(([payer]) => payer !== n).map(([, txid]) => txid);
        if (paidBy.has(n)) {
          expect(invoice).to.include({ status: 'paid', receivedSats: invoices[n]!.expectedSats });
          expect(invoice.txids).to.deep.equal([paidBy.get(n)]);
          expect(log.filter((event) => event.type === 'paid')).to.have.length(1);
        } else {
          expect(invoice, `buyer ${n} paid nothing`).to.include({ status: 'awaiting', receivedSats: 0 });
          expect(log.filter((event) => event.type === 'status').map((event) => event.status)).to.deep.equal(['awaiting']);
          expect(log.filter((event) => event.type === 'paid')).to.deep.equal([]);
        }
        // Every other buyer's payment is listed, announced and shown, as not this invoice's.
        expect(invoice.unmatched.map((payment) => payment.txid).sort()).to.deep.equal(others.sort());
        expect(
          log
            .filter((event) => event.type === 'unmatched')
            .map((event) => event.txid)
            .sort(),
        ).to.deep.equal(others.sort());
        const shown = await notices(page);
        expect(shown).to.have.length(Math.min(others.length, 3));
        for (const text of shown) expect(text).to.match(/is not the exact amount of this request, so it does not count for it/);
      }
      // The merchant hears of each: an `unmatched` call per (invoice, other buyer's payment) at least.
      const calls = await eventually(
        () => hooks(sink),
        (list) => list.filter((call) => call.status === 'paid').length === payers.length,
        'all paid calls',
      );
      for (const [n, invoice] of invoices.entries()) {
        const theirs = calls.filter((call) => call.invoiceId === invoice.id);
        const reported = new Set(theirs.flatMap((call) => call.unmatched.map((payment: { txid: string }) => payment.txid)));
        expect(reported.size, `invoice ${n}`).to.equal(payers.filter((payer) => payer !== n).length);
        expect(theirs.some((call) => call.status === 'paid')).to.equal(paidBy.has(n));
      }

      // verifyPayment, with the merchant's key and each invoice's own terms: every cross-buyer
      // claim is refused, every buyer's own payment verifies.
      const api = apiOf(chain);
      for (const [n, invoice] of invoices.entries()) {
        const awaitingCall = calls.find((call) => call.invoiceId === invoice.id && call.status === 'awaiting')!;
        for (const [payer, txid] of paidBy) {
          const claim = { ...awaitingCall, status: 'paid', txids: [txid], receivedSats: invoices[payer]!.expectedSats };
          const result = await verifyPayment({ xpub: VPUB, network: 'regtest', api, payload: claim, expectedSats: invoice.expectedSats });
          if (payer === n) expect(result, `buyer ${n}'s own payment`).to.include({ ok: true, status: 'paid' });
          else expect(result, `buyer ${n} claiming buyer ${payer}'s payment`).to.include({ ok: false, contradicted: true });
        }
        // Naming no transaction at all does not help either.
        const bare = await verifyPayment({
          xpub: VPUB,
          network: 'regtest',
          api,
          payload: { ...awaitingCall, status: 'paid', txids: undefined },
          expectedSats: invoice.expectedSats,
        });
        expect(bare.ok, `buyer ${n} naming nothing`).to.equal(paidBy.has(n));
      }
    });
  }

  it('an open amount (a tip jar) on a fixed address thanks nobody for a payment it cannot attribute', async () => {
    const chain = devnet.createChain();
    const pages = await Promise.all(
      [0, 1].map(async () => tab(await device(), { address: addressAt(5), api: apiOf(chain), expires: '0' })),
    );
    await Promise.all(pages.map((page) => until(page, 'awaiting')));
    const tip = chain.chain.pay([{ address: addressAt(5), sats: 21_000 }]).txid;
    chain.chain.mine(1);
    for (const page of pages) {
      await eventually(
        () => notices(page),
        (shown) => shown.length === 1,
        'a notice',
      );
      expect((await notices(page))[0]).to.match(
        /^A payment of 0\.00021 BTC reached this address\. Other visitors are shown this address too, so this page cannot tell whether it was yours/,
      );
      expect(await invoiceOf(page)).to.include({ status: 'awaiting', receivedSats: 0 });
      expect((await invoiceOf(page))!.unmatched.map((payment) => payment.txid)).to.deep.equal([tip]);
      expect((await events(page)).filter((event) => event.type === 'paid')).to.deep.equal([]);
    }
  });

  it('a buyer who paid the wrong amount claims it: a `claimed` call for the merchant, and still no credit', async () => {
    const chain = devnet.createChain();
    const sink = await newSink();
    const page = await tab(await device(), { xpub: VPUB, network: 'regtest', api: apiOf(chain), amount: '0.001', webhook: sink.url });
    const invoice = await until(page, 'awaiting');
    const typo = chain.chain.pay([{ address: invoice.address, sats: invoice.expectedSats + 3 }]).txid;
    await eventually(
      () => notices(page),
      (shown) => shown.length === 1,
      'the notice',
    );
    await page.locator('btc-checkout').locator('[part~=claim]').click();
    await eventually(
      () => notices(page),
      (shown) => /The shop has been told this payment is yours/.test(shown[0] ?? ''),
      'the claim acknowledged',
    );
    const claims = await eventually(
      () => hooks(sink),
      (list) => list.some((call) => call.event === 'claimed'),
      'the claimed call',
    );
    expect(claims.find((call) => call.event === 'claimed')).to.deep.include({
      claimedTxid: typo,
      status: 'awaiting',
      receivedSats: 0,
      txids: [],
    });
    expect((await events(page)).filter((event) => event.type === 'claim').map((event) => event.txid)).to.deep.equal([typo]);
    expect(await page.locator('btc-checkout').locator('[part~=claim]').count()).to.equal(0);
    expect(await invoiceOf(page)).to.include({ status: 'awaiting' });
  });
});

describe("index-url: the shop's server gives every buyer their own address (Chromium, shipped bundle)", function () {
  this.timeout(60_000);

  it("six buyers on six devices at the same moment get six addresses; payments in parts add up on an address of one's own", async () => {
    const chain = devnet.createChain();
    const receiver = await startReceiver({ xpub: VPUB, network: 'regtest', api: apiOf(chain), recheckMs: 3_600_000, database: ':memory:' });
    try {
      const pages = await Promise.all(
        Array.from({ length: 6 }, async (_, n) =>
          tab(await device(), {
            xpub: VPUB,
            network: 'regtest',
            api: apiOf(chain),
            amount: '0.001',
            'index-url': `${receiver.url}/index`,
            'order-id': `s-${n}`,
          }),
        ),
      );
      const invoices = await Promise.all(pages.map((page) => until(page, 'awaiting')));
      expect(invoices.map((invoice) => invoice.index).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
      for (const invoice of invoices)
        expect(invoice).to.include({ shared: false, tagSats: 0, expectedSats: 100_000, address: addressAt(invoice.index!) });
      chain.chain.pay([{ address: invoices[2]!.address, sats: 30_000 }]);
      await until(pages[2]!, 'underpaid');
      chain.chain.pay([{ address: invoices[2]!.address, sats: 70_000 }]);
      chain.chain.mine(1);
      await until(pages[2]!, 'paid');
      for (const n of [0, 1, 3, 4, 5]) expect(await invoiceOf(pages[n]!)).to.include({ status: 'awaiting', receivedSats: 0 });
    } finally {
      await receiver.close();
    }
  });
});

describe('prices the buyer cannot change (Chromium, shipped bundle, reference receiver)', function () {
  this.timeout(60_000);

  it('a genuine price token is paid; a page edited to ask less, with or without the token, is not', async () => {
    const chain = devnet.createChain();
    const key = newPriceKey();
    const token = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, key);
    const receiver = await startReceiver({
      xpub: VPUB,
      network: 'regtest',
      api: apiOf(chain),
      recheckMs: 3_600_000,
      priceKey: key,
      store: memoryReceiverStore(),
    });
    try {
      const shop = { xpub: VPUB, network: 'regtest', api: apiOf(chain), 'price-token': token, webhook: `${receiver.url}/json` };
      const [honest, dropped, forged] = await Promise.all([0, 1, 2].map(async () => tab(await device())));
      // As in the developer tools: one buyer drops the token and asks 1 sat; one re-encodes the token.
      const [prefix, , mac] = token.split('.');
      const cheap = `${prefix}.${Buffer.from(JSON.stringify({ amount: '0.00000001', currency: 'BTC', item: 'mug' })).toString('base64url')}.${mac}`;
      await mount(honest!, { ...shop, 'order-id': 'o-0' });
      const { 'price-token': _, ...withoutToken } = shop;
      await mount(dropped!, { ...withoutToken, amount: '0.00000001', 'order-id': 'o-1' });
      await mount(forged!, { ...shop, 'price-token': cheap, 'order-id': 'o-2' });
      const invoices = await Promise.all([honest, dropped, forged].map((page) => until(page!, 'awaiting')));
      expect(invoices.map((invoice) => invoice.expectedSats - invoice.tagSats)).to.deep.equal([100_000, 1, 1]);
      for (const invoice of invoices) chain.chain.pay([{ address: invoice.address, sats: invoice.expectedSats }]);
      chain.chain.mine(1);
      // Every page believes it was paid: the page is the buyer's.
      await Promise.all([honest, dropped, forged].map((page) => until(page!, 'paid')));
      const log = await eventually(
        () => receiver.log(),
        (entries) => entries.filter((entry) => entry.claim === 'paid').length === 3,
        'three paid calls',
      );
      const verdict = (orderId: string) => log.find((entry) => entry.claim === 'paid' && entry.orderId === orderId)!;
      expect(verdict('o-0')).to.include({ paid: true, verified: true });
      expect(verdict('o-1')).to.include({ paid: false });
      expect(verdict('o-1').reason).to.equal('The call carries no price token.');
      expect(verdict('o-2')).to.include({ paid: false, reason: 'The price token is not signed with your key: the price was changed.' });
      // An amount written beside the token, differing from it, is refused by the page itself.
      const mixed = await tab(await device(), { ...shop, amount: '0.00000001' });
      await mixed.waitForFunction(() => document.querySelector('btc-checkout')?.getAttribute('status') === 'error');
      expect(await mixed.evaluate(() => (document.querySelector('btc-checkout') as any).error)).to.include({
        source: 'price-token',
        code: 'conflict',
      });
    } finally {
      await receiver.close();
    }
  });
});

describe('one device, many checkouts (Chromium, shipped bundle)', function () {
  this.timeout(90_000);

  it('12 checkouts starting at the same moment in one page get 12 different addresses', async () => {
    const chain = devnet.createChain();
    const page = await tab(await device());
    // One evaluate, so they all start in the same task; the same seed for all.
    await page.evaluate(
      ([api, xpub]) => {
        for (let n = 0; n < 12; n++) (window as any).mount({ xpub, network: 'regtest', api, amount: '0.001', 'order-id': `o-${n}` }, 7);
      },
      [apiOf(chain), VPUB] as const,
    );
    const invoices = await Promise.all(Array.from({ length: 12 }, (_, n) => until(page, 'awaiting', n)));
    expect(new Set(invoices.map((invoice) => invoice.address)).size).to.equal(12);
  });

  it('12 checkouts in three tabs of one device, started together, get 12 different addresses', async () => {
    const chain = devnet.createChain();
    const context = await device();
    const pages = await Promise.all([0, 1, 2].map(() => tab(context)));
    await Promise.all(
      pages.map((page, t) =>
        page.evaluate(
          ([api, xpub, t]) => {
            for (let n = 0; n < 4; n++)
              (window as any).mount({ xpub, network: 'regtest', api, amount: '0.001', 'order-id': `t${t}-${n}` }, 7);
          },
          [apiOf(chain), VPUB, t] as const,
        ),
      ),
    );
    const invoices = (await Promise.all(pages.map((page) => Promise.all([0, 1, 2, 3].map((n) => until(page, 'awaiting', n)))))).flat();
    expect(new Set(invoices.map((invoice) => invoice.address)).size).to.equal(12);
  });

  it('D05: two tabs opened at once on the same order share one invoice, and the paid one is what a reload shows', async () => {
    const chain = devnet.createChain();
    devnet.chain(chain.id).latencyMs = 300; // a slow API widens the race
    const context = await device();
    const order = { xpub: VPUB, network: 'regtest', api: apiOf(chain), amount: '0.001', 'order-id': 'D-5' };
    const [a, b] = await Promise.all([tab(context, order), tab(context, order)]);
    const [first, second] = await Promise.all([until(a, 'awaiting'), until(b, 'awaiting')]);
    expect(second).to.include({ id: first.id, address: first.address, expectedSats: first.expectedSats });
    chain.chain.pay([{ address: first.address, sats: first.expectedSats }]);
    chain.chain.mine(1);
    await Promise.all([until(a, 'paid'), until(b, 'paid')]);
    // Paid is announced once, by one of the two tabs.
    const announced = [...(await events(a)), ...(await events(b))].filter((event) => event.type === 'paid');
    expect(announced).to.have.length(1);
    await a.close();
    await b.reload();
    await b.waitForFunction(() => (window as any).ready);
    const after = await until(b, 'paid');
    expect(after.id).to.equal(first.id);
    // The reloaded page is told the status, and not told "paid" again.
    expect((await events(b)).map((event) => [event.type, event.status])).to.deep.equal([['status', 'paid']]);
  });
});
