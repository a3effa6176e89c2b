/**
 * The Lightning file is for Lightning checkouts only: an on-chain checkout never loads it (its
 * own page: test/element/lightning.test.ts loads it in another).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { untilStatus, ZPUB } from '../helpers/element.js';
import { newChain } from '../helpers/devnet.js';

describe('Lightning is loaded only when asked for', () => {
  it('an on-chain checkout reaches awaiting without btc-checkout-lightning.js', async () => {
    const chain = await newChain();
    const el = await fixture<BtcCheckout>(html`<btc-checkout xpub=${ZPUB} amount="0.001" index="3" api=${chain.api}></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    expect(document.querySelector('script[src$="btc-checkout-lightning.js"]')).to.equal(null);
    expect(performance.getEntriesByType('resource').some((entry) => entry.name.includes('btc-checkout-lightning'))).to.equal(false);
  });
});
