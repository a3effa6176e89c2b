/**
 * Webhooks end to end: the shipped bundle in Chromium, the devnet, and receivers in Node written
 * the way Blockonomics' and Blockchain.com's docs show them.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import type { DeliveryRecord } from '../../src/core/outbox.js';
import { untilStatus, ZPUB } from '../helpers/element.js';
import { addInvoiceRow, control, newChain, newSink, sinkState, type Sink, type TestChain } from '../helpers/devnet.js';

async function mount(chain: TestChain, attributes: Record<string, string>): Promise<{ el: BtcCheckout; records: DeliveryRecord[] }> {
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const el = document.createElement('btc-checkout');
  for (const [name, value] of Object.entries({ xpub: ZPUB, amount: '0.001', api: chain.api, ...attributes })) el.setAttribute(name, value);
  const records: DeliveryRecord[] = [];
  el.addEventListener('btc-checkout-webhook', (event) => records.push(event.detail));
  host.append(el);
  return { el, records };
}

const until = async (check: () => Promise<boolean>, message: string, timeout = 10_000): Promise<void> => {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
const jsonCalls = async (sink: Sink) => (await sinkState(sink)).calls.map((call) => JSON.parse(call.body));

describe('webhooks (shipped bundle, devnet, real receivers)', () => {
  beforeEach(() => localStorage.removeItem('btc-checkout:outbox'));

  it('json: every status change arrives once per id, as a simple text/plain POST', async () => {
    const chain = await newChain();
    const sink = await newSink();
    const { el, records } = await mount(chain, { index: '10', 'order-id': 'A-42', webhook: sink.url });
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    await control(chain, 'mine');
    await untilStatus(el, 'paid');
    await until(async () => (await sinkState(sink)).calls.length === 3, 'three calls');
    const bodies = await jsonCalls(sink);
    expect(bodies.map((body) => `${body.previousStatus}->${body.status}`)).to.deep.equal([
      'loading->awaiting',
      'awaiting->unconfirmed',
      'unconfirmed->paid',
    ]);
    expect(new Set(bodies.map((body) => body.id)).size).to.equal(3);
    expect(bodies[2]).to.include({
      orderId: 'A-42',
      index: 10,
      address: el.receiveAddress,
      receivedSats: 100_000,
      expectedSats: 100_000,
      network: 'mainnet',
    });
    expect((await sinkState(sink)).calls.every((call) => call.method === 'POST')).to.equal(true);
    expect(records.map((record) => record.outcome)).to.deep.equal(['delivered', 'delivered', 'delivered']);
    expect(el.deliveries).to.have.length(3);
    expect(el.deliveries[0]).to.include({ format: 'json', attempt: 1, status: 200, response: 'ok', url: sink.url });
  });

  it('a receiver that fails its first attempts still gets every event', async function () {
    // It waits out a first backoff (5 s), with room for a loaded machine.
    this.timeout(40_000);
    const chain = await newChain();
    const sink = await newSink({ failFirst: 1, failStatus: 503 });
    const { el, records } = await mount(chain, { index: '11', webhook: sink.url });
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000, confirm: true });
    await untilStatus(el, 'paid');
    await until(
      async () => new Set((await jsonCalls(sink).catch(() => [])).filter((b) => b?.status).map((b) => b.status)).size === 3,
      'all statuses',
      15_000,
    );
    expect(records.find((record) => record.outcome === 'retry')).to.include({ status: 503, response: 'down for maintenance' });
    const statuses = (await sinkState(sink)).calls.map((call) => JSON.parse(call.body).status).sort();
    expect(statuses).to.include.members(['awaiting', 'paid']);
  });

  it('a delivery pending when its page goes away is sent when another page of the site loads the widget', async function () {
    // It waits out a first backoff (5 s), with room for a loaded machine.
    this.timeout(40_000);
    const chain = await newChain();
    const sink = await newSink({ failFirst: 2, failStatus: 503 });
    const page = (attributes: string) => {
      const frame = document.createElement('iframe');
      // Same origin (srcdoc), so the same localStorage: like another page of the shop.
      frame.srcdoc = `<script type="module" src="/dist/btc-checkout.js"></script><btc-checkout xpub="${ZPUB}" amount="0.001" api="${chain.api}" ${attributes}></btc-checkout>`;
      document.body.append(frame);
      return frame;
    };
    const first = page(`index="12" webhook="${sink.url}"`);
    await until(async () => (await sinkState(sink)).calls.length >= 1, 'first attempt');
    first.remove();
    expect(localStorage.getItem('btc-checkout:outbox')).to.include('awaiting');
    const second = page('index="13"');
    await until(async () => !localStorage.getItem('btc-checkout:outbox'), 'outbox drained by the second page', 15_000);
    const checkout = second.contentDocument!.querySelector('btc-checkout') as BtcCheckout;
    expect(checkout.deliveries.some((record) => record.outcome === 'delivered' && record.url === sink.url)).to.equal(true);
    expect((await jsonCalls(sink)).at(-1)).to.include({ status: 'awaiting', index: 12 });
    second.remove();
  });

  it('blockonomics: the tutorial’s Django view reads status, addr, value and txid unchanged', async () => {
    const chain = await newChain();
    const sink = await newSink({ kind: 'blockonomics' });
    const { el } = await mount(chain, {
      index: '14',
      confirmations: '2',
      'webhook-format': 'blockonomics',
      webhook: `${sink.url}?secret=s3cret`,
      'order-id': 'B-1',
    });
    await untilStatus(el, 'awaiting');
    await addInvoiceRow(sink, { address: el.receiveAddress, status: -1, btcvalue: 100_000 });
    const { txid } = await control<{ txid: string }>(chain, 'pay', { address: el.receiveAddress, sats: 100_000, rbf: true });
    await until(async () => (await sinkState(sink)).table[0]?.status === 0, 'status 0');
    await control(chain, 'mine');
    await until(async () => (await sinkState(sink)).table[0]?.status === 1, 'status 1');
    await control(chain, 'mine');
    await until(async () => (await sinkState(sink)).table[0]?.status === 2, 'status 2');
    const state = await sinkState(sink);
    expect(state.table[0]).to.deep.include({ status: 2, received: '100000', txid });
    expect(state.calls.map((call) => call.query.status)).to.deep.equal(['0', '1', '2']);
    expect(state.calls[0]!.query).to.include({ secret: 's3cret', order_id: 'B-1', rbf: '1', addr: el.receiveAddress!, value: '100000' });
    expect(state.calls.every((call) => call.method === 'GET')).to.equal(true);
  });

  it('blockchain-info: the docs’ PHP callback is called per confirmation until it echoes *ok*', async () => {
    const chain = await newChain();
    const sink = await newSink({ kind: 'blockchain-info', confirmations: 2 });
    const { el, records } = await mount(chain, {
      index: '15',
      'webhook-format': 'blockchain-info',
      webhook: `${sink.url}?invoice_id=058921123&secret=ZzsMLGKe162CfA5EcG6j`,
    });
    await untilStatus(el, 'awaiting');
    const { txid } = await control<{ txid: string }>(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    for (const blocks of [1, 1, 1, 1]) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await control(chain, 'mine', { blocks });
    }
    await until(async () => (await sinkState(sink)).table.length === 1, '*ok* recorded');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const state = await sinkState(sink);
    expect(state.calls.map((call) => call.query.confirmations)).to.deep.equal(['0', '1', '2']);
    expect(state.calls[0]!.query).to.include({
      invoice_id: '058921123',
      secret: 'ZzsMLGKe162CfA5EcG6j',
      transaction_hash: txid,
      address: el.receiveAddress!,
      value: '100000',
    });
    expect(state.table[0]).to.deep.equal({ invoice_id: '058921123', transaction_hash: txid, value: 0.001 });
    expect(records.map((record) => record.outcome)).to.deep.equal(['delivered', 'delivered', 'acknowledged']);
  });

  describe('the reference receiver', () => {
    let chain: TestChain;
    let sink: Sink;
    beforeEach(async () => {
      chain = await newChain();
      // The shop's price list: what the mug costs, whatever the page asks.
      sink = await newSink({ kind: 'reference', xpub: ZPUB, api: chain.api, prices: { mug: { amount: '0.001', currency: 'BTC' } } });
    });

    it('verifies a real payment against the chain', async () => {
      const { el } = await mount(chain, { index: '16', item: 'mug', webhook: `${sink.url}/json` });
      await untilStatus(el, 'awaiting');
      // The receiver dates the invoice from its first call (the chain's tip then): a buyer pays
      // seconds later, not before that call has arrived.
      await until(async () => (await sinkState(sink)).log.some((entry) => entry.claim === 'awaiting'), 'awaiting logged');
      await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000, confirm: true });
      await untilStatus(el, 'paid');
      await until(async () => (await sinkState(sink)).log.some((entry) => entry.claim === 'paid'), 'paid logged');
      const paid = (await sinkState(sink)).log.find((entry) => entry.claim === 'paid')!;
      expect(paid, JSON.stringify(paid)).to.include({ verified: true, paid: true, status: 'paid', reason: null });
      // The first call (awaiting) was true too, and said the order was not paid yet.
      expect((await sinkState(sink)).log[0]).to.include({ claim: 'awaiting', verified: true, paid: false });
    });

    it('rejects a forged webhook', async () => {
      const { el } = await mount(chain, { index: '17', item: 'mug', webhook: `${sink.url}/json` });
      await untilStatus(el, 'awaiting');
      const forged = { ...el.invoice, invoiceId: el.invoice!.id, status: 'paid', receivedSats: 100_000, txids: ['ab'.repeat(32)] };
      await fetch(`${sink.url}/json`, { method: 'POST', body: JSON.stringify(forged) });
      const entry = (await sinkState(sink)).log.find((line) => line.claim === 'paid')!;
      expect(entry).to.include({ verified: false, paid: false });
      expect(entry.reason).to.match(/does not show/);
    });

    it('holds an edited page to the price list: a page asking 1 sat is not paid by 1 sat', async () => {
      const { el } = await mount(chain, { index: '19', item: 'mug', amount: '0.00000001', webhook: `${sink.url}/json` });
      await untilStatus(el, 'awaiting');
      await control(chain, 'pay', { address: el.receiveAddress, sats: 1, confirm: true });
      await untilStatus(el, 'paid'); // the edited page believes it
      await until(async () => (await sinkState(sink)).log.some((entry) => entry.claim === 'paid'), 'paid logged');
      const entry = (await sinkState(sink)).log.find((line) => line.claim === 'paid')!;
      expect(entry).to.include({ paid: false, verified: false });
      expect(entry.reason).to.match(/^(The call asks 1 sats|Underpaid)/);
    });

    it('confirms an order by re-checking the chain when the buyer closed the tab before paying', async () => {
      const { el } = await mount(chain, { index: '18', item: 'mug', webhook: `${sink.url}/json` });
      await untilStatus(el, 'awaiting');
      await until(async () => (await sinkState(sink)).log.length === 1, 'awaiting logged');
      const address = el.receiveAddress;
      el.remove();
      await control(chain, 'pay', { address, sats: 100_000, confirm: true });
      await waitUntil(async () => (await sinkState(sink)).log.some((entry) => entry.via === 'recheck'), 're-check', { timeout: 5_000 });
      expect((await sinkState(sink)).log.at(-1)).to.include({ via: 'recheck', verified: true, paid: true, status: 'paid' });
    });
  });

  for (const [attribute, value] of [
    ['webhook', 'javascript:alert(1)'],
    ['webhook', 'data:text/plain,x'],
    ['webhook', '/relative/path'],
    ['webhook-format', 'xml'],
  ] as const) {
    it(`refuses ${attribute}="${value}"`, async () => {
      const chain = await newChain();
      const { el } = await mount(chain, { webhook: 'https://shop.example/paid', [attribute]: value });
      await untilStatus(el, 'error');
      expect(el.error).to.include({ source: attribute });
    });
  }
});
