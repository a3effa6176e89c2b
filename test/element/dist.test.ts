import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { part, untilStatus, ZPUB } from '../helpers/element.js';
import { newChain } from '../helpers/devnet.js';

const BUNDLE = new URL('../../dist/btc-checkout.js', import.meta.url).href;

describe('dist/btc-checkout.js, the CDN file', () => {
  it('defines <btc-checkout> when loaded', async () => {
    await import(BUNDLE);
    expect(customElements.get('btc-checkout')).to.be.a('function');
  });

  it('can be loaded twice (two copies on one page) without breaking', async () => {
    const first = customElements.get('btc-checkout');
    await import(`${BUNDLE}?second-copy`);
    expect(customElements.get('btc-checkout')).to.equal(first);
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${(await newChain()).api} xpub=${ZPUB} amount="1"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
  });

  it('follows prefers-color-scheme', async () => {
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${(await newChain()).api} xpub=${ZPUB} amount="1"></btc-checkout>`);
    await untilStatus(el, 'awaiting');
    await emulateMedia({ colorScheme: 'light' });
    const light = getComputedStyle(part(el, 'checkout')!).backgroundColor;
    await emulateMedia({ colorScheme: 'dark' });
    const dark = getComputedStyle(part(el, 'checkout')!).backgroundColor;
    await emulateMedia({ colorScheme: 'light' });
    expect(light).to.equal('rgb(255, 255, 255)');
    expect(dark).not.to.equal(light);
    // The QR code keeps a white ground in dark mode so that every scanner can read it.
    expect(part(el, 'qr')!.querySelector('rect')!.getAttribute('fill')).to.equal('#fff');
  });
});

describe('the served bundle is byte-for-byte the built file', () => {
  it('is still minified (no dev-server transform in between)', async () => {
    const source = await (await fetch(BUNDLE)).text();
    expect(source.split('\n').length).to.be.below(50);
    expect(source).not.to.include('sourceMappingURL=data:');
  });
});
