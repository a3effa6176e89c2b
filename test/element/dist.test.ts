import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { part, untilStatus, ZPUB } from '../helpers/element.js';
import { newChain } from '../helpers/devnet.js';
import { ABANDON_ACCOUNTS } from '../helpers/vectors.js';
import oracle from '../fixtures/oracle-addresses.json' with { type: 'json' };

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

  it('follows prefers-color-scheme', async function () {
    // Emulating a colour scheme takes the DevTools protocol, which Firefox does not speak.
    if (!navigator.userAgent.includes('Chrome')) this.skip();
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

// The CDN file carries its own public-key-only secp256k1 (build/secp256k1-public.ts): derive with it.
describe('derivation in the CDN file', () => {
  type Derivation = {
    parseAccount: typeof import('../../src/core/account.js').parseAccount;
    deriveAddress: typeof import('../../src/core/account.js').deriveAddress;
  };
  let cdn: Derivation;
  before(async () => {
    cdn = (await import(BUNDLE)) as Derivation;
  });

  it('gives the published BIP 44, 49, 84 and 86 addresses', () => {
    for (const { name, key, network, addressType, receive } of ABANDON_ACCOUNTS) {
      const account = cdn.parseAccount(key, { network, addressType });
      receive.forEach((address, index) => expect(cdn.deriveAddress(account, index), name).to.equal(address));
    }
  });

  it(`gives bitcoinjs's addresses on every network and script type (${oracle.length * 8} addresses)`, () => {
    let compared = 0;
    for (const { key, network, addressType, addresses } of oracle) {
      const account = cdn.parseAccount(key, { network, addressType });
      for (const [index, address] of Object.entries(addresses)) {
        expect(cdn.deriveAddress(account, Number(index)), `${addressType} ${network} ${index}`).to.equal(address);
        compared++;
      }
    }
    expect(compared).to.equal(256);
  });
});

describe('the served bundle is byte-for-byte the built file', () => {
  it('is still minified (no dev-server transform in between)', async () => {
    const source = await (await fetch(BUNDLE)).text();
    expect(source.split('\n').length).to.be.below(50);
    expect(source).not.to.include('sourceMappingURL=data:');
  });
});
