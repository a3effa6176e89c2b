import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { part, text, untilStatus, XPUB_86, ZPUB } from '../helpers/element.js';
import { control, newChain, type TestChain } from '../helpers/devnet.js';
import { VPUB } from '../helpers/shop.js';
import { formatBtc } from '../../src/core/amount.js';

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

/** jsQR, an independent QR reader, from its UMD build (it publishes no ES module). */
async function loadJsQr(): Promise<JsQr> {
  const global = window as unknown as { jsQR?: JsQr };
  if (!global.jsQR) {
    const script = Object.assign(document.createElement('script'), { src: '/node_modules/jsqr/dist/jsQR.js' });
    await new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }
  return global.jsQR!;
}

/** Rasterises the element's QR SVG and decodes it with jsQR. */
async function decodeQr(el: BtcCheckout): Promise<string | null> {
  const jsQR = await loadJsQr();
  const svg = part(el, 'qr')!.cloneNode(true) as SVGSVGElement;
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  svg.setAttribute('width', '400');
  svg.setAttribute('height', '400');
  svg.setAttribute('color', '#000');
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.outerHTML)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 400;
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0, 400, 400);
  const { data } = context.getImageData(0, 0, 400, 400);
  return jsQR(data, 400, 400)?.data ?? null;
}

describe('<btc-checkout> renders a payable request (shipped bundle)', () => {
  let chain: TestChain;
  before(async () => {
    chain = await newChain();
  });

  it('from a zpub: address, amount, QR, wallet link and status', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = Object.assign(document.createElement('btc-checkout'), {});
    el.setAttribute('xpub', ZPUB);
    el.setAttribute('index', '0');
    el.setAttribute('amount', '0.0015');
    el.setAttribute('label', 'Corner Shop');
    el.setAttribute('api', chain.api);
    const statusEvent = oneEvent(el, 'btc-checkout-status');
    host.append(el);
    const status = await statusEvent;
    expect(status.detail).to.include({ status: 'awaiting', previous: 'loading' });
    await untilStatus(el, 'awaiting');
    expect(el.status).to.equal('awaiting');
    expect(el.receiveAddress).to.equal('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(el.receiveIndex).to.equal(0);
    expect(el.amountSats).to.equal(150000);
    expect(el.uri).to.equal('bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.0015&label=Corner%20Shop');
    expect(text(el, 'amount')).to.equal('0.0015 BTC');
    expect(part(el, 'address')!.querySelector('code')!.textContent!.replace(/\s/g, '')).to.equal(el.receiveAddress);
    expect(part(el, 'wallet-link')!.getAttribute('href')).to.equal(el.uri);
    expect(part(el, 'qr')!.getAttribute('role')).to.equal('img');
    expect(part(el, 'qr')!.getAttribute('aria-label')).to.equal('QR code: pay 0.0015 BTC to bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(text(el, 'status')).to.match(/Waiting for your payment/);
    expect(status.detail.invoice).to.include({ address: el.receiveAddress, expectedSats: 150000, status: 'awaiting' });
    expect(Object.isFrozen(status.detail.invoice)).to.equal(true);
  });

  it('draws a QR code that decodes to the BIP 21 URI with the upper-case address', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="0.0015" index="1"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    expect(await decodeQr(el)).to.equal('bitcoin:BC1QNJG0JD8228AQ7EGYZACY8CYS3KNF9XVRERKF9G?amount=0.0015');
  });

  it('from a taproot descriptor with origin and checksum', async () => {
    const body = `tr([73c5da0a/86h/0h/0h]${XPUB_86}/<0;1>/*)`;
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${body} amount="25000" currency="sats" index="1"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.receiveAddress).to.equal('bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh');
    expect(el.amountSats).to.equal(25000);
    expect(text(el, 'amount')).to.equal('0.00025 BTC');
  });

  it('shows sats on request, grouped for the page language', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="0" amount="0.0125" show-sats lang="en"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(text(el, 'sats')).to.equal('1,250,000 sats');
  });

  it('a fixed address, with label and message shown as text, never as HTML', async () => {
    const label = '<img src=x onerror="window.__pwned=1">';
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout
        api=${chain.api}
        address="bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
        amount="1"
        label=${label}
        message="Tip & thanks"
      ></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.receiveIndex).to.equal(null);
    expect(text(el, 'label')).to.equal(label);
    expect(text(el, 'message')).to.equal('Tip & thanks');
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    // Every buyer of this price shares the address: the amount carries a tag (1 BTC + 1…99 sats).
    const tag = el.invoice!.tagSats;
    expect(tag).to.be.within(1, 99);
    expect(el.uri).to.equal(
      `bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=${formatBtc(100_000_000 + tag)}&label=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E&message=Tip%20%26%20thanks`,
    );
  });

  it('a donation address without an amount', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} address="bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.uri).to.equal('bitcoin:bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk');
    expect(part(el, 'amount')).to.equal(null);
    expect(part(el, 'copy-amount')).to.equal(null);
    expect(part(el, 'qr')!.getAttribute('aria-label')).to.equal('QR code: pay to bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk');
  });

  it('regtest from a vpub-style key with network="regtest"', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout
        api=${chain.api}
        xpub="tr(${'tpubD6NzVbkrYhZ4XgiXtGrdW5XDAPFCL9h7we1vwNCpn8tGbBcgfVYjXyhWo4E1xkh56hjod1RhGjxbaTLV3X4FyWuejifB9jusQ46QzG87VKp'}/0/*)"
        network="regtest"
        amount="1"
      ></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(el.receiveAddress).to.match(/^bcrt1p/);
  });

  it('re-derives when an attribute changes, reporting each status change', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="1"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    const seen: string[] = [];
    el.addEventListener('btc-checkout-status', (e) => seen.push(`${e.detail.previous}->${e.detail.status}`));
    el.setAttribute('index', '1');
    await el.updateComplete; // the change is taken up at the next update
    expect(el.status).to.equal('loading');
    await untilStatus(el, 'awaiting');
    await new Promise((r) => setTimeout(r, 20));
    expect(el.receiveAddress).to.equal('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');
    expect(seen).to.deep.equal(['awaiting->loading', 'loading->awaiting']);
  });

  it('stops when removed and starts cleanly when put back', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="1"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    const { receiveAddress: address, amountSats } = el;
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await untilStatus(el, 'awaiting');
    // The same buyer gets the same request back (the invoice was kept), not a new address.
    expect([el.receiveAddress, el.amountSats]).to.deep.equal([address, amountSats]);
  });

  it('events bubble out of the shadow root to the document', async () => {
    const heard = new Promise<Event>((resolve) => document.addEventListener('btc-checkout-status', resolve, { once: true }));
    await fixture(html`<div><btc-checkout api=${chain.api} xpub=${ZPUB} amount="1"></btc-checkout></div>`);
    const event = await heard;
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('copies the address and the amount', async () => {
    const written: string[] = [];
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void written.push(t) } });
    try {
      const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="0" amount="0.0015"></btc-checkout>`);
      await untilStatus(el, 'awaiting');
      part(el, 'copy-address')!.click();
      part(el, 'copy-amount')!.click();
      await new Promise((r) => setTimeout(r, 20));
      await el.updateComplete;
      expect(written).to.deep.equal(['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', '0.0015']);
      expect(text(el, 'copy-amount')).to.equal('Copied');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });

  it('is accessible (axe)', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} xpub=${ZPUB} amount="0.0015" label="Shop" show-sats></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    await expect(el).to.be.accessible();
  });

  it('an unmatched payment: a calm, accessible notice with its transaction id, a copy button and a claim button', async () => {
    const own = await newChain();
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${own.api} xpub=${VPUB} network="regtest" amount="0.001" webhook="http://127.0.0.1:9/hook"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    const arrived = oneEvent(el, 'btc-checkout-unmatched');
    const { txid } = await control<{ txid: string }>(own, 'pay', { address: el.receiveAddress, sats: 250_000 });
    expect((await arrived).detail.payment).to.deep.equal({ txid, sats: 250_000, confirmations: 0, claimed: false });
    await el.updateComplete;
    expect(el.status).to.equal('awaiting');
    expect(part(el, 'unmatched')!.getAttribute('role')).to.equal('status');
    expect(text(el, 'unmatched')).to.include(
      'A payment of 0.0025 BTC reached this address, but it is not the exact amount of this request',
    );
    expect(text(el, 'txid')).to.equal(txid);
    expect(text(el, 'copy-txid')).to.equal('Copy transaction id');
    await expect(el).to.be.accessible();
    const claimed = oneEvent(el, 'btc-checkout-claim');
    part(el, 'claim')!.click();
    expect((await claimed).detail.payment.txid).to.equal(txid);
    await el.updateComplete;
    expect(part(el, 'claim')).to.equal(null);
    expect(text(el, 'claimed')).to.equal('The shop has been told this payment is yours. They will check it and settle your order by hand.');
    expect(el.invoice!.unmatched[0]!.claimed).to.equal(true);
    expect(el.claim(txid)).to.equal(false);
  });

  it('no claim button without a json webhook to tell the shop', async () => {
    const own = await newChain();
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${own.api} xpub=${VPUB} network="regtest" amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    await control(own, 'pay', { address: el.receiveAddress, sats: 5_000 });
    await waitUntil(() => part(el, 'unmatched'), 'the notice');
    expect(part(el, 'claim')).to.equal(null);
    expect(part(el, 'copy-txid')).not.to.equal(null);
  });

  it('is themable through custom properties and parts', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout api=${chain.api} style="--btc-checkout-accent: rgb(1, 2, 3)" xpub=${ZPUB} amount="1"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(getComputedStyle(part(el, 'wallet-link')!).backgroundColor).to.equal('rgb(1, 2, 3)');
  });
});
