import { expect } from 'chai';
import { planClaim, planWebhooks, withQuery, type Payment, type Snapshot } from '../../src/core/webhook.js';
import type { Invoice } from '../../src/core/invoice.js';

const invoice = (overrides: Partial<Invoice> = {}): Invoice => ({
  id: 'inv-1',
  address: 'bcrt1qaddr',
  index: 4,
  network: 'regtest',
  orderId: 'A-9',
  item: null,
  priceToken: null,
  createdAt: 1_000,
  tagSats: 0,
  fiat: null,
  status: 'awaiting',
  expectedSats: 100_000,
  shared: false,
  receivedSats: 0,
  confirmedSats: 0,
  dueSats: 100_000,
  confirmations: 0,
  requiredConfirmations: 1,
  txids: [],
  unmatched: [],
  expiresAt: 901_000,
  late: false,
  overpaid: false,
  method: null,
  lightning: null,
  blockonomicsStatus: -1,
  ...overrides,
});
const snap = (overrides: Partial<Invoice>, payments: Payment[] = []): Snapshot => ({
  invoice: invoice({ txids: payments.map((p) => p.txid), ...overrides }),
  payments,
});
const TX = 'aa'.repeat(32);
const pay = (confirmations: number, rbf = false): Payment => ({ txid: TX, valueSats: 100_000, confirmations, rbf });
const query = (url: string): Record<string, string> => Object.fromEntries(new URLSearchParams(url.split('?')[1]?.split('#')[0]));

describe('webhook planning', () => {
  it('keeps the URL’s own parameters and fragment', () => {
    expect(withQuery('https://shop.example/cb?invoice_id=7&secret=s#x', { value: 1, address: 'a b' })).to.equal(
      'https://shop.example/cb?invoice_id=7&secret=s&value=1&address=a%20b#x',
    );
    expect(withQuery('https://shop.example/cb', { a: 1 })).to.equal('https://shop.example/cb?a=1');
  });

  describe('json', () => {
    const hook = { url: 'https://shop.example/paid', format: 'json' as const };
    const lightning = {
      bolt11: 'lnbcrt1…',
      paymentHash: 'ab'.repeat(32),
      verify: 'https://ln.example/verify/ab',
      preimage: 'cd'.repeat(32),
      sats: 100_000,
      settledAt: 9_000,
      first: true,
    };
    it('carries a Lightning payment: method, bolt11, payment hash, verify URL and preimage', () => {
      const paid = snap({ status: 'paid', method: 'lightning', lightning, receivedSats: 100_000 });
      const [delivery] = planWebhooks(hook, snap({}), paid, new Set(), 9_000);
      const body = JSON.parse(delivery!.body!);
      expect(body).to.include({ event: 'status', status: 'paid', previousStatus: 'awaiting', method: 'lightning' });
      expect(body.lightning).to.deep.equal({
        bolt11: lightning.bolt11,
        paymentHash: lightning.paymentHash,
        verify: lightning.verify,
        preimage: lightning.preimage,
      });
      expect(body.txids).to.deep.equal([]);
    });
    it('posts a `payment` event for a Lightning payment after a full on-chain one (an overpayment): the status does not change', () => {
      const onChain = snap({ status: 'unconfirmed', method: 'onchain', txids: ['aa'], receivedSats: 100_000 });
      const both = snap({
        status: 'unconfirmed',
        method: 'onchain',
        txids: ['aa'],
        receivedSats: 200_000,
        overpaid: true,
        lightning: { ...lightning, first: false },
      });
      const [delivery, ...more] = planWebhooks(hook, onChain, both, new Set(), 9_000);
      expect(more).to.have.length(0);
      const body = JSON.parse(delivery!.body!);
      expect(body).to.include({ event: 'payment', status: 'unconfirmed', method: 'onchain', overpaid: true });
      expect(body.lightning.paymentHash).to.equal(lightning.paymentHash);
      expect(planWebhooks(hook, both, both, new Set(), 9_500)).to.have.length(0);
    });
    it('posts a `payment` event for an on-chain payment after a Lightning one (an overpayment), and for another part while underpaid', () => {
      const byLightning = snap({ status: 'paid', method: 'lightning', lightning, receivedSats: 100_000 });
      const both = snap({ status: 'paid', method: 'lightning', lightning, txids: ['cc'], receivedSats: 200_000, overpaid: true });
      const [call] = planWebhooks(hook, byLightning, both, new Set(), 9_000);
      expect(JSON.parse(call!.body!)).to.include({ event: 'payment', status: 'paid', method: 'lightning', overpaid: true });
      const part = snap({ status: 'underpaid', txids: ['aa'], receivedSats: 30_000 });
      const more = snap({ status: 'underpaid', txids: ['aa', 'bb'], receivedSats: 60_000 });
      const [second] = planWebhooks(hook, part, more, new Set(), 9_000);
      expect(JSON.parse(second!.body!)).to.include({ event: 'payment', status: 'underpaid', receivedSats: 60_000 });
      expect(second!.id).not.to.equal(planWebhooks(hook, null, part, new Set(), 9_000)[0]!.id);
    });
    it('posts the first status (awaiting) with every field, as text/plain JSON', () => {
      const [delivery] = planWebhooks(hook, null, snap({}), new Set(), 5_000);
      const body = JSON.parse(delivery!.body!);
      expect(Object.keys(body).sort()).to.deep.equal([
        'address',
        'claimedTxid',
        'confirmations',
        'confirmedSats',
        'createdAt',
        'event',
        'expectedSats',
        'expiresAt',
        'fiat',
        'id',
        'index',
        'invoiceId',
        'item',
        'late',
        'lightning',
        'method',
        'network',
        'orderId',
        'overpaid',
        'previousStatus',
        'priceToken',
        'receivedSats',
        'requiredConfirmations',
        'shared',
        'status',
        'tagSats',
        'timestamp',
        'txids',
        'unmatched',
      ]);
      expect(body).to.include({
        event: 'status',
        status: 'awaiting',
        previousStatus: 'loading',
        orderId: 'A-9',
        index: 4,
        timestamp: 5_000,
        invoiceId: 'inv-1',
        claimedTxid: null,
        shared: false,
      });
      expect(delivery!.id).to.equal(body.id);
      expect(delivery!.url).to.equal(hook.url);
    });
    it('posts on a change of status only', () => {
      const awaiting = snap({});
      expect(planWebhooks(hook, awaiting, snap({}), new Set(), 0)).to.deep.equal([]);
      const [paid] = planWebhooks(hook, awaiting, snap({ status: 'paid' }, [pay(1)]), new Set(), 0);
      expect(JSON.parse(paid!.body!)).to.include({ status: 'paid', previousStatus: 'awaiting' });
    });
    it('gives the same id to the same invoice, status and transactions, and only then', () => {
      const id = (s: Snapshot) => planWebhooks(hook, null, s, new Set(), Math.random())[0]!.id;
      expect(id(snap({ status: 'paid' }, [pay(1)]))).to.equal(id(snap({ status: 'paid' }, [pay(1)])));
      expect(id(snap({ status: 'paid' }, [pay(1)]))).not.to.equal(id(snap({ status: 'unconfirmed' }, [pay(0)])));
      expect(id(snap({ status: 'paid' }, [pay(1)]))).not.to.equal(id(snap({ status: 'paid', id: 'inv-2' }, [pay(1)])));
    });
    it('sends nothing while loading or in error', () => {
      expect(planWebhooks(hook, null, snap({ status: 'loading' }), new Set(), 0)).to.deep.equal([]);
    });
    const stray = { txid: 'bb'.repeat(32), sats: 250_012, confirmations: 0, claimed: false };
    it('posts an `unmatched` event when a payment that does not count arrives, once', () => {
      const awaiting = snap({ shared: true });
      const arrived = snap({ shared: true, unmatched: [stray] });
      const [call] = planWebhooks(hook, awaiting, arrived, new Set(), 7);
      expect(JSON.parse(call!.body!)).to.deep.include({
        event: 'unmatched',
        status: 'awaiting',
        previousStatus: 'awaiting',
        txids: [],
        unmatched: [stray],
        shared: true,
      });
      expect(planWebhooks(hook, arrived, snap({ shared: true, unmatched: [{ ...stray, confirmations: 1 }] }), new Set(), 8)).to.deep.equal(
        [],
      );
      // With a change of status, the status event carries the unmatched payments too.
      const [status] = planWebhooks(
        hook,
        awaiting,
        snap({ status: 'unconfirmed', shared: true, unmatched: [stray] }, [pay(0)]),
        new Set(),
        9,
      );
      expect(JSON.parse(status!.body!)).to.deep.include({ event: 'status', unmatched: [stray] });
    });
    it('posts a `claimed` event for the unmatched payment the buyer says is theirs', () => {
      const claimed = snap({ shared: true, unmatched: [{ ...stray, claimed: true }] });
      const [call] = planClaim(hook, claimed, stray.txid, 11);
      const body = JSON.parse(call!.body!);
      expect(body).to.deep.include({ event: 'claimed', claimedTxid: stray.txid, status: 'awaiting', receivedSats: 0 });
      expect(call!.id).to.equal(body.id);
      expect(call!.id).not.to.equal(planWebhooks(hook, snap({ shared: true }), claimed, new Set(), 11)[0]!.id);
    });
  });

  describe('blockonomics', () => {
    const hook = { url: 'https://shop.example/blockonomics?secret=k', format: 'blockonomics' as const };
    it('calls per transaction with status, addr, value, txid and rbf, when its status changes', () => {
      const seen = snap({ status: 'unconfirmed', requiredConfirmations: 2 }, [pay(0, true)]);
      const [first] = planWebhooks(hook, snap({}), seen, new Set(), 0);
      expect(query(first!.url)).to.deep.equal({ secret: 'k', status: '0', addr: 'bcrt1qaddr', value: '100000', txid: TX, rbf: '1' });
      expect(first!.body).to.equal(null);
      const one = snap({ status: 'confirming', requiredConfirmations: 2 }, [pay(1, true)]);
      expect(query(planWebhooks(hook, seen, one, new Set(), 0)[0]!.url).status).to.equal('1');
      const two = snap({ status: 'paid', requiredConfirmations: 2 }, [pay(2, true)]);
      expect(query(planWebhooks(hook, one, two, new Set(), 0)[0]!.url).status).to.equal('2');
      expect(planWebhooks(hook, two, snap({ status: 'paid', requiredConfirmations: 2 }, [pay(5, true)]), new Set(), 0)).to.deep.equal([]);
    });
    it('does not call before any payment (Blockonomics never does)', () => {
      expect(planWebhooks(hook, null, snap({}), new Set(), 0)).to.deep.equal([]);
    });
    it('never reports a payment that does not count, nor a claim: a receiver written for Blockonomics would credit the order', () => {
      const stray = { txid: 'bb'.repeat(32), sats: 250_012, confirmations: 1, claimed: true };
      const withStray = snap({ shared: true, unmatched: [stray] });
      expect(planWebhooks(hook, snap({ shared: true }), withStray, new Set(), 0)).to.deep.equal([]);
      expect(planClaim(hook, withStray, stray.txid, 0)).to.deep.equal([]);
    });
  });

  describe('blockchain-info', () => {
    const hook = {
      url: 'https://shop.example/callback?invoice_id=058921123&secret=ZzsMLGKe162CfA5EcG6j',
      format: 'blockchain-info' as const,
    };
    it('calls at 0 confirmations and at each new one, keeping invoice_id and secret', () => {
      const at = (n: number) => snap({ status: n ? 'paid' : 'unconfirmed' }, [pay(n)]);
      const [zero] = planWebhooks(hook, snap({}), at(0), new Set(), 0);
      expect(query(zero!.url)).to.deep.equal({
        invoice_id: '058921123',
        secret: 'ZzsMLGKe162CfA5EcG6j',
        transaction_hash: TX,
        address: 'bcrt1qaddr',
        confirmations: '0',
        value: '100000',
      });
      expect(zero!.txid).to.equal(TX);
      expect(query(planWebhooks(hook, at(0), at(1), new Set(), 0)[0]!.url).confirmations).to.equal('1');
      expect(query(planWebhooks(hook, at(1), at(2), new Set(), 0)[0]!.url).confirmations).to.equal('2');
    });
    it('stops once the receiver answered *ok* for that transaction', () => {
      expect(planWebhooks(hook, snap({}, [pay(1)]), snap({}, [pay(2)]), new Set([TX]), 0)).to.deep.equal([]);
    });
  });
});
