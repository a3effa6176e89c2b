/**
 * Allocation, kept invoices and fiat, with the shipped bundle in Chromium against the devnet.
 * Buyers on "fresh pages" are iframes; those standing for other devices get their own storage
 * (another device does not share this browser's localStorage) and seeded randomness, so every run
 * is the same.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import { formatBtc } from '../../src/core/amount.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { memoryStore } from '../../src/core/store.js';
import { seededRandom } from '../helpers/fakes.js';
import { part, text, untilStatus } from '../helpers/element.js';
import { control, newChain } from '../helpers/devnet.js';
import { addressAt, seed, VPUB } from '../helpers/shop.js';

const frames: HTMLIFrameElement[] = [];
afterEach(() => frames.splice(0).forEach((frame) => frame.remove()));

/** A fresh page of the shop with the CDN script; `markup` is its body after the script. */
async function page(markup = ''): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<script type="module" src="/dist/btc-checkout.js"></script>${markup}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  frames.push(frame);
  await loaded;
  return frame;
}

/** A buyer on another device: a fresh page, its own storage and randomness. */
async function buyerOnDevice(attributes: Record<string, string>, seedNumber: number): Promise<BtcCheckout> {
  const frame = await page();
  const doc = frame.contentDocument!;
  const el = doc.createElement('btc-checkout') as BtcCheckout;
  for (const [name, value] of Object.entries({ xpub: VPUB, network: 'regtest', ...attributes })) el.setAttribute(name, value);
  el.effects = { store: memoryStore(), random: seededRandom(seedNumber) };
  doc.body.append(el);
  return el;
}

describe('allocation (shipped bundle, devnet)', () => {
  it('concurrent buyers on fresh pages get distinct (address, amount) pairs inside the gap window', async () => {
    const chain = await newChain();
    await seed(chain, [0, 1, 3, 8]); // gaps of 1 and 4: shorter than the gap limit
    const buyers = await Promise.all(Array.from({ length: 24 }, (_, n) => buyerOnDevice({ api: chain.api, amount: '0.001' }, n + 1)));
    await Promise.all(buyers.map((el) => untilStatus(el, 'awaiting', 10_000)));
    const pairs = new Set<string>();
    for (const el of buyers) {
      expect(el.receiveIndex).to.be.within(9, 28);
      expect(el.receiveAddress).to.equal(addressAt(el.receiveIndex!));
      expect(el.amountSats! - 100_000).to.be.within(1, 99);
      pairs.add(`${el.receiveAddress} ${el.amountSats}`);
      // The buyer is told about the tag, and the wallet link asks for the tagged amount.
      const tag = el.amountSats! - 100_000;
      expect(text(el, 'tag')).to.equal(
        tag === 1
          ? 'Includes 1 sat that marks this payment as yours. Please pay the exact amount.'
          : `Includes ${tag} sats that mark this payment as yours. Please pay the exact amount.`,
      );
      expect(el.uri).to.include(`amount=${formatBtc(el.amountSats!)}`);
    }
    expect(new Set(buyers.map((el) => el.receiveAddress)).size).to.be.below(24); // some share an address…
    expect(pairs.size).to.equal(24); // …and none shares an (address, amount) pair
  });

  it('gap-limit="5" keeps every index within 5 of the last used', async () => {
    const chain = await newChain();
    await seed(chain, [0, 2, 4]);
    const buyers = await Promise.all(
      Array.from({ length: 10 }, (_, n) => buyerOnDevice({ api: chain.api, amount: '0.001', 'gap-limit': '5' }, 50 + n)),
    );
    await Promise.all(buyers.map((el) => untilStatus(el, 'awaiting', 10_000)));
    for (const el of buyers) expect(el.receiveIndex).to.be.within(5, 9);
  });

  it("exact-amount asks for exactly the amount on an address of the buyer's own, and is refused on a shared one", async () => {
    const chain = await newChain();
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout xpub=${VPUB} network="regtest" api=${chain.api} amount="0.001" index="3" exact-amount></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.amountSats).to.equal(100_000);
    expect(part(el, 'tag')).to.equal(null);
    const shared = await fixture<BtcCheckout>(
      html`<btc-checkout xpub=${VPUB} network="regtest" api=${chain.api} amount="0.001" exact-amount></btc-checkout>`,
    );
    await untilStatus(shared, 'error');
    expect(shared.error).to.include({ source: 'exact-amount', code: 'conflict' });
  });

  it('D02b: checkouts closed unpaid give their address back, so the gap window never runs out on one device', async () => {
    const chain = await newChain();
    const store = memoryStore();
    // gap-limit 2: without giving back, the third checkout would find both addresses held.
    for (let n = 0; n < 5; n++) {
      const el = document.createElement('btc-checkout') as BtcCheckout;
      for (const [name, value] of Object.entries({
        xpub: VPUB,
        network: 'regtest',
        api: chain.api,
        amount: '0.001',
        'order-id': `abandoned-${n}`,
        'gap-limit': '2',
      }))
        el.setAttribute(name, value);
      el.effects = { store, random: seededRandom(900 + n) };
      document.body.append(el);
      await untilStatus(el, 'awaiting', 10_000);
      expect(el.receiveIndex).to.be.within(0, 1);
      el.remove();
      // The hold is given back under the device's lock, asynchronously: let it land.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('D12: a corrupted saved invoice for the order is set aside and a new one is made, not a permanent error', async () => {
    const chain = await newChain();
    const store = memoryStore();
    const attributes = { xpub: VPUB, network: 'regtest', api: chain.api, amount: '0.001', 'order-id': 'corrupt-1', index: '4' };
    for (const corrupt of ['{"receiver":"x","base":null}', 'not json', '[]', '{"receiver":1}']) {
      store.set('btc-checkout:invoice:order:corrupt-1', corrupt);
      const el = document.createElement('btc-checkout') as BtcCheckout;
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      el.effects = { store };
      document.body.append(el);
      await untilStatus(el, 'awaiting', 10_000);
      expect(el.receiveAddress).to.equal(addressAt(4));
      el.remove();
    }
  });

  it('a reload resumes the same invoice (order-id), and keeps watching it', async () => {
    const chain = await newChain();
    const markup = `<btc-checkout xpub="${VPUB}" network="regtest" api="${chain.api}" amount="0.001" order-id="R-7"></btc-checkout>`;
    const frame = await page(markup);
    const first = frame.contentDocument!.querySelector('btc-checkout') as BtcCheckout;
    await untilStatus(first, 'awaiting');
    const before = first.invoice!;
    const reloaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.contentWindow!.location.reload();
    await reloaded;
    const second = frame.contentDocument!.querySelector('btc-checkout') as BtcCheckout;
    expect(second).not.to.equal(first);
    await untilStatus(second, 'awaiting');
    expect(second.invoice).to.include({
      id: before.id,
      address: before.address,
      index: before.index,
      expectedSats: before.expectedSats,
      createdAt: before.createdAt,
    });
    await control(chain, 'pay', { address: second.receiveAddress, sats: before.expectedSats });
    await untilStatus(second, 'unconfirmed');
  });
});

describe('storage that refuses (shipped bundle)', () => {
  it('works in memory when localStorage throws, as in Safari private mode', async () => {
    const chain = await newChain();
    // The page's localStorage throws on every use, before the bundle loads.
    const frame = await page(`<script>
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
    </script><btc-checkout xpub="${VPUB}" network="regtest" api="${chain.api}" amount="0.001" order-id="P-1" webhook="https://127.0.0.1:9/hook"></btc-checkout>`);
    expect(() => frame.contentWindow!.localStorage).to.throw(/insecure/);
    const el = frame.contentDocument!.querySelector('btc-checkout') as BtcCheckout;
    await untilStatus(el, 'awaiting');
    expect(el.receiveIndex).to.be.within(0, 19);
    expect(el.error).to.equal(null);
  });
});

describe('fiat (shipped bundle, devnet)', () => {
  it('25 USD at 97,123 USD/BTC is 25,741 sats, shown beside the price in USD', async () => {
    const chain = await newChain();
    await control(chain, 'prices', { USD: 97123 });
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout xpub=${VPUB} network="regtest" api=${chain.api} amount="25" currency="USD" index="0" lang="en-US"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.amountSats).to.equal(25741);
    expect(el.invoice!.fiat).to.deep.equal({ currency: 'USD', amount: '25', rate: '97123' });
    expect(text(el, 'fiat')).to.equal('$25.00');
    expect(text(el, 'amount')).to.equal('0.00025741 BTC $25.00');
    expect(el.uri).to.match(/\?amount=0\.00025741$/);
  });

  it('with allocation the tag is added to the converted amount, never taken from it', async () => {
    const chain = await newChain();
    await control(chain, 'prices', { EUR: 80000 });
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout xpub=${VPUB} network="regtest" api=${chain.api} amount="19.99" currency="EUR" lang="de-DE"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.amountSats! - 24988).to.be.within(1, 99); // 19.99 / 80 000 BTC = 24 987.5 → 24 988 sats
    // In the language of the sentences around it, once the German catalogue has arrived.
    await waitUntil(() => text(el, 'fiat') === '19,99 €', `the price reads "${text(el, 'fiat')}"`);
  });

  it('a price of -1 is a clear error in the UI and as an event, retried until the price is back', async () => {
    const chain = await newChain();
    await control(chain, 'prices', { USD: -1 });
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries({
      xpub: VPUB,
      network: 'regtest',
      api: chain.api,
      amount: '10',
      currency: 'USD',
      index: '0',
    }))
      el.setAttribute(name, value);
    // Retries come after 5 s, 10 s…: squeezed here.
    el.effects = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, Math.min(ms, 200)) };
    const error = oneEvent(el, 'btc-checkout-error');
    host.append(el);
    expect((await error).detail).to.include({
      source: 'rates',
      code: 'unavailable',
      message: 'No price for USD right now (the source marks it unavailable).',
    });
    await el.updateComplete;
    expect(el.status).to.equal('loading');
    expect(el.amountSats).to.equal(null);
    // In plain words for the buyer; the technical detail is the event's, and el.error's.
    expect(text(el, 'notice')).to.equal('The exchange rate is not available yet. This page keeps trying.');
    expect(el.error).to.include({ source: 'rates', code: 'unavailable' });
    await control(chain, 'prices', { USD: 100000 });
    await untilStatus(el, 'awaiting');
    expect(el.amountSats).to.equal(10000);
    await waitUntil(() => !part(el, 'notice'), 'the notice goes away');
  });
});
