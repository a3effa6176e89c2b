/**
 * The invoice lifecycle end to end: the shipped bundle in Chromium, against the devnet over real
 * HTTP and websockets. Each test has a chain of its own.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import type { Invoice } from '../../src/core/invoice.js';
import { part, text, untilStatus, ZPUB } from '../helpers/element.js';
import { control, newChain, type TestChain } from '../helpers/devnet.js';

interface Mounted {
  el: BtcCheckout;
  chain: TestChain;
  statuses: string[];
  paid: Invoice[];
  errors: string[];
}

/** Mounts a checkout on a fresh chain, recording its events from the start. */
async function mount(attributes: Record<string, string> = {}, prepare?: (chain: TestChain) => Promise<void>): Promise<Mounted> {
  const chain = await newChain();
  await prepare?.(chain);
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const el = document.createElement('btc-checkout');
  for (const [name, value] of Object.entries({ xpub: ZPUB, index: '3', amount: '0.001', api: chain.api, ...attributes }))
    el.setAttribute(name, value);
  const statuses: string[] = [];
  const paid: Invoice[] = [];
  const errors: string[] = [];
  el.addEventListener('btc-checkout-status', (event) => statuses.push(event.detail.status));
  el.addEventListener('btc-checkout-paid', (event) => paid.push(event.detail.invoice));
  el.addEventListener('btc-checkout-error', (event) => errors.push(event.detail.message));
  host.append(el);
  return { el, chain, statuses, paid, errors };
}

/** Receive address 3 of the BIP 84 test account (ZPUB). */
const ADDRESS_3 = 'bc1qgl5vlg0zdl7yvprgxj9fevsc6q6x5dmcyk3cn3';
const ELSEWHERE = 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk';
const pay = (m: Mounted, sats: number, extra: object = {}) =>
  control<{ txid: string }>(m.chain, 'pay', { address: m.el.receiveAddress, sats, ...extra });
const mine = (m: Mounted, blocks = 1) => control(m.chain, 'mine', { blocks });

describe('invoice lifecycle against the devnet (shipped bundle, real sockets)', () => {
  it('an exact payment: awaiting → unconfirmed → paid, with one paid event', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    expect(m.el.receiveAddress).to.match(/^bc1q/);
    await pay(m, 100_000);
    await untilStatus(m.el, 'unconfirmed');
    expect(text(m.el, 'status')).to.match(/Waiting for the first confirmation/);
    await mine(m);
    await untilStatus(m.el, 'paid');
    await mine(m);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(m.statuses).to.deep.equal(['awaiting', 'unconfirmed', 'paid']);
    expect(m.paid).to.have.length(1);
    expect(m.paid[0]).to.include({
      status: 'paid',
      receivedSats: 100_000,
      confirmedSats: 100_000,
      overpaid: false,
      late: false,
      blockonomicsStatus: 2,
    });
    expect(m.el.invoice).to.include({ confirmations: 2 });
    expect(text(m.el, 'amount')).to.equal('0.001 BTC');
    expect(part(m.el, 'qr')).to.equal(null);
    await expect(m.el).to.be.accessible();
  });

  it('a partial payment, then the rest: underpaid shows the remainder and its QR', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    await pay(m, 30_000);
    await untilStatus(m.el, 'underpaid');
    expect(m.el.invoice).to.include({ receivedSats: 30_000, dueSats: 70_000 });
    expect(text(m.el, 'amount')).to.equal('0.0007 BTC');
    expect(m.el.uri).to.match(/\?amount=0\.0007$/);
    expect(text(m.el, 'status')).to.equal('0.0003 of 0.001 BTC received. Please send the rest.');
    await pay(m, 70_000);
    await untilStatus(m.el, 'unconfirmed');
    expect(m.el.invoice!.txids).to.have.length(2);
  });

  it('an overpayment is paid and flagged', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    await pay(m, 150_000);
    await mine(m);
    await untilStatus(m.el, 'paid');
    expect(m.el.invoice).to.include({ overpaid: true, receivedSats: 150_000 });
  });

  it('an RBF replacement that pays elsewhere takes the invoice back to awaiting', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    const { txid } = await pay(m, 100_000, { rbf: true });
    await untilStatus(m.el, 'unconfirmed');
    await control(m.chain, 'replace', { txid, address: ELSEWHERE, sats: 99_000 });
    await untilStatus(m.el, 'awaiting');
    expect(m.el.invoice).to.include({ receivedSats: 0 });
    expect(m.statuses).to.deep.equal(['awaiting', 'unconfirmed', 'awaiting']);
  });

  it('confirmations="3": confirming 1 of 3, 2 of 3, then paid', async () => {
    const m = await mount({ confirmations: '3' });
    await untilStatus(m.el, 'awaiting');
    await pay(m, 100_000);
    await mine(m);
    await untilStatus(m.el, 'confirming');
    expect(text(m.el, 'status')).to.equal('Payment confirming: 1 of 3 confirmations.');
    await mine(m);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(text(m.el, 'status')).to.equal('Payment confirming: 2 of 3 confirmations.');
    expect(m.paid).to.have.length(0);
    await mine(m);
    await untilStatus(m.el, 'paid');
    // The paid event follows the status once this page has claimed the announcement (IndexedDB).
    await waitUntil(() => m.paid.length === 1, 'the paid event');
  });

  it('a reorg that unconfirms the payment lowers the status again', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    const { txid } = await pay(m, 100_000);
    await mine(m);
    await untilStatus(m.el, 'paid');
    await control(m.chain, 'reorg', { depth: 1, leave: [txid] });
    await untilStatus(m.el, 'unconfirmed');
    await mine(m);
    await untilStatus(m.el, 'paid');
    // The paid event follows the status once this page has claimed the announcement (IndexedDB).
    await waitUntil(() => m.paid.length === 1, 'the paid event');
  });

  it('misses nothing paid while it was offline: it reconciles after reconnecting', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    await control(m.chain, 'ws', { enabled: false });
    await pay(m, 100_000);
    await control(m.chain, 'ws', { enabled: true });
    await untilStatus(m.el, 'unconfirmed');
    const stats = await control<{ ws: { connections: number } }>(m.chain, 'stats');
    expect(stats.ws.connections).to.be.at.least(2);
  });

  it('ws="none": polling over REST alone finds the payment', async () => {
    const m = await mount({ ws: 'none' });
    await untilStatus(m.el, 'awaiting');
    await pay(m, 100_000);
    await untilStatus(m.el, 'unconfirmed', 8_000);
    const stats = await control<{ ws: { connections: number } }>(m.chain, 'stats');
    expect(stats.ws.connections).to.equal(0);
  });

  it('expires without a payment, then records a late payment and stays expired', async () => {
    const m = await mount({ expires: '0.04' });
    await untilStatus(m.el, 'awaiting');
    expect(text(m.el, 'countdown')).to.match(/^0:0\d left to pay$/);
    await untilStatus(m.el, 'expired', 5_000);
    expect(text(m.el, 'explanation')).to.match(/start a new payment/);
    await pay(m, 100_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(m.el.status).to.equal('expired');
    expect(m.el.invoice).to.include({ late: true, receivedSats: 100_000 });
    expect(text(m.el, 'explanation')).to.match(/arrived after the request expired/);
  });

  it('does not count history that was on the address before the invoice', async () => {
    const m = await mount({ index: '3' }, async (chain) => {
      await control(chain, 'pay', { address: ADDRESS_3, sats: 100_000, confirm: true });
    });
    await untilStatus(m.el, 'awaiting');
    expect(m.el.receiveAddress).to.equal(ADDRESS_3);
    expect(m.el.invoice).to.include({ receivedSats: 0 });
    await pay(m, 100_000);
    await untilStatus(m.el, 'unconfirmed');
    expect(m.el.invoice!.txids).to.have.length(1);
  });

  it('fails over to the next API when the first is unreachable', async () => {
    const chain = await newChain();
    const m = await mount({ api: `http://127.0.0.1:9/api ${chain.api}`, ws: chain.ws });
    await untilStatus(m.el, 'awaiting');
    expect(m.el.receiveAddress).to.match(/^bc1q/);
  });

  it('says so, and keeps trying, while the API is down', async () => {
    const m = await mount({ ws: 'none' }, async (chain) => {
      await control(chain, 'fail', { status: 503, count: 2 });
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(m.el.status).to.equal('loading');
    expect(text(m.el, 'notice')).to.equal(
      'The connection to the Bitcoin network is interrupted. This page keeps trying; a payment you send is not lost.',
    );
    expect(m.el.error?.message, 'the technical detail, for the merchant').to.match(/HTTP 503/);
    expect(m.errors.some((message) => /HTTP 503/.test(message))).to.equal(true);
    await untilStatus(m.el, 'awaiting', 15_000);
    expect(part(m.el, 'notice')).to.equal(null);
  });

  it('closes its socket when removed, and opens a new one when put back', async () => {
    const m = await mount();
    await untilStatus(m.el, 'awaiting');
    const parent = m.el.parentElement!;
    m.el.remove();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await control<{ ws: { open: number } }>(m.chain, 'stats')).ws.open).to.equal(0);
    parent.append(m.el);
    await untilStatus(m.el, 'awaiting');
    expect((await control<{ ws: { open: number } }>(m.chain, 'stats')).ws.open).to.equal(1);
  });
});
