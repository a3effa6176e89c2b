import { expect } from 'chai';
import { parseConfig, parseIndex } from '../../src/core/config.js';
import { createCheckout } from '../../src/core/checkout.js';
import { expectCheckoutError } from '../helpers/expect-error.js';
import { ABANDON_ACCOUNTS } from '../helpers/vectors.js';

const ZPUB = ABANDON_ACCOUNTS[3]!.key;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const effects = { now: () => 1_700_000_000_000, randomBytes: (n: number) => new Uint8Array(n).fill(0xab) };

describe('configuration', () => {
  it('an xpub with an amount in BTC', () => {
    const config = parseConfig({ xpub: ZPUB, amount: '0.0015' });
    expect(config.amountSats).to.equal(150_000);
    expect(config.network).to.equal('mainnet');
    expect(config.receiver).to.include({ kind: 'account', index: null });
  });
  it('sats as the currency, case-insensitively', () => {
    expect(parseConfig({ xpub: ZPUB, amount: '2500', currency: 'SATS' }).amountSats).to.equal(2500);
    expect(parseConfig({ xpub: ZPUB, amount: '2500', currency: 'sat' }).amountSats).to.equal(2500);
  });
  it('a fixed address without an amount (a donation)', () => {
    const config = parseConfig({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' });
    expect(config.receiver).to.deep.equal({ kind: 'address', address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' });
    expect(config.amountSats).to.equal(null);
  });
  it('nothing to pay to', () => {
    expectCheckoutError(() => parseConfig({ amount: '1' }), 'missing', 'xpub');
    expectCheckoutError(() => parseConfig({ xpub: '  ', address: '' }), 'missing', 'xpub');
  });
  it('both an xpub and an address', () => {
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' }), 'conflict', 'address');
  });
  it('index or address-type with a fixed address', () => {
    expectCheckoutError(() => parseConfig({ address: '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA', index: '3' }), 'conflict', 'index');
    expectCheckoutError(() => parseConfig({ address: '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA', addressType: 'p2tr' }), 'conflict', 'address-type');
  });
  it('an unknown currency', () => {
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, amount: '1', currency: 'DOGE' }), 'unsupported', 'currency');
  });
  describe('index attribute', () => {
    for (const [text, value] of [['0', 0], [' 7 ', 7], ['2147483647', 2147483647], [null, null], ['', null]] as const) {
      it(`${JSON.stringify(text)} → ${value}`, () => expect(parseIndex(text)).to.equal(value));
    }
    for (const text of ['-1', '2147483648', '1.5', '1e3', 'abc', '0x10']) {
      it(`refuses ${text}`, () => expectCheckoutError(() => parseIndex(text), 'out-of-range', 'index'));
    }
  });
});

describe('checkout', () => {
  it('derives the request at the index and is awaiting payment', async () => {
    const checkout = createCheckout({ xpub: ZPUB, index: '1', amount: '0.0015', label: 'Shop & Co', message: 'Order 42' }, effects);
    const seen: string[] = [];
    checkout.subscribe((state, previous) => seen.push(`${previous.status}->${state.status}`));
    expect(checkout.state.status).to.equal('loading');
    checkout.start();
    expect(checkout.state.status, 'no state change before start returns').to.equal('loading');
    await settle();
    const { state } = checkout;
    expect(seen).to.deep.equal(['loading->awaiting']);
    expect(state.invoice).to.include({
      status: 'awaiting',
      address: 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
      index: 1,
      expectedSats: 150_000,
      receivedSats: 0,
      network: 'mainnet',
      createdAt: 1_700_000_000_000,
      id: 'ab'.repeat(16),
    });
    expect(Object.isFrozen(state.invoice)).to.equal(true);
    expect(state.payment).to.deep.include({
      uri: 'bitcoin:bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g?amount=0.0015&label=Shop%20%26%20Co&message=Order%2042',
      qrText: 'bitcoin:BC1QNJG0JD8228AQ7EGYZACY8CYS3KNF9XVRERKF9G?amount=0.0015&label=Shop%20%26%20Co&message=Order%2042',
      sats: 150_000,
    });
  });
  it('defaults to index 0 until allocation exists', async () => {
    const checkout = createCheckout({ xpub: ZPUB, amount: '1' }, effects);
    checkout.start();
    await settle();
    expect(checkout.state.invoice?.address).to.equal('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
  });
  it('reports a configuration error as state, never as an exception', async () => {
    const checkout = createCheckout({ xpub: 'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi' }, effects);
    checkout.start();
    await settle();
    expect(checkout.state.status).to.equal('error');
    expect(checkout.state.error).to.include({ code: 'private-key', source: 'xpub' });
    expect(checkout.state.invoice).to.equal(null);
  });
});

describe('checkout lifecycle', () => {
  it('stop() before the work runs cancels it', async () => {
    const checkout = createCheckout({ xpub: ZPUB, amount: '1' }, effects);
    let changes = 0;
    checkout.subscribe(() => changes++);
    checkout.start();
    checkout.stop();
    await settle();
    expect(changes).to.equal(0);
    expect(checkout.state.status).to.equal('loading');
  });
});
