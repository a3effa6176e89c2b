import { expect } from 'chai';
import { createCheckout, type CheckoutEffects } from '../../src/core/checkout.js';
import { parseConfig } from '../../src/core/config.js';
import { memoryStore } from '../../src/core/store.js';
import { FakeSocket, ManualTimers, scriptedFetch } from '../helpers/fakes.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const ADDRESS = 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g';
const API = 'https://mempool.space/api';
const tx = (id: string, value: number, height?: number) => ({
  txid: id.repeat(64).slice(0, 64),
  vin: [{ sequence: 0xfffffffd }],
  vout: [{ scriptpubkey_address: ADDRESS, value }],
  status: height ? { confirmed: true, block_height: height } : { confirmed: false },
});

function setup(
  attributes: Record<string, string>,
  history: unknown[] = [],
  held: Promise<void> = Promise.resolve(),
  extra: Partial<CheckoutEffects> = {},
) {
  const timers = new ManualTimers();
  FakeSocket.created.length = 0;
  const fetch = scriptedFetch({
    [`${API}/blocks/tip/height`]: { body: '100' },
    [`${API}/address/${ADDRESS}/txs`]: async () => (await held, { body: history }),
  });
  const effects: CheckoutEffects = {
    fetch,
    now: () => timers.now,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    createSocket: (url) => new FakeSocket(url),
    random: () => 0.5,
    randomBytes: (n) => new Uint8Array(n).fill(0xab),
    ...extra,
  };
  const checkout = createCheckout(parseConfig({ xpub: ZPUB, index: '1', ...attributes }), effects);
  const statuses: string[] = [];
  checkout.subscribe((state, previous) => state.status !== previous.status && statuses.push(state.status));
  return { checkout, timers, fetch, statuses };
}

async function live(timers: ManualTimers): Promise<FakeSocket> {
  await timers.advance(0);
  const socket = FakeSocket.created.at(-1)!;
  socket.open();
  socket.receive({ blocks: [{ id: 'h100', height: 100 }] });
  await timers.advance(10);
  return socket;
}

describe('checkout', () => {
  it('shows the request once the address history is known (without waiting for the socket), then follows the payment to paid', async () => {
    let answer: () => void = () => undefined;
    const { checkout, timers, statuses, fetch } = setup(
      { amount: '0.0015', label: 'Shop & Co', orderId: 'A-1' },
      [],
      new Promise<void>((resolve) => (answer = resolve)),
    );
    checkout.start();
    expect(checkout.state.status, 'nothing happens before start returns').to.equal('loading');
    await timers.advance(0);
    // The listing is asked for at once; until it answers there is no request to pay.
    expect(fetch.requests).to.include(`${API}/address/${ADDRESS}/txs`);
    expect(checkout.state.payment).to.equal(null);
    answer();
    await timers.advance(0);
    expect(checkout.state.status).to.equal('awaiting');
    expect(FakeSocket.created.at(-1)!.sent).to.deep.equal([]);
    const socket = await live(timers);
    expect(checkout.state.status).to.equal('awaiting');
    expect(checkout.state.payment).to.deep.include({
      uri: `bitcoin:${ADDRESS}?amount=0.0015&label=Shop%20%26%20Co`,
      qrText: `bitcoin:${ADDRESS.toUpperCase()}?amount=0.0015&label=Shop%20%26%20Co`,
      sats: 150_000,
    });
    expect(checkout.state.invoice).to.include({ address: ADDRESS, index: 1, orderId: 'A-1', id: 'ab'.repeat(16), expectedSats: 150_000 });
    socket.receive({ 'address-transactions': [tx('a', 150_000)] });
    socket.receive({ block: { id: 'h101', height: 101, previousblockhash: 'h100' }, 'block-transactions': [tx('a', 150_000, 101)] });
    expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'paid']);
    expect(checkout.state.connection).to.equal('live');
    checkout.stop();
  });

  it('a tab that prepared its invoice slowly adopts the one another tab made for the order meanwhile, never replaces it (soak, seed 42)', async () => {
    const timers = new ManualTimers();
    const store = memoryStore();
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const tab = (wait: Promise<void>, fill: number) =>
      createCheckout(parseConfig({ xpub: ZPUB, amount: '0.001', orderId: 'order-7' }), {
        fetch: scriptedFetch({
          [`${API}/blocks/tip/height`]: { body: '100' },
          [`${API}/addresses/txs`]: async () => (await wait, { body: [] }),
        }),
        now: () => timers.now,
        setTimeout: timers.setTimeout,
        clearTimeout: timers.clearTimeout,
        createSocket: (url) => new FakeSocket(url),
        random: () => 0.5,
        randomBytes: (n) => new Uint8Array(n).fill(fill),
        store,
      });
    const late = tab(slow, 0xcd);
    late.start();
    await timers.advance(0);
    const first = tab(Promise.resolve(), 0xab);
    first.start();
    await timers.advance(0);
    expect(first.state.invoice).to.include({ id: 'ab'.repeat(16), status: 'awaiting' });
    // The slow tab's allocation answers long after the first tab's claim on the order lapsed.
    await timers.advance(60_000);
    release();
    await timers.advance(0);
    expect(late.state.invoice).to.include({ id: 'ab'.repeat(16), address: first.state.invoice!.address });
    expect(JSON.parse(store.get('btc-checkout:invoice:order:order-7')!).base.id).to.equal('ab'.repeat(16));
    late.stop();
    first.stop();
  });

  it('asks only for what is still due after a partial payment', async () => {
    const { checkout, timers } = setup({ amount: '0.0015' });
    checkout.start();
    const socket = await live(timers);
    socket.receive({ 'address-transactions': [tx('a', 50_000)] });
    expect(checkout.state.status).to.equal('underpaid');
    expect(checkout.state.payment).to.include({ sats: 100_000, uri: `bitcoin:${ADDRESS}?amount=0.001` });
    checkout.stop();
  });

  it('does not count history that was on the address before', async () => {
    const { checkout, timers } = setup({ amount: '0.0015' }, [tx('o', 150_000, 90)]);
    checkout.start();
    await live(timers);
    expect(checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    checkout.stop();
  });

  it('expires at the deadline and reports a late payment without leaving expired', async () => {
    const { checkout, timers, statuses } = setup({ amount: '0.0015', expires: '1' });
    checkout.start();
    const socket = await live(timers);
    for (let second = 0; second < 60; second += 20) {
      socket.receive({ pong: true });
      await timers.advance(20_000);
    }
    expect(checkout.state.status).to.equal('expired');
    socket.receive({ 'address-transactions': [tx('a', 150_000)] });
    expect(checkout.state.invoice).to.include({ status: 'expired', late: true });
    expect(statuses).to.deep.equal(['awaiting', 'expired']);
    checkout.stop();
  });

  it('keeps trying and says why while the API is unreachable', async () => {
    const timers = new ManualTimers();
    const fetch = scriptedFetch({});
    const checkout = createCheckout(parseConfig({ xpub: ZPUB, amount: '1', ws: 'none' }), {
      fetch,
      now: () => timers.now,
      setTimeout: timers.setTimeout,
      clearTimeout: timers.clearTimeout,
      createSocket: () => new FakeSocket('x'),
      random: () => 0.5,
      randomBytes: (n) => new Uint8Array(n),
    });
    checkout.start();
    await timers.advance(0);
    expect(checkout.state.status).to.equal('loading');
    expect(checkout.state.notice).to.include({ source: 'chain' });
    expect(checkout.state.notice!.message).to.match(/HTTP 404/);
    checkout.stop();
  });

  it('a configuration error is found when the setup is parsed, before any checkout exists (the element shows it at once)', () => {
    expect(() =>
      parseConfig({
        xpub: 'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
      }),
    )
      .to.throw()
      .that.includes({ code: 'private-key', source: 'xpub' });
  });

  it('stop() before the work runs cancels it; stop() later closes the socket and clears every timer', async () => {
    const { checkout, timers } = setup({ amount: '1' });
    let changes = 0;
    checkout.subscribe(() => changes++);
    checkout.start();
    checkout.stop();
    await timers.advance(0);
    expect(changes).to.equal(0);
    checkout.start();
    const socket = await live(timers);
    checkout.stop();
    expect(socket.closed).to.equal(true);
    expect(timers.pending).to.deep.equal([]);
  });
});

describe('checkout with a Lightning Address that cannot be had', () => {
  it('without its module (not loaded, or no loader): the merchant is told why, and the buyer pays on-chain', async () => {
    for (const loadLightning of [undefined, () => Promise.reject(new Error('blocked by the page’s CSP'))]) {
      const { checkout, timers } = setup({ amount: '0.001', lightning: 'shop@pay.example' }, [], undefined, { loadLightning });
      checkout.start();
      await timers.advance(0);
      await timers.advance(0);
      expect(checkout.state.status).to.equal('awaiting');
      expect(checkout.state.lightningError).to.include({ source: 'lightning', code: 'unavailable' });
      expect(checkout.state.lightningError!.message).to.match(loadLightning ? /CSP/ : /loadLightning/);
      expect(checkout.state.payment).to.include({ lightning: null, uri: `bitcoin:${ADDRESS}?amount=0.001` });
      checkout.stop();
    }
  });
});
