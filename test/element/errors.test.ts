import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import type { BtcCheckoutErrorEvent } from '../../src/element/events.js';
import { part, text, untilStatus, ZPUB } from '../helpers/element.js';
import { PRIVATE_MATERIAL, SEED_PHRASE } from '../helpers/vectors.js';
import { newChain } from '../helpers/devnet.js';

/** Creates the element with attributes, listening before it connects. */
async function mount(attributes: Record<string, string>): Promise<{ el: BtcCheckout; error: BtcCheckoutErrorEvent }> {
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const el = document.createElement('btc-checkout');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  const errorEvent = oneEvent(el, 'btc-checkout-error');
  host.append(el);
  const error = await errorEvent;
  await untilStatus(el, 'error');
  return { el, error };
}

describe('<btc-checkout> errors (shipped bundle)', () => {
  const cases: [string, Record<string, string>, string, string, RegExp][] = [
    ['a mistyped xpub', { xpub: ZPUB.replace('Y', 'Z'), amount: '1' }, 'xpub', 'checksum', /bad checksum/],
    [
      'a multisig descriptor',
      { xpub: `wsh(sortedmulti(2,${ZPUB}/0/*,${ZPUB}/1/*))`, amount: '1' },
      'xpub',
      'multisig',
      /not supported yet/,
    ],
    ['hardened steps after the key', { xpub: `wpkh(${ZPUB}/0'/*)`, amount: '1' }, 'xpub', 'hardened', /cannot be done from a public key/],
    ['an index out of range', { xpub: ZPUB, index: '2147483648', amount: '1' }, 'index', 'out-of-range', /2147483647/],
    ['a negative amount', { xpub: ZPUB, amount: '-5' }, 'amount', 'invalid', /more than zero/],
    ['an amount with an exponent', { xpub: ZPUB, amount: '1e-3' }, 'amount', 'invalid', /exponent/],
    ['a mainnet key on testnet', { xpub: ZPUB, network: 'testnet', amount: '1' }, 'xpub', 'network-mismatch', /mainnet/],
    [
      'a testnet address on mainnet',
      { address: '2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', network: 'mainnet' },
      'address',
      'network-mismatch',
      /mainnet/,
    ],
    ['a bad address checksum', { address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv' }, 'address', 'checksum', /bad checksum/],
    ['no key at all', { amount: '1' }, 'xpub', 'missing', /Set the xpub attribute/],
  ];
  for (const [name, attributes, source, code, message] of cases) {
    it(`${name}: error view, status="error" and an event`, async () => {
      const { el, error } = await mount(attributes);
      expect(error.detail).to.include({ source, code });
      expect(error.detail.message).to.match(message);
      expect(el.error).to.deep.equal(error.detail);
      expect(el.status).to.equal('error');
      expect(el.receiveAddress).to.equal(null);
      expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.include(error.detail.message);
      expect(part(el, 'error')).not.to.equal(null);
      expect(part(el, 'qr')).to.equal(null);
      await expect(el).to.be.accessible();
    });
  }

  describe('private keys are refused and never echoed', () => {
    const logged: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((m) => console[m]);
    beforeEach(() => {
      logged.length = 0;
      methods.forEach((m) => (console[m] = (...args: unknown[]) => void logged.push(args.map(String).join(' '))));
    });
    afterEach(() => methods.forEach((m, i) => (console[m] = originals[i]!)));

    const secrets = [...PRIVATE_MATERIAL.map((m) => [m.name, m.text]), ['seed phrase', SEED_PHRASE]];
    for (const [name, secret] of secrets) {
      for (const attribute of ['xpub', 'address'] as const) {
        it(`${name} in ${attribute}`, async () => {
          const { el, error } = await mount({ [attribute]: secret!, amount: '1' });
          expect(error.detail.code).to.be.oneOf(['private-key', 'seed-phrase']);
          expect(error.detail.message).to.match(/must never be put on a web page/);
          await el.updateComplete;
          const everywhere = [
            el.outerHTML,
            el.shadowRoot!.innerHTML,
            JSON.stringify(error.detail),
            JSON.stringify(el.error),
            logged.join('\n'),
            document.documentElement.outerHTML,
          ];
          const fragment = secret!.includes(' ') ? 'abandon abandon' : secret!.replace(/^.*?(\w{40}).*$/s, '$1');
          for (const place of everywhere) expect(place).not.to.include(fragment);
          expect(el.hasAttribute(attribute)).to.equal(false);
          expect(el.status).to.equal('error');
          expect(text(el, 'error')).to.match(/must never be put on a web page/);
        });
      }
    }

    it('a property set to a private key is scrubbed too, and a good key afterwards works', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const el = document.createElement('btc-checkout');
      el.amount = '1';
      el.index = '0';
      const errored = oneEvent(el, 'btc-checkout-error');
      el.xpub = PRIVATE_MATERIAL[0]!.text;
      host.append(el);
      await errored;
      await untilStatus(el, 'error');
      expect(el.xpub).to.equal(null);
      el.api = (await newChain()).api;
      el.xpub = ZPUB;
      await untilStatus(el, 'awaiting');
      expect(el.receiveAddress).to.equal('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    });
  });

  it('an attribute fixed after an error recovers', async () => {
    const { el } = await mount({ xpub: ZPUB, index: '0', amount: 'abc', api: (await newChain()).api });
    el.setAttribute('amount', '0.5');
    await untilStatus(el, 'awaiting');
    expect(el.error).to.equal(null);
    expect(el.amountSats).to.equal(50_000_000);
  });
});
