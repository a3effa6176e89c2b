/**
 * A buyer with a keyboard only (shipped bundle, devnet): real Tab, Enter and Space key presses
 * reach every control of each state in reading order, use it, and leave the card again.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { part, text, untilStatus, ZPUB } from '../helpers/element.js';
import { control, newChain, newSink, type TestChain } from '../helpers/devnet.js';

/** The part names of what has focus: inside the checkout, or `outside` (the page's own controls). */
function focused(el: BtcCheckout): string {
  const inner = el.shadowRoot!.activeElement;
  if (inner) return inner.getAttribute('part')?.split(' ').pop() ?? inner.tagName.toLowerCase();
  return document.activeElement === el ? 'host' : 'outside';
}

/** Presses Tab until focus leaves the checkout: the controls met on the way, in order. */
async function tabThrough(el: BtcCheckout, before: HTMLElement): Promise<string[]> {
  before.focus();
  const met: string[] = [];
  for (let i = 0; i < 12; i++) {
    await sendKeys({ press: 'Tab' });
    const now = focused(el);
    if (now === 'outside') return met;
    met.push(now);
  }
  throw new Error(`focus is trapped in the checkout: ${met.join(', ')}`);
}

/** A page with a control before and after the checkout, as a shop's page has. */
async function page(checkout: ReturnType<typeof html>): Promise<{ el: BtcCheckout; before: HTMLElement }> {
  const host = await fixture<HTMLDivElement>(html`<div><button id="before">Before</button>${checkout}<button>After</button></div>`);
  return { el: host.querySelector<BtcCheckout>('btc-checkout')!, before: host.querySelector<HTMLElement>('#before')! };
}

describe('<btc-checkout> by keyboard alone (shipped bundle)', () => {
  let chain: TestChain;
  let copied: string[];
  before(async () => {
    chain = await newChain();
  });
  beforeEach(() => {
    // A clipboard that records: headless Chromium has none to read back.
    copied = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (copiedText: string) => void copied.push(copiedText) },
    });
  });
  afterEach(() => {
    delete (navigator as { clipboard?: unknown }).clipboard;
  });

  it('awaiting: wallet link, copy address, copy amount in order; Enter and Space copy, and the button says so', async () => {
    const { el, before } = await page(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="0" amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    expect(await tabThrough(el, before)).to.deep.equal(['wallet-link', 'copy-address', 'copy-amount']);

    before.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('copy-address');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(el, 'copy-address') === 'Copied', 'the button says Copied');
    expect(copied).to.deep.equal([el.receiveAddress]);
    expect(focused(el), 'focus stays on the button').to.equal('copy-address');

    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: ' ' });
    await waitUntil(() => copied.length === 2, 'Space copies too');
    expect(copied[1]).to.equal('0.001');
  });

  it('paid: the transaction link, copy receipt and the way back to the shop, in order', async () => {
    const { el, before } = await page(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="1" amount="0.001" return-url="https://shop.example/thanks"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000, confirm: true });
    await untilStatus(el, 'paid');
    expect(await tabThrough(el, before)).to.deep.equal(['txid', 'copy-receipt', 'return-link']);
    before.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => copied.length === 1, 'the receipt is copied');
    expect(copied[0]).to.match(/^Amount: 0\.001 BTC\nTransaction: [0-9a-f]{64}\nAddress: /);
  });

  it('underpaid: the same controls, and Copy amount copies what is still due', async () => {
    const { el, before } = await page(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="3" amount="0.002"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 50_000 });
    await untilStatus(el, 'underpaid');
    expect(await tabThrough(el, before)).to.deep.equal(['wallet-link', 'copy-address', 'copy-amount']);
    (part(el, 'copy-amount') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => copied.length === 1, 'the amount is copied');
    expect(copied[0]).to.equal('0.0015');
  });

  it('unconfirmed, then confirming: the transaction link and the receipt to copy, in order', async () => {
    const { el, before } = await page(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="4" amount="0.001" confirmations="2"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    expect(await tabThrough(el, before)).to.deep.equal(['txid', 'copy-receipt']);
    await control(chain, 'mine', { blocks: 1 });
    await untilStatus(el, 'confirming');
    expect(await tabThrough(el, before)).to.deep.equal(['txid', 'copy-receipt']);
    (part(el, 'copy-receipt') as HTMLButtonElement).focus();
    await sendKeys({ press: ' ' });
    await waitUntil(() => copied.length === 1, 'Space copies the receipt');
    expect(copied[0]).to.match(/^Amount: 0\.001 BTC\nTransaction: [0-9a-f]{64}\n/);
  });

  it('loading and a notice: nothing to operate yet, and focus passes by', async () => {
    const slow = await newChain();
    // Long enough for a loaded machine to tab through before the answer comes.
    await control(slow, 'latency', { ms: 60_000 });
    const loading = await page(html`<btc-checkout api=${slow.api} xpub=${ZPUB} index="5" amount="0.001"></btc-checkout>`);
    expect(loading.el.status).to.equal('loading');
    expect(await tabThrough(loading.el, loading.before)).to.deep.equal([]);
    expect(loading.el.status, 'still loading while the keys were pressed').to.equal('loading');
    const down = await newChain();
    await control(down, 'fail', { status: 503, count: 1000 });
    const notice = await page(html`<btc-checkout api=${down.api} ws="none" xpub=${ZPUB} index="5" amount="0.001"></btc-checkout>`);
    await waitUntil(() => part(notice.el, 'notice'), 'a notice');
    expect(await tabThrough(notice.el, notice.before)).to.deep.equal([]);
  });

  it('unmatched: copy its transaction id and say it was yours, by keyboard', async () => {
    const sink = await newSink();
    const { el, before } = await page(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="0.001" webhook=${sink.url}></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 12_345 });
    await waitUntil(() => part(el, 'claim'), 'an unmatched payment the buyer can claim', { timeout: 5000 });
    expect(await tabThrough(el, before)).to.deep.equal(['wallet-link', 'copy-address', 'copy-amount', 'copy-txid', 'claim']);
    (part(el, 'claim') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(el, 'claimed'), 'the claim is noted');
    expect(el.invoice!.unmatched[0]!.claimed).to.equal(true);
  });

  it('error: the shop’s details open from the keyboard', async () => {
    const { el, before } = await page(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="-1"></btc-checkout>`);
    await untilStatus(el, 'error');
    expect(await tabThrough(el, before)).to.deep.equal(['summary']);
    const details = part(el, 'error-detail') as HTMLDetailsElement;
    before.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => details.open, 'Enter opens the details');
  });

  it('expired: nothing left to operate, and focus is not trapped', async () => {
    const { el, before } = await page(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="2" amount="0.001" expires="0.02"></btc-checkout>`,
    );
    await untilStatus(el, 'expired', 8000);
    expect(await tabThrough(el, before)).to.deep.equal([]);
  });
});
