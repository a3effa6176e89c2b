import { expect } from 'chai';
import {
  EMPTY_WATCH,
  fullAmountSats,
  reduceWatch,
  summarizeInvoice,
  type ChainEvent,
  type ChainTx,
  type InvoiceBase,
  type InvoicePolicy,
  type WatchState,
} from '../../src/core/invoice.js';

const base: InvoiceBase = { id: 'i1', address: 'bcrt1qexample', index: 3, network: 'regtest', orderId: 'o-7', createdAt: 1_000, tagSats: 0, fiat: null };
const policy = (overrides: Partial<InvoicePolicy> = {}): InvoicePolicy => ({
  expectedSats: 100_000,
  confirmations: 1,
  toleranceBasisPoints: 0,
  expiresAt: 900_000,
  ...overrides,
});
const tx = (txid: string, valueSats: number, height: number | null = null, rbf = false): ChainTx => ({ txid, valueSats, height, rbf });

/** Runs events from an empty state; returns every intermediate invoice. */
function run(events: ChainEvent[], terms = policy(), now = 2_000): { watch: WatchState; statuses: string[]; last: ReturnType<typeof summarizeInvoice> } {
  let watch = EMPTY_WATCH;
  const statuses: string[] = [];
  for (const event of events) {
    watch = reduceWatch(watch, event, now, terms);
    statuses.push(summarizeInvoice(base, terms, watch).status);
  }
  return { watch, statuses, last: summarizeInvoice(base, terms, watch) };
}

const snapshot = (txs: ChainTx[], tipHeight = 100, complete = true): ChainEvent => ({ type: 'snapshot', txs, tipHeight, complete });

describe('invoice reducer', () => {
  it('is loading until the first snapshot, then awaiting', () => {
    expect(summarizeInvoice(base, policy(), EMPTY_WATCH).status).to.equal('loading');
    expect(run([snapshot([])]).statuses).to.deep.equal(['awaiting']);
  });

  it('walks awaiting → unconfirmed → paid for one exact payment (1 confirmation)', () => {
    const { statuses, last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }, { type: 'tip', height: 101 }, { type: 'txs', txs: [tx('a', 100_000, 101)] }]);
    expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'unconfirmed', 'paid']);
    expect(last).to.include({ receivedSats: 100_000, confirmedSats: 100_000, confirmations: 1, dueSats: 0, overpaid: false, late: false, code: 2 });
    expect(last.txids).to.deep.equal(['a']);
  });

  it('counts confirmations as tip − height + 1 and needs all of them (3 required)', () => {
    const terms = policy({ confirmations: 3 });
    const { statuses, last } = run(
      [snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }, { type: 'txs', txs: [tx('a', 100_000, 101)] }, { type: 'tip', height: 101 }, { type: 'tip', height: 102 }, { type: 'tip', height: 103 }],
      terms,
    );
    expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'confirming', 'confirming', 'confirming', 'paid']);
    expect(last.confirmations).to.equal(3);
    expect(last.requiredConfirmations).to.equal(3);
  });

  it('shows what is still due while underpaid, then completes with a second payment', () => {
    const { statuses, last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 40_000)] }, { type: 'txs', txs: [tx('b', 60_000)] }]);
    expect(statuses).to.deep.equal(['awaiting', 'underpaid', 'unconfirmed']);
    expect(last.receivedSats).to.equal(100_000);
    const partial = run([snapshot([]), { type: 'txs', txs: [tx('a', 40_000)] }]).last;
    expect(partial).to.include({ status: 'underpaid', dueSats: 60_000, code: 0 });
  });

  it('flags an overpayment', () => {
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 100_001, 100)] }]).last).to.include({ status: 'paid', overpaid: true });
  });

  it('accepts a shortfall within tolerance (1 %)', () => {
    const terms = policy({ toleranceBasisPoints: 100 });
    expect(fullAmountSats(terms)).to.equal(99_000);
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 99_000)] }], terms).last).to.include({ status: 'unconfirmed', dueSats: 0 });
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 98_999)] }], terms).last).to.include({ status: 'underpaid', dueSats: 1_001 });
  });

  it('handles tolerance on amounts near 21 million BTC without overflow', () => {
    expect(fullAmountSats(policy({ expectedSats: 2_100_000_000_000_000, toleranceBasisPoints: 9_999 }))).to.equal(210_000_000_000);
  });

  it('goes back to awaiting when the only payment is replaced (RBF) or evicted', () => {
    const { statuses } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, null, true)] }, { type: 'removed', txids: ['a'] }]);
    expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'awaiting']);
  });

  it('follows a replacement that still pays the address', () => {
    const { last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, null, true)] }, { type: 'removed', txids: ['a'] }, { type: 'txs', txs: [tx('b', 100_000)] }]);
    expect(last.txids).to.deep.equal(['b']);
    expect(last.status).to.equal('unconfirmed');
  });

  it('lowers the status when a reorg unconfirms a payment (a fresh snapshot says so)', () => {
    const { statuses } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, 101)] }, { type: 'tip', height: 101 }, snapshot([tx('a', 100_000, null)], 101)]);
    expect(statuses).to.deep.equal(['awaiting', 'paid', 'paid', 'unconfirmed']);
  });

  it('never lets a late mempool notice unconfirm a transaction', () => {
    const { last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, 100)] }, { type: 'txs', txs: [tx('a', 100_000, null)] }]);
    expect(last.status).to.equal('paid');
  });

  it('ignores history that was on the address before the invoice', () => {
    const { last, watch } = run([snapshot([tx('old', 100_000, 50), tx('old-mempool', 5_000)]), { type: 'txs', txs: [tx('old-mempool', 5_000, 101)] }]);
    expect(watch.baseline).to.deep.equal(['old', 'old-mempool']);
    expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
  });

  it('counts a payment the socket reported before the first snapshot (it arrived after subscribing)', () => {
    const { last, watch } = run([{ type: 'txs', txs: [tx('new', 100_000)] }, snapshot([tx('old', 1_000, 60), tx('new', 100_000)])]);
    expect(watch.baseline).to.deep.equal(['old']);
    expect(last).to.include({ status: 'unconfirmed', receivedSats: 100_000 });
  });

  it('lets the block win when a listing names a transaction twice (G6)', () => {
    const { last } = run([snapshot([]), snapshot([tx('a', 100_000, 100), tx('a', 100_000, null)])]);
    expect(last).to.include({ status: 'paid', receivedSats: 100_000 });
  });

  it('drops vanished mempool transactions but keeps confirmed ones from a truncated listing', () => {
    const { last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 30_000, 100), tx('b', 30_000)] }, snapshot([tx('c', 1_000)], 100, false)]);
    expect([...last.txids].sort()).to.deep.equal(['a', 'c']);
  });

  it('ignores transactions that pay the address nothing (spends from it)', () => {
    expect(run([snapshot([]), { type: 'txs', txs: [tx('spend', 0)] }]).last.txids).to.deep.equal([]);
  });

  describe('expiry', () => {
    it('expires at the deadline without a payment, and stays expired', () => {
      const terms = policy({ expiresAt: 5_000 });
      let watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
      watch = reduceWatch(watch, { type: 'tick' }, 4_999, terms);
      expect(summarizeInvoice(base, terms, watch).status).to.equal('awaiting');
      watch = reduceWatch(watch, { type: 'tick' }, 5_000, terms);
      expect(summarizeInvoice(base, terms, watch).status).to.equal('expired');
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('late', 100_000, 100)] }, 6_000, terms);
      expect(summarizeInvoice(base, terms, watch)).to.include({ status: 'expired', late: true, receivedSats: 100_000 });
    });
    it('an underpaid invoice expires with what it received', () => {
      const terms = policy({ expiresAt: 5_000 });
      let watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('a', 10_000)] }, 2_000, terms);
      watch = reduceWatch(watch, { type: 'tick' }, 5_000, terms);
      expect(summarizeInvoice(base, terms, watch)).to.include({ status: 'expired', late: false, receivedSats: 10_000 });
    });
    it('a full payment in the mempool by the deadline does not expire', () => {
      const terms = policy({ expiresAt: 5_000 });
      let watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('a', 100_000)] }, 4_000, terms);
      watch = reduceWatch(watch, { type: 'tick' }, 9_000, terms);
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('a', 100_000, 101)] }, 9_500, terms);
      watch = reduceWatch(watch, { type: 'tip', height: 101 }, 9_600, terms);
      expect(summarizeInvoice(base, terms, watch).status).to.equal('paid');
    });
    it('expires when the payment that was in time vanishes after the deadline', () => {
      const terms = policy({ expiresAt: 5_000 });
      let watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('a', 100_000, null, true)] }, 4_000, terms);
      watch = reduceWatch(watch, { type: 'removed', txids: ['a'] }, 6_000, terms);
      expect(summarizeInvoice(base, terms, watch).status).to.equal('expired');
    });
    it('never expires with expires=0 (null deadline)', () => {
      const terms = policy({ expiresAt: null });
      const watch = reduceWatch(reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms), { type: 'tick' }, 10 ** 12, terms);
      expect(summarizeInvoice(base, terms, watch).status).to.equal('awaiting');
    });
  });

  describe('zero confirmations', () => {
    it('pays at first sight when the payment cannot be replaced', () => {
      expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }], policy({ confirmations: 0 })).last.status).to.equal('paid');
    });
    it('needs one confirmation when the payment signals RBF (BIP 125), as BTCPay does', () => {
      const terms = policy({ confirmations: 0 });
      const { statuses, last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, null, true)] }, { type: 'txs', txs: [tx('a', 100_000, 100, true)] }], terms);
      expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'paid']);
      expect(last.requiredConfirmations).to.equal(0);
    });
  });

  it('an open amount (0) is paid by any payment', () => {
    const terms = policy({ expectedSats: 0 });
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 546, 100)] }], terms).last).to.include({ status: 'paid', dueSats: 0, overpaid: false });
    expect(run([snapshot([])], terms).last.status).to.equal('awaiting');
  });

  it('gives the full amount the confirmations of the transactions that make it up', () => {
    const terms = policy({ confirmations: 2 });
    const { last } = run([snapshot([], 110), { type: 'txs', txs: [tx('a', 60_000, 101), tx('b', 40_000, 108), tx('c', 5_000)] }], terms);
    expect(last).to.include({ status: 'paid', confirmations: 3, overpaid: true, code: 0 });
  });

  it('Blockonomics codes follow the received funds: −1, 0, 1, 2', () => {
    const terms = policy({ confirmations: 2 });
    expect(run([snapshot([])], terms).last.code).to.equal(-1);
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }], terms).last.code).to.equal(0);
    expect(run([snapshot([], 100), { type: 'txs', txs: [tx('a', 100_000, 100)] }], terms).last.code).to.equal(1);
    expect(run([snapshot([], 101), { type: 'txs', txs: [tx('a', 100_000, 100)] }], terms).last.code).to.equal(2);
  });

  it('returns the same state object when an event changes nothing', () => {
    const terms = policy();
    const watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
    expect(reduceWatch(watch, { type: 'tick' }, 1_500, terms)).to.equal(watch);
    expect(reduceWatch(watch, { type: 'removed', txids: ['nope'] }, 1_500, terms)).to.equal(watch);
    expect(Object.isFrozen(summarizeInvoice(base, terms, watch))).to.equal(true);
  });
});
