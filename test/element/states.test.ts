/**
 * Each state's screen, as a buyer reads it, and as axe-core finds it (no violation in any state):
 * the shipped bundle against the devnet.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { formatBtc } from '../../src/core/amount.js';
import { part, text, untilStatus, ZPUB } from '../helpers/element.js';
import { control, newChain, type TestChain } from '../helpers/devnet.js';
import { de } from '../../src/element/locales/de.js';
import { en } from '../../src/element/messages.js';
import { fr } from '../../src/element/locales/fr.js';

const reads = (line: string, expected: string | RegExp): boolean =>
  typeof expected === 'string' ? line === expected : expected.test(line);

/**
 * The page switches to German as a language menu would (lang on an ancestor): the state's words
 * follow at once, still accessible; and back to English when the page's lang goes.
 */
async function switchesLanguage(el: BtcCheckout, german: string | RegExp): Promise<void> {
  const english = text(el, 'status');
  const page = el.parentElement!;
  page.lang = 'de';
  await waitUntil(() => reads(text(el, 'status'), german), `the status line never read ${german} (reads "${text(el, 'status')}")`);
  await expect(el).to.be.accessible();
  page.removeAttribute('lang');
  await waitUntil(() => text(el, 'status') === english, 'back in English');
}

describe('<btc-checkout>: a screen for every state (shipped bundle)', () => {
  let chain: TestChain;
  beforeEach(async () => {
    chain = await newChain();
  });

  it('loading: a busy card, accessible while the address’s history is read', async () => {
    await control(chain, 'latency', { ms: 1500 });
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="8" amount="0.001"></btc-checkout>`);
    expect(el.status).to.equal('loading');
    expect(part(el, 'checkout')!.getAttribute('aria-busy')).to.equal('true');
    expect(text(el, 'status')).to.equal('Preparing your payment request…');
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.loading);
    await control(chain, 'latency', { ms: 0 });
  });

  it('awaiting: the shop’s name and logo on top, and a countdown in words and as a bar, saying what happens at zero', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="7" amount="0.001" label="Corner Shop" expires="10"
        ><img slot="logo" alt="Corner Shop logo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="
      /></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    const header = part(el, 'header')!;
    expect(header.querySelector<HTMLSlotElement>('slot[name=logo]')!.assignedElements()[0]!.getAttribute('alt')).to.equal(
      'Corner Shop logo',
    );
    expect(text(el, 'label')).to.equal('Corner Shop');
    expect(header.compareDocumentPosition(part(el, 'qr')!) & Node.DOCUMENT_POSITION_FOLLOWING, 'above the QR').to.not.equal(0);
    const bar = part(el, 'time-left') as HTMLProgressElement;
    expect(bar.max).to.equal(600_000);
    expect(bar.value).to.be.within(590_000, 600_000);
    expect(bar.getAttribute('aria-hidden'), 'the words say it for screen readers').to.equal('true');
    expect(text(el, 'countdown')).to.equal('Pay within 10 minutes');
    expect(text(el, 'countdown-help')).to.match(/no longer guaranteed.*still seen/);
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.awaiting);
    // The element's own lang wins over the page's.
    el.lang = 'fr';
    await waitUntil(() => text(el, 'status') === fr.awaiting, 'in French');
    expect(text(el, 'countdown')).to.equal('Payez dans les 10 minutes');
  });

  it('the countdown’s bar moves in hundredths, not every second (a repaint each second was most of an idle checkout’s CPU)', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="12" amount="0.001" expires="5"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    const bar = part(el, 'time-left') as HTMLProgressElement;
    const values: string[] = [];
    const watch = new MutationObserver(() => values.push(bar.getAttribute('value')!));
    watch.observe(bar, { attributeFilter: ['value'] });
    // A 5-minute window moves in steps of 3 s: 3.5 s of ticks see at most two.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    watch.disconnect();
    const distinct = [...new Set(values)];
    expect(distinct.length, `values: ${distinct}`).to.be.within(1, 2);
    for (const value of distinct) expect(Number(value) % 3_000, value).to.equal(0);
  });

  it('underpaid: a banner with what arrived and what is still due, and the QR and link ask for the rest', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="0" amount="0.002"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    expect(part(el, 'underpaid'), 'no banner before anything arrives').to.equal(null);
    await control(chain, 'pay', { address: el.receiveAddress, sats: 50_000 });
    await untilStatus(el, 'underpaid');
    expect(text(el, 'underpaid')).to.equal('Partly paid Received 0.0005 BTC · still to pay 0.0015 BTC');
    expect(part(el, 'underpaid')!.querySelector('strong'), 'said in words, not by colour alone').to.exist;
    expect(el.uri).to.include('amount=0.0015');
    expect(text(el, 'amount')).to.match(/^0\.0015 BTC/);
    await expect(el).to.be.accessible();
    await switchesLanguage(el, /^0\.0005 von 0\.002 BTC erhalten/);
  });

  it('expired: a heading, then what to do next', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="1" amount="0.001" expires="0.02"></btc-checkout>`,
    );
    await untilStatus(el, 'expired', 8000);
    const heading = el.shadowRoot!.querySelector('h2')!;
    expect(heading.textContent).to.equal('Payment request expired');
    expect(
      heading.compareDocumentPosition(part(el, 'explanation')!) & Node.DOCUMENT_POSITION_FOLLOWING,
      'the heading comes first',
    ).to.not.equal(0);
    expect(text(el, 'explanation')).to.equal('Please do not pay to it any more; start a new payment instead.');
    expect(part(el, 'qr'), 'no QR to pay an expired request').to.equal(null);
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.expired);
  });

  it('paid: a receipt with the amount, the transaction linked to the API’s explorer, the address, date and order, and the way back to the shop', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout
        api=${chain.api}
        xpub=${ZPUB}
        index="2"
        amount="0.001"
        order-id="A-17"
        return-url="https://shop.example/thanks"
      ></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    const { txid } = await control<{ txid: string }>(chain, 'pay', { address: el.receiveAddress, sats: 100_000, confirm: true });
    await untilStatus(el, 'paid');
    const receipt = part(el, 'receipt')!;
    const rows = [...receipt.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent!.trim()]);
    expect(rows.map(([label]) => label)).to.deep.equal(['Amount', 'Transaction', 'Address', 'Date', 'Order']);
    expect(rows[0]![1]).to.equal('0.001 BTC');
    expect(rows[1]![1]).to.equal(txid);
    expect(rows[2]![1]).to.equal(el.receiveAddress);
    expect(rows[4]![1]).to.equal('A-17');
    const link = receipt.querySelector<HTMLAnchorElement>('a[part~=txid]')!;
    expect(link.getAttribute('href')).to.equal(`${chain.api.replace(/\/api$/, '')}/tx/${txid}`);
    expect(link.rel).to.equal('noopener noreferrer');
    expect(part(el, 'return-link')!.getAttribute('href')).to.equal('https://shop.example/thanks');
    expect(text(el, 'return-link')).to.equal('Back to the shop');
    expect(part(el, 'copy-receipt'), 'the buyer can copy it').to.exist;
    expect(part(el, 'overpaid')).to.equal(null);
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.paid);
  });

  it('keyboard: a buyer on the copy button when the payment arrives is taken to the new screen’s heading, not lost', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="9" amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    (part(el, 'copy-address') as HTMLButtonElement).focus();
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'copy-address'));
    expect(part(el, 'copy-address')!.getAttribute('aria-live'), 'its "Copied" is announced').to.equal('polite');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    expect(el.shadowRoot!.activeElement?.tagName).to.equal('H2');
    expect(el.shadowRoot!.activeElement!.textContent).to.equal('Payment received');
  });

  it('paid more than asked: the receipt says so, for the shop to settle', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="3" amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 125_000, confirm: true });
    await untilStatus(el, 'paid');
    expect(text(el, 'overpaid')).to.equal(
      `You paid ${formatBtc(25_000)} BTC more than asked: the shop will settle the difference with you.`,
    );
  });

  it('unconfirmed: the payment seen, the receipt already there, no progress bar yet', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="10" amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    const { txid } = await control<{ txid: string }>(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Payment received');
    expect(text(el, 'status')).to.equal(en.unconfirmed);
    expect(text(el, 'txid')).to.equal(txid);
    expect(part(el, 'confirmations'), 'no confirmations to count on a 1-confirmation invoice').to.equal(null);
    expect(part(el, 'qr'), 'nothing more to pay').to.equal(null);
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.unconfirmed);
  });

  it('unmatched: a payment that is not this request’s, noted calmly while the request stands', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 12_345 });
    await waitUntil(() => part(el, 'unmatched'), 'the notice');
    expect(el.status).to.equal('awaiting');
    expect(text(el, 'unmatched')).to.match(/^A payment of 0\.00012345 BTC reached this address, but it is not the exact amount/);
    expect(part(el, 'qr'), 'the request still stands').to.exist;
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.awaiting);
    el.parentElement!.lang = 'de';
    await waitUntil(
      () => text(el, 'unmatched').startsWith('Eine Zahlung von 0.00012345 BTC ist an dieser Adresse eingegangen'),
      'in German',
    );
    el.parentElement!.removeAttribute('lang');
  });

  it('expired, then paid late: the buyer reads that it was seen and the shop will settle it', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="11" amount="0.001" expires="0.02"></btc-checkout>`,
    );
    await untilStatus(el, 'expired', 8000);
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000, confirm: true });
    await waitUntil(() => text(el, 'explanation') === en.late, 'the late payment is told');
    expect(el.status).to.equal('expired');
    await expect(el).to.be.accessible();
    el.parentElement!.lang = 'de';
    await waitUntil(() => text(el, 'explanation') === de.late, 'in German');
    el.parentElement!.removeAttribute('lang');
    await switchesLanguage(el, de.expired);
  });

  it('confirming: k of n confirmations, as words and as progress', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="4" amount="0.001" confirmations="3"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000, confirm: true });
    await untilStatus(el, 'confirming');
    expect(text(el, 'status')).to.equal('Payment confirming: 1 of 3 confirmations.');
    const progress = part(el, 'confirmations') as HTMLProgressElement;
    expect([progress.value, progress.max]).to.deep.equal([1, 3]);
    expect(part(el, 'receipt'), 'the receipt shows as soon as the payment is seen').to.exist;
    await expect(el).to.be.accessible();
    await switchesLanguage(el, 'Zahlung wird bestätigt: 1 von 3 Bestätigungen.');
  });

  it('a passing problem reads in plain words; the technical detail is for the console and el.error', async function () {
    this.timeout(30_000);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      await control(chain, 'fail', { status: 503, count: 2 });
      const el = await fixture<BtcCheckout>(
        html`<btc-checkout api=${chain.api} ws="none" xpub=${ZPUB} index="5" amount="0.001"></btc-checkout>`,
      );
      await waitUntil(() => part(el, 'notice'), 'a notice');
      expect(text(el, 'notice')).to.not.match(/HTTP|503|http/);
      expect(el.error).to.include({ source: 'chain' });
      expect(warnings.some((line) => /btc-checkout: chain\/.*503/.test(line))).to.equal(true);
      await expect(el).to.be.accessible();
      await untilStatus(el, 'awaiting', 15_000);
      expect(el.error).to.equal(null);
    } finally {
      console.warn = warn;
    }
  });

  it('error: the buyer reads that checkout is unavailable; the mistake itself is for the shop', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="-1"></btc-checkout>`);
    await untilStatus(el, 'error');
    expect(text(el, 'status')).to.equal('This checkout cannot take payments right now.');
    const detail = part(el, 'error-detail') as HTMLDetailsElement;
    expect(detail.open, 'folded away from the buyer').to.equal(false);
    expect(detail.querySelector('summary')!.textContent).to.equal('Details for the shop');
    expect(detail.querySelector('p')!.textContent).to.equal(el.error!.message);
    // Read top to bottom: the heading, the buyer's line, then the details for the shop.
    const top = (node: Element): number => node.getBoundingClientRect().top;
    const heading = el.shadowRoot!.querySelector('h2')!;
    expect(top(heading)).to.be.below(top(part(el, 'status')!));
    expect(top(part(el, 'status')!)).to.be.below(top(detail));
    await expect(el).to.be.accessible();
    await switchesLanguage(el, de.error);
  });

  it('return-url must be an http(s) link without credentials', async () => {
    for (const [url, code] of [
      ['javascript:alert(1)', 'invalid'],
      ['shop.example/thanks', 'invalid'],
      ['https://user:pw@shop.example/', 'credentials'],
    ]) {
      const el = await fixture<BtcCheckout>(
        html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="6" amount="0.001" return-url=${url}></btc-checkout>`,
      );
      await untilStatus(el, 'error');
      expect(el.error, url).to.include({ source: 'return-url', code });
    }
  });
});
