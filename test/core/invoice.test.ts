import { expect } from 'chai';
import {
  attributePayments,
  EMPTY_WATCH,
  STALE_MS,
  REORG_DEPTH,
  fullAmountSats,
  reduceWatch,
  summarizeInvoice,
  type ChainEvent,
  type ChainTx,
  type InvoiceBase,
  type InvoicePolicy,
  type WatchState,
} from '../../src/core/invoice.js';

const base: InvoiceBase = {
  id: 'i1',
  address: 'bcrt1qexample',
  index: 3,
  network: 'regtest',
  orderId: 'o-7',
  item: null,
  priceToken: null,
  createdAt: 1_000,
  tagSats: 0,
  fiat: null,
};
const policy = (overrides: Partial<InvoicePolicy> = {}): InvoicePolicy => ({
  expectedSats: 100_000,
  confirmations: 1,
  toleranceBasisPoints: 0,
  expiresAt: 900_000,
  ...overrides,
});
const tx = (txid: string, valueSats: number, height: number | null = null, rbf = false): ChainTx => ({ txid, valueSats, height, rbf });

/** Runs events from an empty state; returns every intermediate invoice. */
function run(
  events: ChainEvent[],
  terms = policy(),
  now = 2_000,
): { watch: WatchState; statuses: string[]; last: ReturnType<typeof summarizeInvoice> } {
  let watch = EMPTY_WATCH;
  const statuses: string[] = [];
  for (const event of events) {
    watch = reduceWatch(watch, event, now, terms);
    statuses.push(summarizeInvoice(base, terms, watch).status);
  }
  return { watch, statuses, last: summarizeInvoice(base, terms, watch) };
}

const snapshot = (txs: ChainTx[], tipHeight: number | null = 100, complete = true, requestedAt?: number): ChainEvent => ({
  type: 'snapshot',
  txs,
  tipHeight,
  complete,
  requestedAt,
});
/** A listing asked for long enough after everything before it was learned to be believed. */
const later = 2_000 + STALE_MS;

describe('invoice reducer', () => {
  it('is loading until the first snapshot, then awaiting', () => {
    expect(summarizeInvoice(base, policy(), EMPTY_WATCH).status).to.equal('loading');
    expect(run([snapshot([])]).statuses).to.deep.equal(['awaiting']);
  });

  it('walks awaiting → unconfirmed → paid for one exact payment (1 confirmation)', () => {
    const { statuses, last } = run([
      snapshot([]),
      { type: 'txs', txs: [tx('a', 100_000)] },
      { type: 'tip', height: 101 },
      { type: 'txs', txs: [tx('a', 100_000, 101)] },
    ]);
    expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'unconfirmed', 'paid']);
    expect(last).to.include({
      receivedSats: 100_000,
      confirmedSats: 100_000,
      confirmations: 1,
      dueSats: 0,
      overpaid: false,
      late: false,
      blockonomicsStatus: 2,
    });
    expect(last.txids).to.deep.equal(['a']);
  });

  it('counts confirmations as tip − height + 1 and needs all of them (3 required)', () => {
    const terms = policy({ confirmations: 3 });
    const { statuses, last } = run(
      [
        snapshot([]),
        { type: 'txs', txs: [tx('a', 100_000)] },
        { type: 'txs', txs: [tx('a', 100_000, 101)] },
        { type: 'tip', height: 101 },
        { type: 'tip', height: 102 },
        { type: 'tip', height: 103 },
      ],
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
    expect(partial).to.include({ status: 'underpaid', dueSats: 60_000, blockonomicsStatus: 0 });
  });

  it('flags an overpayment', () => {
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 100_001, 101)] }]).last).to.include({ status: 'paid', overpaid: true });
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
    const { last } = run([
      snapshot([]),
      { type: 'txs', txs: [tx('a', 100_000, null, true)] },
      { type: 'removed', txids: ['a'] },
      { type: 'txs', txs: [tx('b', 100_000)] },
    ]);
    expect(last.txids).to.deep.equal(['b']);
    expect(last.status).to.equal('unconfirmed');
  });

  it('lowers the status when a reorg unconfirms a payment (a fresh snapshot says so)', () => {
    const { statuses } = run([
      snapshot([]),
      { type: 'txs', txs: [tx('a', 100_000, 101)] },
      { type: 'tip', height: 101 },
      snapshot([tx('a', 100_000, null)], 101, true, later),
    ]);
    expect(statuses).to.deep.equal(['awaiting', 'paid', 'paid', 'unconfirmed']);
  });

  describe('B1: a listing older than what the socket said never takes it back', () => {
    it('a complete listing asked before (or just after) a pushed payment keeps it', () => {
      // The listing was asked at 1 000 and computed before the payment; the push came at 2 000.
      const { statuses, last } = run([
        snapshot([]),
        { type: 'txs', txs: [tx('a', 100_000)] },
        snapshot([], 100, true, 1_000),
        snapshot([], 100, true, 2_000 + STALE_MS - 1),
      ]);
      expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'unconfirmed', 'unconfirmed']);
      expect(last.txids).to.deep.equal(['a']);
    });
    it('a listing asked long enough after it, that does not show it, does', () => {
      expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }, snapshot([], 100, true, later)]).statuses).to.deep.equal([
        'awaiting',
        'unconfirmed',
        'awaiting',
      ]);
    });
    it('a stale listing never unconfirms a payment the socket saw in a block, nor lowers the tip', () => {
      const { last, watch } = run([
        snapshot([]),
        { type: 'tip', height: 101 },
        { type: 'txs', txs: [tx('a', 100_000, 101)] },
        snapshot([tx('a', 100_000, null)], 100, true, 1_500),
      ]);
      expect(last).to.include({ status: 'paid', confirmations: 1 });
      expect(watch.tipHeight).to.equal(101);
    });
    it('after a reorg, a listing may unconfirm a payment however recently it was seen in a block', () => {
      const { last } = run([
        snapshot([]),
        { type: 'txs', txs: [tx('a', 100_000, 101)] },
        { type: 'tip', height: 101, reorg: true },
        snapshot([tx('a', 100_000, null)], 101, true, 2_500),
      ]);
      expect(last.status).to.equal('unconfirmed');
    });
    it('a payment seen after the invoice, mined again by a reorg at or below the tip the invoice began at, still counts (soak, seed 1)', () => {
      // The invoice began at tip 100; the buyer paid, block 101 held it, then a two-block reorg
      // replaced 100 and 101 and the new block 100 holds it.
      const { watch, last } = run([
        snapshot([], 100),
        { type: 'txs', txs: [tx('a', 100_000)] },
        { type: 'tip', height: 101 },
        { type: 'txs', txs: [tx('a', 100_000, 101)] },
        { type: 'tip', height: 101, reorg: true },
        snapshot([tx('a', 100_000, 100)], 101, true, later),
      ]);
      expect(watch.baseline).to.deep.equal([]);
      expect(last).to.include({ status: 'paid', receivedSats: 100_000 });
    });
    it('a payment first listed after a reorg the poller never heard of, in a block at or below the old tip, counts (soak, seed 1)', () => {
      const { last } = run([snapshot([], 100), snapshot([tx('a', 100_000, 99)], 100, true, later)]);
      expect(last).to.include({ status: 'paid', receivedSats: 100_000 });
    });
    it('a transaction first listed deeper below the tip the invoice began at than any plausible reorg is history', () => {
      const { last, watch } = run([snapshot([], 100), snapshot([tx('old', 100_000, 100 - REORG_DEPTH)], 100, true, later)]);
      expect(watch.baseline).to.deep.equal(['old']);
      expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
    });
    it('an explicit removal takes a payment out at once', () => {
      expect(
        run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, null, true)] }, { type: 'removed', txids: ['a'] }]).last.status,
      ).to.equal('awaiting');
    });
    it('a history taken without a tip (the allocation scan found the address unused) has no height bound: a payment confirmed before the first tip arrives still counts (soak, seed 1)', () => {
      // The socket was down while the buyer paid and the block came; its first tip is that block's.
      const { watch, last } = run([
        snapshot([], null),
        { type: 'tip', height: 121 },
        { type: 'txs', txs: [tx('paid-while-away', 100_000, 121)] },
      ]);
      expect(watch.baselineTip).to.equal(null);
      expect(last).to.include({ status: 'paid', receivedSats: 100_000 });
    });
  });

  it('never lets a late mempool notice unconfirm a transaction', () => {
    const { last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000, 101)] }, { type: 'txs', txs: [tx('a', 100_000, null)] }]);
    expect(last.status).to.equal('paid');
  });

  it('ignores history that was on the address before the invoice', () => {
    const { last, watch } = run([
      snapshot([tx('old', 100_000, 50), tx('old-mempool', 5_000)]),
      { type: 'txs', txs: [tx('old-mempool', 5_000, 101)] },
    ]);
    expect(watch.baseline).to.deep.equal(['old', 'old-mempool']);
    expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
  });

  it('takes whatever the socket reported before the first listing as history: no one had the address yet', () => {
    const { last, watch } = run([{ type: 'txs', txs: [tx('before', 100_000)] }, snapshot([tx('old', 1_000, 60), tx('before', 100_000)])]);
    expect(watch.baseline).to.deep.equal(['old', 'before']);
    expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
  });

  it('a clock that went back does not keep a replaced payment for as long as it was off (soak, seed 1)', () => {
    // Seen while the page's clock ran 8 days ahead; the clock is then right again.
    const ahead = 2_000 + 8 * 86_400_000;
    let watch = reduceWatch(EMPTY_WATCH, snapshot([], 100), 1_000, policy());
    watch = reduceWatch(watch, { type: 'txs', txs: [tx('replaced', 100_000, null, true)] }, ahead, policy());
    // The replacement is mined; the old one is in no listing any more.
    watch = reduceWatch(watch, snapshot([tx('replacement', 100_000, 101)], 101, true, 3_000), 3_000, policy());
    watch = reduceWatch(watch, snapshot([tx('replacement', 100_000, 101)], 101, true, 3_000 + STALE_MS), 3_000 + STALE_MS, policy());
    expect(watch.txs.map((t) => t.txid)).to.deep.equal(['replacement']);
    expect(summarizeInvoice(base, policy(), watch)).to.include({ status: 'paid', receivedSats: 100_000 });
  });

  it('B26: a block confirming an older payment while the first listing is in flight is history, not a payment', () => {
    // The listing was made before the block, so it shows the old payment in the mempool.
    const events: ChainEvent[] = [
      { type: 'tip', height: 101 },
      { type: 'txs', txs: [tx('old', 100_000, 101)] },
      snapshot([tx('old', 100_000)], 100),
    ];
    const { last, watch } = run(events);
    expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
    expect(watch.baseline).to.deep.equal(['old']);
    expect(watch.baselineTip).to.equal(101);
    // Even a block listing without it first: the block is at or below the tip the history was taken at.
    expect(run([{ type: 'tip', height: 101 }, { type: 'txs', txs: [tx('old', 100_000, 101)] }, snapshot([], 100)]).last.status).to.equal(
      'awaiting',
    );
  });

  it('B21: an old payment a lagging backend left out of the first listing stays history when it shows up', () => {
    const { last, watch } = run([
      snapshot([], 100),
      snapshot([tx('old', 100_000, 50)], 100),
      { type: 'txs', txs: [tx('old', 100_000, 50)] },
    ]);
    expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
    expect(watch.baseline).to.deep.equal(['old']);
    // A payment mined after the request was shown counts.
    expect(run([snapshot([], 100), snapshot([tx('new', 100_000, 101)], 101)]).last).to.include({ status: 'paid', receivedSats: 100_000 });
  });

  it('a fee bump (RBF) of an unconfirmed old payment stays history', () => {
    const old: ChainTx = { ...tx('old', 100_000, null, true), spends: ['ff'.repeat(32) + ':0'] };
    const bumped: ChainTx = { ...tx('bumped', 100_000, null, true), spends: ['ff'.repeat(32) + ':0', 'ee'.repeat(32) + ':1'] };
    const { last, watch } = run([snapshot([old]), { type: 'removed', txids: ['old'] }, { type: 'txs', txs: [bumped] }]);
    expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
    expect(watch.baseline).to.deep.equal(['old', 'bumped']);
    expect(watch.txs).to.deep.equal([]);
  });

  it('lets the block win when a listing names a transaction twice (G6)', () => {
    const { last } = run([snapshot([]), snapshot([tx('a', 100_000, 101), tx('a', 100_000, null)], 101)]);
    expect(last).to.include({ status: 'paid', receivedSats: 100_000 });
  });

  it('drops vanished mempool transactions but keeps confirmed ones from a truncated listing', () => {
    const { last } = run([
      snapshot([]),
      { type: 'txs', txs: [tx('a', 30_000, 101), tx('b', 30_000)] },
      snapshot([tx('c', 1_000)], 101, false, later),
    ]);
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
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('late', 100_000, 101)] }, 6_000, terms);
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
      const { statuses, last } = run(
        [snapshot([]), { type: 'txs', txs: [tx('a', 100_000, null, true)] }, { type: 'txs', txs: [tx('a', 100_000, 101, true)] }],
        terms,
      );
      expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'paid']);
      expect(last.requiredConfirmations).to.equal(0);
    });
  });

  it('an open amount (0) is paid by any payment', () => {
    const terms = policy({ expectedSats: 0 });
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 546, 101)] }], terms).last).to.include({
      status: 'paid',
      dueSats: 0,
      overpaid: false,
    });
    expect(run([snapshot([])], terms).last.status).to.equal('awaiting');
  });

  it('gives the full amount the confirmations of the transactions that make it up', () => {
    const terms = policy({ confirmations: 2 });
    const { last } = run(
      [snapshot([], 100), { type: 'tip', height: 110 }, { type: 'txs', txs: [tx('a', 60_000, 101), tx('b', 40_000, 108), tx('c', 5_000)] }],
      terms,
    );
    expect(last).to.include({ status: 'paid', confirmations: 3, overpaid: true, blockonomicsStatus: 0 });
  });

  it('Blockonomics codes follow the received funds: −1, 0, 1, 2', () => {
    const terms = policy({ confirmations: 2 });
    expect(run([snapshot([])], terms).last.blockonomicsStatus).to.equal(-1);
    expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }], terms).last.blockonomicsStatus).to.equal(0);
    expect(
      run([snapshot([], 99), { type: 'tip', height: 100 }, { type: 'txs', txs: [tx('a', 100_000, 100)] }], terms).last.blockonomicsStatus,
    ).to.equal(1);
    expect(
      run([snapshot([], 99), { type: 'tip', height: 101 }, { type: 'txs', txs: [tx('a', 100_000, 100)] }], terms).last.blockonomicsStatus,
    ).to.equal(2);
  });

  it('returns the same state object when an event changes nothing', () => {
    const terms = policy();
    const watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
    expect(reduceWatch(watch, { type: 'tick' }, 1_500, terms)).to.equal(watch);
    expect(reduceWatch(watch, { type: 'removed', txids: ['nope'] }, 1_500, terms)).to.equal(watch);
    expect(Object.isFrozen(summarizeInvoice(base, terms, watch))).to.equal(true);
  });

  describe('a shared address: one transaction of exactly the amount counts, nothing else', () => {
    const shared = (overrides: Partial<InvoicePolicy> = {}) => policy({ expectedSats: 100_037, tagSats: 37, shared: true, ...overrides });

    it('pays on the exact tagged amount, and lists every other payment as unmatched', () => {
      const { statuses, last } = run(
        [snapshot([]), { type: 'txs', txs: [tx('other', 250_012)] }, { type: 'txs', txs: [tx('mine', 100_037)] }],
        shared(),
      );
      expect(statuses).to.deep.equal(['awaiting', 'awaiting', 'unconfirmed']);
      expect(last).to.include({ receivedSats: 100_037, dueSats: 0, overpaid: false, shared: true });
      expect(last.txids).to.deep.equal(['mine']);
      expect(last.unmatched).to.deep.equal([{ txid: 'other', sats: 250_012, confirmations: 0, claimed: false }]);
    });

    it('another buyer’s larger payment never makes it paid, a smaller one never underpaid', () => {
      for (const sats of [250_012, 100_038, 100_000, 50_000, 1]) {
        const { statuses, last } = run(
          [snapshot([]), { type: 'txs', txs: [tx('other', sats, 101)] }, { type: 'tip', height: 110 }],
          shared(),
        );
        expect(statuses, `${sats} sats`).to.deep.equal(['awaiting', 'awaiting', 'awaiting']);
        expect(last).to.include({ receivedSats: 0, blockonomicsStatus: -1 });
        expect(last.unmatched.map((payment) => payment.sats)).to.deep.equal([sats]);
      }
    });

    it('does not add payments up: two halves are two unmatched payments', () => {
      const { last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 50_000), tx('b', 50_037)] }], shared());
      expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
      expect(last.unmatched).to.have.length(2);
    });

    it('counts the first exact payment only; the next one counts if the first is replaced away', () => {
      const terms = shared();
      const first = run(
        [snapshot([]), { type: 'txs', txs: [tx('a', 100_037, null, true)] }, { type: 'txs', txs: [tx('b', 100_037)] }],
        terms,
      );
      expect(first.last.txids).to.deep.equal(['a']);
      expect(first.last.unmatched.map((payment) => payment.txid)).to.deep.equal(['b']);
      const watch = reduceWatch(first.watch, { type: 'removed', txids: ['a'] }, 2_000, terms);
      expect(summarizeInvoice(base, terms, watch).txids).to.deep.equal(['b']);
    });

    it('has no tolerance: a shortfall is unmatched, whatever tolerance says', () => {
      const terms = shared({ toleranceBasisPoints: 500 });
      expect(fullAmountSats(terms)).to.equal(100_037);
      expect(run([snapshot([]), { type: 'txs', txs: [tx('a', 99_000)] }], terms).last).to.include({ status: 'awaiting', receivedSats: 0 });
    });

    it('D19: the tagged amount typed with a small rounding (3 sats off either way) is listed as unmatched, for the notice and the merchant', () => {
      const terms = shared();
      for (const sats of [100_034, 100_040]) {
        const { last } = run([snapshot([]), { type: 'txs', txs: [tx('typed', sats)] }], terms);
        expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
        expect(last.unmatched.map((payment) => [payment.txid, payment.sats])).to.deep.equal([['typed', sats]]);
      }
    });

    it('expires when only unmatched payments arrived by the deadline', () => {
      const terms = shared({ expiresAt: 5_000 });
      let watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('other', 500_000)] }, 2_000, terms);
      watch = reduceWatch(watch, { type: 'tick' }, 5_000, terms);
      expect(summarizeInvoice(base, terms, watch)).to.include({ status: 'expired', late: false });
      watch = reduceWatch(watch, { type: 'txs', txs: [tx('mine', 100_037)] }, 6_000, terms);
      expect(summarizeInvoice(base, terms, watch)).to.include({ status: 'expired', late: true, receivedSats: 100_037 });
    });

    it('an open amount cannot be attributed: every payment is unmatched and the invoice stays awaiting', () => {
      const { last } = run([snapshot([]), { type: 'txs', txs: [tx('a', 5_000, 101)] }], policy({ expectedSats: 0, shared: true }));
      expect(last).to.include({ status: 'awaiting', receivedSats: 0 });
      expect(last.unmatched.map((payment) => payment.txid)).to.deep.equal(['a']);
    });

    it('marks the unmatched payments the buyer claimed, and counts them no more than before', () => {
      const { watch } = run([snapshot([]), { type: 'txs', txs: [tx('a', 5_000)] }], shared());
      const invoice = summarizeInvoice(base, shared(), watch, ['a']);
      expect(invoice).to.include({ status: 'awaiting', receivedSats: 0 });
      expect(invoice.unmatched[0]).to.include({ txid: 'a', claimed: true });
    });

    it('attributePayments: exclusive addresses count every payment', () => {
      const txs = [tx('a', 10), tx('b', 100_037), tx('spend', 0)];
      expect(attributePayments(txs, { expectedSats: 100_037, shared: false })).to.deep.equal({ counted: [txs[0], txs[1]], unmatched: [] });
      expect(attributePayments(txs, { expectedSats: 100_037, shared: true })).to.deep.equal({ counted: [txs[1]], unmatched: [txs[0]] });
    });
  });
});

describe('Lightning and on-chain: whichever pays in full first counts', () => {
  const paid = (settledAt = 2_000): ChainEvent => ({
    type: 'lightning',
    payment: {
      bolt11: 'lnbcrt1m1…',
      paymentHash: 'ab'.repeat(32),
      verify: 'http://localhost/verify',
      preimage: 'cd'.repeat(32),
      sats: 100_000,
      settledAt,
    },
  });

  it('a Lightning payment pays at once, as if confirmed, with method lightning', () => {
    const { statuses, last } = run([snapshot([]), paid()]);
    expect(statuses).to.deep.equal(['awaiting', 'paid']);
    expect(last).to.include({ method: 'lightning', receivedSats: 100_000, dueSats: 0, overpaid: false, blockonomicsStatus: 2 });
    expect(last.lightning).to.include({ first: true, paymentHash: 'ab'.repeat(32) });
    expect(last.txids).to.deep.equal([]);
  });

  it('an on-chain payment after it is an overpayment; the status stays paid', () => {
    const { statuses, last } = run([snapshot([]), paid(), { type: 'txs', txs: [tx('late', 100_000)] }]);
    expect(statuses).to.deep.equal(['awaiting', 'paid', 'paid']);
    expect(last).to.include({ method: 'lightning', receivedSats: 200_000, overpaid: true });
  });

  it('a Lightning payment after a full on-chain one is an overpayment: confirmations still decide', () => {
    const { statuses, last, watch } = run([snapshot([]), { type: 'txs', txs: [tx('a', 100_000)] }, paid()]);
    expect(statuses).to.deep.equal(['awaiting', 'unconfirmed', 'unconfirmed']);
    expect(last).to.include({ method: 'onchain', receivedSats: 200_000, overpaid: true });
    expect(last.lightning).to.include({ first: false });
    // The on-chain payment is replaced away: the Lightning one pays after all.
    const gone = reduceWatch(watch, snapshot([], 100, true, later), later, policy());
    expect(summarizeInvoice(base, policy(), gone)).to.include({ status: 'paid', method: 'lightning', receivedSats: 100_000 });
  });

  it('after part of the amount on-chain, Lightning pays in full; the part is the overpayment', () => {
    const { statuses, last } = run([snapshot([]), { type: 'txs', txs: [tx('part', 30_000)] }, paid()]);
    expect(statuses).to.deep.equal(['awaiting', 'underpaid', 'paid']);
    expect(last).to.include({ method: 'lightning', receivedSats: 130_000, overpaid: true, dueSats: 0 });
  });

  it('a Lightning payment keeps the invoice from expiring; one after expiry is late, as on-chain', () => {
    const terms = policy({ expiresAt: 5_000 });
    let watch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
    watch = reduceWatch(watch, paid(4_000), 4_000, terms);
    watch = reduceWatch(watch, { type: 'tick' }, 6_000, terms);
    expect(summarizeInvoice(base, terms, watch).status).to.equal('paid');

    let lateWatch = reduceWatch(EMPTY_WATCH, snapshot([]), 1_000, terms);
    lateWatch = reduceWatch(lateWatch, { type: 'tick' }, 6_000, terms);
    lateWatch = reduceWatch(lateWatch, paid(7_000), 7_000, terms);
    expect(summarizeInvoice(base, terms, lateWatch)).to.include({ status: 'expired', late: true, method: 'lightning' });
  });

  it('a second Lightning payment changes nothing: one invoice, one payment', () => {
    const { watch } = run([snapshot([]), paid()]);
    const again = reduceWatch(
      watch,
      { ...paid(), payment: { ...(paid() as { payment: object }).payment, paymentHash: 'ff'.repeat(32) } } as ChainEvent,
      3_000,
      policy(),
    );
    expect(again).to.equal(watch);
  });
});
