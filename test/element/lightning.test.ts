/**
 * Lightning beside on-chain (issue 15), end to end: the shipped bundle and its Lightning file in
 * Chromium, the devnet's chain and its Lightning Address services (honest, without verify,
 * without CORS, hostile), and the reference receiver checking what the webhook says.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import type { ErrorDetail } from '../../src/element/events.js';
import { part, text, untilStatus, ZPUB } from '../helpers/element.js';
import { memoryStore } from '../../src/core/store.js';
import { seededRandom } from '../helpers/fakes.js';
import {
  control,
  lightningStats,
  newChain,
  newLightningService,
  newSink,
  settleLightning,
  sinkState,
  type Sink,
  type TestChain,
} from '../helpers/devnet.js';

const until = async (check: () => boolean | Promise<boolean>, message: string, timeout = 10_000): Promise<void> => {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

interface Mounted {
  el: BtcCheckout;
  errors: ErrorDetail[];
  paid: number;
}

async function mount(
  chain: TestChain,
  attributes: Record<string, string>,
  host?: HTMLElement,
  effects?: BtcCheckout['effects'],
): Promise<Mounted> {
  host ??= await fixture<HTMLDivElement>(html`<div></div>`);
  const el = document.createElement('btc-checkout');
  if (effects) el.effects = effects;
  for (const [name, value] of Object.entries({ xpub: ZPUB, amount: '0.001', api: chain.api, ...attributes })) el.setAttribute(name, value);
  const mounted: Mounted = { el, errors: [], paid: 0 };
  el.addEventListener('btc-checkout-error', (event) => mounted.errors.push(event.detail));
  el.addEventListener('btc-checkout-paid', () => mounted.paid++);
  host.append(el);
  return mounted;
}

/** The Lightning invoice on screen: the `lightning:` link's, once offered. */
const offered = (el: BtcCheckout): string | null =>
  part(el, 'lightning-link')
    ?.getAttribute('href')
    ?.replace(/^lightning:/, '') ?? null;
const untilOffered = async (el: BtcCheckout): Promise<string> => {
  await until(() => !!offered(el), 'a Lightning invoice on screen');
  return offered(el)!;
};
/** The shop's reference receiver: its Lightning Address, and 0.001 BTC for a mug in its price list. */
const shopReceiver = (chain: TestChain, lightning: string): Promise<Sink> =>
  newSink({ kind: 'reference', xpub: ZPUB, api: chain.api, lightning, prices: { mug: { amount: '0.001', currency: 'BTC' } } });
const jsonCalls = async (sink: Sink) => (await sinkState(sink)).calls.map((call) => JSON.parse(call.body));

describe('Lightning (shipped bundle, devnet Lightning Address services)', () => {
  let chain: TestChain;
  beforeEach(async () => {
    chain = await newChain();
    localStorage.clear();
  });

  it('paid by Lightning: one QR for both, then paid with method lightning, and the webhook carries the proof', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const sink = await newSink();
    const { el, errors } = await mount(chain, { index: '40', lightning: service.address, webhook: sink.url, 'order-id': 'L-1' });
    await untilStatus(el, 'awaiting');
    const pr = await untilOffered(el);
    expect(pr).to.match(/^lnbc1m1/);
    // BIP 21 with the invoice: one QR code for on-chain and Lightning wallets.
    expect(el.uri).to.equal(`bitcoin:${el.receiveAddress}?amount=0.001&lightning=${pr}`);
    expect(part(el, 'qr')!.getAttribute('aria-label')).to.contain(el.receiveAddress!);
    const { paymentHash, preimage } = await settleLightning(pr);
    await untilStatus(el, 'paid', 15_000);
    expect(el.invoice).to.include({ method: 'lightning', receivedSats: 100_000, overpaid: false });
    expect(el.invoice!.lightning).to.include({ bolt11: pr, paymentHash, preimage, first: true });
    expect(text(el, 'receipt')).to.contain(paymentHash);
    await until(async () => (await jsonCalls(sink)).some((body) => body.status === 'paid'), 'the paid webhook');
    const body = (await jsonCalls(sink)).find((call) => call.status === 'paid');
    expect(body).to.include({ method: 'lightning', previousStatus: 'awaiting', orderId: 'L-1' });
    expect(body.txids).to.deep.equal([]);
    expect(body.lightning).to.deep.equal({ bolt11: pr, paymentHash, verify: el.invoice!.lightning!.verify, preimage });
    expect(body.lightning.verify).to.match(/\/verify\/[0-9a-f]{64}$/);
    expect(errors).to.deep.equal([]);
  });

  it('paid on-chain with Lightning offered: the invoice leaves the screen, and confirmations decide', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const { el } = await mount(chain, { index: '41', lightning: service.address });
    await untilStatus(el, 'awaiting');
    await untilOffered(el);
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    expect(part(el, 'lightning-link')).to.equal(null);
    await control(chain, 'mine');
    await untilStatus(el, 'paid');
    expect(el.invoice).to.include({ method: 'onchain', lightning: null, receivedSats: 100_000, overpaid: false });
  });

  it('both paid: on-chain first, then the Lightning invoice a wallet had scanned, reported as an overpayment', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const sink = await newSink();
    const { el } = await mount(chain, { index: '42', lightning: service.address, webhook: sink.url });
    await untilStatus(el, 'awaiting');
    const pr = await untilOffered(el);
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    // Withdrawn from the screen, yet still watched: the buyer's phone had it already.
    await settleLightning(pr);
    await until(() => !!el.invoice?.lightning, 'the late Lightning payment seen', 15_000);
    expect(el.status).to.equal('unconfirmed');
    expect(el.invoice).to.include({ method: 'onchain', receivedSats: 200_000, overpaid: true });
    expect(el.invoice!.lightning).to.include({ first: false, bolt11: pr });
    await until(async () => (await jsonCalls(sink)).some((body) => body.event === 'payment'), 'the payment webhook');
    const call = (await jsonCalls(sink)).find((body) => body.event === 'payment');
    expect(call).to.include({ status: 'unconfirmed', method: 'onchain', overpaid: true });
    await control(chain, 'mine');
    await untilStatus(el, 'paid');
    expect(text(el, 'overpaid')).to.contain('0.001');
  });

  it('both paid, Lightning first: the on-chain payment after it is an overpayment, and the webhook says so', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const sink = await newSink();
    const { el } = await mount(chain, { index: '53', lightning: service.address, webhook: sink.url });
    await untilStatus(el, 'awaiting');
    await settleLightning(await untilOffered(el));
    await untilStatus(el, 'paid', 15_000);
    // A wallet that scanned the unified QR pays the address too.
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await until(() => el.invoice!.overpaid, 'the overpayment seen');
    expect(el.invoice).to.include({ status: 'paid', method: 'lightning', receivedSats: 200_000 });
    expect(text(el, 'overpaid')).to.contain('0.001');
    await until(async () => (await jsonCalls(sink)).some((body) => body.event === 'payment'), 'the payment webhook');
    const call = (await jsonCalls(sink)).find((body) => body.event === 'payment');
    expect(call).to.include({ status: 'paid', method: 'lightning', overpaid: true });
    expect(call.txids).to.have.length(1);
  });

  it('an invoice that expires while the checkout is open is replaced; the new one pays', async () => {
    const service = await newLightningService({ network: 'mainnet', expirySeconds: 4 });
    const { el } = await mount(chain, { index: '43', lightning: service.address });
    await untilStatus(el, 'awaiting');
    const first = await untilOffered(el);
    await until(() => offered(el) !== null && offered(el) !== first, 'a new invoice', 10_000);
    const second = offered(el)!;
    expect(el.uri).to.contain(`lightning=${second}`);
    await settleLightning(second);
    await untilStatus(el, 'paid', 15_000);
    expect(el.invoice!.lightning!.bolt11).to.equal(second);
    expect((await lightningStats(service.name))!.invoices).to.be.at.least(2);
  });

  it('a reload offers the same invoice, and sees a payment made meanwhile', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const first = await mount(chain, { index: '44', lightning: service.address, 'order-id': 'L-reload' }, host);
    await untilStatus(first.el, 'awaiting');
    const pr = await untilOffered(first.el);
    first.el.remove();
    await settleLightning(pr);
    const again = await mount(chain, { index: '44', lightning: service.address, 'order-id': 'L-reload' }, host);
    await untilStatus(again.el, 'paid', 15_000);
    expect(again.el.invoice!.lightning!.bolt11).to.equal(pr);
    expect((await lightningStats(service.name))!.invoices).to.equal(1);
  });

  it('a reload after the shop changed its Lightning Address offers an invoice from the new one, never the old', async () => {
    const [before, after] = [await newLightningService({ network: 'mainnet' }), await newLightningService({ network: 'mainnet' })];
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const first = await mount(chain, { index: '54', lightning: before.address, 'order-id': 'L-moved' }, host);
    const old = await untilOffered(first.el);
    first.el.remove();
    const again = await mount(chain, { index: '54', lightning: after.address, 'order-id': 'L-moved' }, host);
    const pr = await untilOffered(again.el);
    expect(pr).not.to.equal(old);
    expect((await lightningStats(after.name))!.invoices).to.equal(1);
  });

  it('two buyers on two devices at one shared address, with different prices: each Lightning invoice is their own', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const device = (n: number) => ({ store: memoryStore(), random: seededRandom(700 + n) });
    const a = await mount(chain, { lightning: service.address, amount: '0.001' }, host, device(1));
    const b = await mount(chain, { lightning: service.address, amount: '0.002' }, host, device(2));
    await Promise.all([untilStatus(a.el, 'awaiting'), untilStatus(b.el, 'awaiting')]);
    const [prA, prB] = await Promise.all([untilOffered(a.el), untilOffered(b.el)]);
    expect(prA).not.to.equal(prB);
    await settleLightning(prA);
    await untilStatus(a.el, 'paid', 15_000);
    // B's invoice is another payment hash: A's payment says nothing about it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(b.el.status).to.equal('awaiting');
    expect(b.el.invoice!.lightning).to.equal(null);
    expect(offered(b.el)).to.equal(prB);
    expect(a.el.invoice!.lightning!.sats).to.equal(a.el.amountSats);
  });

  it('a service without verify: Lightning is hidden by default and the merchant is told; lightning-unverified="show" offers it with a note', async () => {
    const service = await newLightningService({ network: 'mainnet', verify: false });
    const hidden = await mount(chain, { index: '45', lightning: service.address });
    await untilStatus(hidden.el, 'awaiting');
    await until(() => hidden.errors.length > 0, 'an error event');
    expect(hidden.errors[0]).to.include({ source: 'lightning-unverified', code: 'unsupported' });
    expect(hidden.errors[0]!.message).to.contain('verify');
    expect(part(hidden.el, 'lightning-link')).to.equal(null);
    expect(hidden.el.uri).not.to.contain('lightning=');
    expect(hidden.el.error).to.include({ source: 'lightning-unverified' });

    const shown = await mount(chain, { index: '46', lightning: service.address, 'lightning-unverified': 'show' });
    await untilStatus(shown.el, 'awaiting');
    await untilOffered(shown.el);
    expect(text(shown.el, 'lightning-note')).to.contain('shop');
    expect(shown.errors).to.deep.equal([]);
  });

  it('a service without CORS: the merchant reads why, the buyer pays on-chain; through the receiver’s proxy it works', async function () {
    // The service is asked three times (now, 2 s and 5 s later) before Lightning is given up.
    this.timeout(40_000);
    const service = await newLightningService({ network: 'mainnet', cors: false });
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warned.push(args.join(' '));
    let blocked: Mounted;
    try {
      blocked = await mount(chain, { index: '47', lightning: service.address });
      await untilStatus(blocked.el, 'awaiting');
      await until(() => blocked.errors.length > 0, 'an error event');
    } finally {
      console.warn = warn;
    }
    expect(blocked.errors[0]).to.include({ source: 'lightning', code: 'unavailable' });
    expect(blocked.errors[0]!.message).to.contain('CORS');
    expect(warned.some((line) => line.includes('CORS'))).to.equal(true);
    expect(part(blocked.el, 'lightning-link')).to.equal(null);
    expect(part(blocked.el, 'qr')).not.to.equal(null);
    await control(chain, 'pay', { address: blocked.el.receiveAddress, sats: 100_000 });
    await untilStatus(blocked.el, 'unconfirmed');

    // The shop's reference receiver forwards to its own Lightning Address, and checks the payment.
    const receiver = await shopReceiver(chain, service.address);
    const proxied = await mount(chain, {
      index: '48',
      lightning: service.address,
      'lightning-proxy': `${receiver.url}/lightning?url=`,
      webhook: `${receiver.url}/json`,
      item: 'mug',
    });
    await untilStatus(proxied.el, 'awaiting');
    const pr = await untilOffered(proxied.el);
    await settleLightning(pr);
    await untilStatus(proxied.el, 'paid', 15_000);
    await until(async () => (await sinkState(receiver)).log.some((entry) => entry.claim === 'paid'), 'the receiver’s check');
    const entry = (await sinkState(receiver)).log.find((line) => line.claim === 'paid')!;
    expect(entry, JSON.stringify(entry)).to.include({ verified: true, paid: true });
  });

  it('a buyer who edits the price and pays 1 sat by Lightning sees "Paid", and the shop’s receiver refuses the order', async () => {
    const service = await newLightningService({ network: 'mainnet' });
    const receiver = await shopReceiver(chain, service.address);
    // The shop's tag asks 0.001 BTC for the mug; the buyer's devtools made it 1 sat.
    const { el } = await mount(chain, { index: '55', lightning: service.address, item: 'mug', webhook: `${receiver.url}/json` });
    el.setAttribute('amount', '0.00000001');
    await until(() => el.amountSats === 1 && !!offered(el), 'the edited request');
    await settleLightning(offered(el)!);
    await untilStatus(el, 'paid', 15_000);
    await until(async () => (await sinkState(receiver)).log.some((entry) => entry.claim === 'paid'), 'the receiver’s check');
    const entry = (await sinkState(receiver)).log.find((line) => line.claim === 'paid')!;
    expect(entry, JSON.stringify(entry)).to.include({ verified: false, paid: false });
    expect(entry.reason).to.match(/price|sats|msat/);
  });

  it('a hostile service whose invoice asks another amount is refused: nothing to pay by Lightning, on-chain unharmed', async () => {
    const service = await newLightningService({ network: 'mainnet', amount: 'wrong' });
    const { el, errors } = await mount(chain, { index: '49', lightning: service.address });
    await untilStatus(el, 'awaiting');
    await until(() => errors.length > 0, 'an error event');
    expect(errors[0]).to.include({ source: 'lightning', code: 'mismatch' });
    expect(part(el, 'lightning-link')).to.equal(null);
    expect(el.uri).to.equal(`bitcoin:${el.receiveAddress}?amount=0.001`);
    // Refused once, not asked again and again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await lightningStats(service.name))!.invoices).to.equal(1);
  });

  it('a lying verify (settled, with a made-up preimage) never pays the invoice', async () => {
    const service = await newLightningService({ network: 'mainnet', verifyAnswers: 'lying' });
    const { el, errors } = await mount(chain, { index: '50', lightning: service.address });
    await untilStatus(el, 'awaiting');
    await until(() => errors.length > 0, 'an error event', 10_000);
    expect(errors[0]).to.include({ source: 'lightning', code: 'mismatch' });
    expect(el.status).to.equal('awaiting');
    expect(el.invoice!.lightning).to.equal(null);
  });

  it('on a 280 px phone, with Lightning offered, nothing spills; axe passes in light and dark, with the note too', async () => {
    await setViewport({ width: 280, height: 640 });
    try {
      const service = await newLightningService({ network: 'mainnet', verify: false });
      const { el } = await mount(chain, { index: '52', lightning: service.address, 'lightning-unverified': 'show', 'show-sats': '' });
      await untilOffered(el);
      const card = part(el, 'checkout')!;
      expect(card.scrollWidth).to.be.at.most(card.clientWidth);
      for (const node of card.querySelectorAll('*')) {
        expect(node.getBoundingClientRect().right, node.getAttribute('part') ?? node.tagName).to.be.at.most(280);
      }
      for (const scheme of ['light', 'dark']) {
        el.style.colorScheme = scheme;
        await expect(el, scheme).to.be.accessible();
      }
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('loads btc-checkout-lightning.js once per page, pinned by the integrity built into the file', async () => {
    const scripts = (): HTMLScriptElement[] => [
      ...document.querySelectorAll<HTMLScriptElement>('script[src$="btc-checkout-lightning.js"]'),
    ];
    const service = await newLightningService({ network: 'mainnet' });
    const { el } = await mount(chain, { index: '51', lightning: service.address });
    await untilOffered(el);
    const [script, ...more] = scripts();
    expect(more).to.have.length(0);
    const bytes = await (await fetch(script!.src)).arrayBuffer();
    const digest = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-384', bytes))));
    expect(script!.integrity).to.equal(`sha384-${digest}`);
  });
});
