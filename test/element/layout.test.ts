/**
 * The card's layout as buyers see it (shipped bundle, devnet): a loading skeleton the size of the
 * card to come, a phone where the status stays in sight, a narrow screen where nothing spills,
 * and a page that chooses light or dark.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { part, untilStatus, ZPUB } from '../helpers/element.js';
import { control, newChain, type TestChain } from '../helpers/devnet.js';

const height = (el: BtcCheckout): number => part(el, 'checkout')!.getBoundingClientRect().height;

describe('<btc-checkout> layout (shipped bundle)', () => {
  let chain: TestChain;
  before(async () => {
    chain = await newChain();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await control(chain, 'latency', { ms: 0 });
  });

  for (const [name, attributes] of [
    ['a tagged amount in BTC', { amount: '0.001', index: '' }],
    ['a price in dollars', { amount: '25', currency: 'USD' }],
    ['an exact amount that never expires', { amount: '0.001', 'exact-amount': '', expires: '0' }],
    ['an open amount', {}],
  ] as const) {
    it(`loading: a skeleton the size of the card that replaces it, so nothing jumps (${name})`, async () => {
      await control(chain, 'latency', { ms: 1200 });
      const host = await fixture<HTMLDivElement>(html`<div style="width: 352px"></div>`);
      const el = Object.assign(document.createElement('btc-checkout'), { api: chain.api, xpub: ZPUB, index: '3' }) as BtcCheckout;
      // index="" leaves the index to allocation: an address other buyers may share, so a tag.
      for (const [attribute, value] of Object.entries(attributes)) {
        if (attribute === 'index' && !value) el.index = null;
        else el.setAttribute(attribute, value);
      }
      host.append(el);
      await el.updateComplete;
      expect(el.status).to.equal('loading');
      const skeleton = el.shadowRoot!.querySelector('.skeleton')!;
      expect(skeleton.getAttribute('aria-hidden'), 'placeholders are not read out').to.equal('true');
      const loading = height(el);

      await untilStatus(el, 'awaiting');
      expect(el.shadowRoot!.querySelector('.skeleton')).to.equal(null);
      expect(Math.abs(height(el) - loading), `loading ${loading} px, awaiting ${height(el)} px`).to.be.below(3);
    });
  }

  it('phone (375 × 667): the status and the whole QR are in sight without scrolling', async () => {
    await setViewport({ width: 375, height: 667 });
    const host = await fixture<HTMLDivElement>(
      html`<div style="padding: 1rem 0.75rem">
        <btc-checkout
          api=${chain.api}
          xpub=${ZPUB}
          index="4"
          amount="0.001"
          label="Corner Shop"
          message="Order 1042"
          show-sats
        ></btc-checkout>
      </div>`,
    );
    const el = host.querySelector<BtcCheckout>('btc-checkout')!;
    await untilStatus(el, 'awaiting');
    const status = part(el, 'status')!.getBoundingClientRect();
    const qr = part(el, 'qr')!.getBoundingClientRect();
    expect(status.bottom, 'the status line').to.be.at.most(667);
    expect(qr.bottom, 'the QR').to.be.at.most(667);
    expect(status.bottom, 'the status is read before the QR').to.be.at.most(qr.top);
    await control(chain, 'pay', { address: el.receiveAddress, sats: 40_000 });
    await untilStatus(el, 'underpaid');
    expect(part(el, 'status')!.getBoundingClientRect().bottom, 'still in sight once partly paid').to.be.at.most(667);
  });

  it('280 px wide: every state fits without spilling sideways', async () => {
    await setViewport({ width: 280, height: 640 });
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout
        api=${chain.api}
        xpub=${ZPUB}
        index="5"
        amount="0.00123456"
        show-sats
        label="A shop with a rather long name"
      ></btc-checkout>`,
    );
    const fits = (state: string): void => {
      const card = part(el, 'checkout')!;
      expect(card.scrollWidth, `${state}: its content`).to.be.at.most(card.clientWidth);
      expect(el.getBoundingClientRect().right, `${state}: the card`).to.be.at.most(280);
      for (const node of card.querySelectorAll('*')) {
        expect(node.getBoundingClientRect().right, `${state}: ${node.getAttribute('part') ?? node.tagName}`).to.be.at.most(280);
      }
    };
    fits('loading');
    await untilStatus(el, 'awaiting');
    fits('awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 200_000, confirm: true });
    await untilStatus(el, 'paid');
    fits('paid');
  });

  it('light and dark follow the system unless the page sets color-scheme on the element', async () => {
    const background = (el: BtcCheckout): string => getComputedStyle(part(el, 'checkout')!).backgroundColor;
    const dark = await fixture<BtcCheckout>(
      html`<btc-checkout style="color-scheme: dark" api=${chain.api} xpub=${ZPUB} index="6" amount="0.001"></btc-checkout>`,
    );
    await untilStatus(dark, 'awaiting');
    expect(background(dark)).to.equal('rgb(23, 25, 29)');
    dark.style.colorScheme = 'light';
    expect(background(dark)).to.equal('rgb(255, 255, 255)');
    // A theme of its own, through the documented custom properties.
    dark.style.setProperty('--btc-checkout-background', 'rgb(1, 2, 3)');
    expect(background(dark)).to.equal('rgb(1, 2, 3)');
    // The QR stays dark on light in every scheme: many scanners cannot read an inverted code.
    dark.style.colorScheme = 'dark';
    expect(getComputedStyle(part(dark, 'qr')!).color).to.equal('rgb(0, 0, 0)');
  });
});
