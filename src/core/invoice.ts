/**
 * The invoice: one payment request and what the chain says about it.
 *
 * All chain knowledge lives in a serialisable {@link WatchState}, changed only by
 * {@link reduceWatch}; the public {@link Invoice} snapshot is derived from it by
 * {@link summarizeInvoice}. Status, received sats and confirmations are computed, never stored,
 * so they can never disagree with the transactions they come from.
 * @module
 */
import type { NetworkName } from './networks.js';

/**
 * `loading` → `awaiting` → `underpaid` → `unconfirmed` → `confirming` → `paid`;
 * `expired` when nothing full arrived in time; `error` when the checkout cannot work.
 */
export type InvoiceStatus =
  | 'loading'
  | 'awaiting'
  | 'underpaid'
  | 'unconfirmed'
  | 'confirming'
  | 'paid'
  | 'expired'
  | 'error';

/** Blockonomics' status codes: −1 nothing received, 0 unconfirmed, 1 partially confirmed, 2 confirmed. */
export type BlockonomicsCode = -1 | 0 | 1 | 2;

/** What the checkout knows of one transaction that pays the invoice address. */
export interface ChainTx {
  readonly txid: string;
  /** Sats paid to the invoice address by this transaction (the sum of its outputs there). */
  readonly valueSats: number;
  /** Block height, or null while in the mempool. */
  readonly height: number | null;
  /** Signals replaceability (BIP 125: some input's sequence is below 0xfffffffe). */
  readonly rbf: boolean;
}

/** The chain's view of the invoice address, as far as the checkout has learned it. */
export interface WatchState {
  /** Transactions already on the address when the invoice was created; null until known. */
  readonly baseline: readonly string[] | null;
  /** Transactions that count for the invoice. */
  readonly txs: readonly ChainTx[];
  readonly tipHeight: number | null;
  /** Set once, when the deadline passed without a full payment; never cleared. */
  readonly expired: boolean;
}

export type ChainEvent =
  /** Everything the REST API lists for the address now; `complete` when nothing was cut off. */
  | { readonly type: 'snapshot'; readonly txs: readonly ChainTx[]; readonly tipHeight: number; readonly complete: boolean }
  /** Transactions seen in the mempool or in a block. */
  | { readonly type: 'txs'; readonly txs: readonly ChainTx[] }
  /** Transactions that left the mempool unmined: replaced (RBF), evicted or double-spent. */
  | { readonly type: 'removed'; readonly txids: readonly string[] }
  | { readonly type: 'tip'; readonly height: number }
  /** Time passed (for the deadline). */
  | { readonly type: 'tick' };

/** The merchant's terms for one invoice. */
export interface InvoicePolicy {
  /** Amount asked for in sats; 0 for an open amount (any payment counts). */
  readonly expectedSats: number;
  /** Confirmations the full amount needs to be `paid`. */
  readonly confirmations: number;
  /** Accepted shortfall in hundredths of a percent (100 = 1 %). */
  readonly toleranceBasisPoints: number;
  /** Unix milliseconds, or null when the invoice never expires. */
  readonly expiresAt: number | null;
  /**
   * The amount tag in `expectedSats` (allocation), 0 or absent without. A payment of exactly
   * another tag's amount (the untagged amount plus 1 to {@link TAG_MAX_SATS}, other than this
   * one) is another buyer's payment to the same address, and does not count for this invoice.
   */
  readonly tagSats?: number;
}

/** Amount tags are 1 to 99 sats: under 10 US cents at $100,000 per BTC. */
export const TAG_MAX_SATS = 99;

/** A random amount tag, 1 to {@link TAG_MAX_SATS} sats, uniformly. */
export const amountTag = (random: () => number): number => 1 + Math.floor(random() * TAG_MAX_SATS);

/** A fiat price and the rate it was converted at, locked for the invoice's life. */
export interface FiatPrice {
  readonly currency: string;
  /** The amount as the page gave it, e.g. `25.00`. */
  readonly amount: string;
  /** The price of one BTC in that currency, as the source gave it. */
  readonly rate: string;
}

/** Fields fixed when the invoice is created. */
export interface InvoiceBase {
  /** Random identifier of this invoice, stable across reloads. */
  readonly id: string;
  readonly address: string;
  /** Receive index the address was derived at; null for a fixed address. */
  readonly index: number | null;
  readonly network: NetworkName;
  readonly orderId: string | null;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** Sats added to the amount so that (address, amount) tells this invoice apart; 0 without. */
  readonly tagSats: number;
  readonly fiat: FiatPrice | null;
}

/** A frozen snapshot of the invoice, as the element exposes it and webhooks carry it. */
export interface Invoice extends InvoiceBase {
  readonly status: InvoiceStatus;
  readonly expectedSats: number;
  /** Sats paid to the address by transactions that count for this invoice. */
  readonly receivedSats: number;
  /** The part of `receivedSats` that is in blocks. */
  readonly confirmedSats: number;
  /** Sats still due (0 once the full amount, less tolerance, was received). */
  readonly dueSats: number;
  /** Confirmations of the full amount (of all received funds while underpaid). */
  readonly confirmations: number;
  readonly requiredConfirmations: number;
  readonly txids: readonly string[];
  readonly expiresAt: number | null;
  /** A full payment arrived after expiry: the status stays `expired`, the merchant decides. */
  readonly late: boolean;
  /** More than the amount asked for was received. */
  readonly overpaid: boolean;
  /** Blockonomics' code for the received funds. */
  readonly code: BlockonomicsCode;
}

export const EMPTY_WATCH: WatchState = Object.freeze({ baseline: null, txs: Object.freeze([]), tipHeight: null, expired: false });

/** The least that counts as the full amount: the amount less tolerance, and at least 1 sat. */
export function fullAmountSats(policy: InvoicePolicy): number {
  const { expectedSats, toleranceBasisPoints } = policy;
  // BigInt: expectedSats × 10 000 can exceed 2^53.
  const shortfall = Number((BigInt(expectedSats) * BigInt(toleranceBasisPoints)) / 10_000n);
  return Math.max(expectedSats - shortfall, 1);
}

const sum = (txs: readonly ChainTx[]): number => txs.reduce((total, tx) => total + tx.valueSats, 0);

/**
 * Whether `tx` pays this invoice: it brings some sats, and is not exactly another buyer's tagged
 * amount (the untagged amount plus another tag, see {@link InvoicePolicy.tagSats}).
 */
export function paysInvoice(tx: Pick<ChainTx, 'valueSats'>, policy: InvoicePolicy): boolean {
  const tag = policy.tagSats ?? 0;
  const untagged = policy.expectedSats - tag;
  return tx.valueSats > 0 && !(tag && tx.valueSats !== policy.expectedSats && tx.valueSats > untagged && tx.valueSats <= untagged + TAG_MAX_SATS);
}

/** Applies one chain event; returns the same object when nothing changed. */
export function reduceWatch(state: WatchState, event: ChainEvent, now: number, policy: InvoicePolicy): WatchState {
  let { baseline, txs, tipHeight } = state;
  const pays = (tx: ChainTx): boolean => paysInvoice(tx, policy);
  const known = new Map(txs.map((tx) => [tx.txid, tx]));
  switch (event.type) {
    case 'snapshot': {
      if (!baseline) {
        // What the address held before the first snapshot is history, except what the socket
        // already reported to us: that arrived after we subscribed, so it is new.
        baseline = event.txs.filter((tx) => !known.has(tx.txid)).map((tx) => tx.txid);
      }
      const skip = new Set(baseline);
      // A listing can name a transaction twice, in the mempool and in a block (G6): the block wins.
      const listed = new Map<string, ChainTx>();
      for (const tx of event.txs) {
        if (!skip.has(tx.txid) && pays(tx) && !(tx.height === null && listed.get(tx.txid)?.height)) listed.set(tx.txid, tx);
      }
      // A complete listing is the truth (it can unconfirm a transaction after a reorg); a
      // truncated one is only complete for the mempool.
      const kept = event.complete ? [] : txs.filter((tx) => !listed.has(tx.txid) && tx.height !== null);
      txs = [...kept, ...listed.values()];
      tipHeight = event.tipHeight;
      break;
    }
    case 'txs': {
      const skip = new Set(baseline ?? []);
      for (const tx of event.txs) {
        // A late mempool notice never unconfirms a transaction; only a snapshot can.
        if (skip.has(tx.txid) || !pays(tx) || (tx.height === null && known.get(tx.txid)?.height != null)) continue;
        known.set(tx.txid, tx);
      }
      txs = [...known.values()];
      break;
    }
    case 'removed': {
      const gone = new Set(event.txids);
      txs = txs.filter((tx) => !gone.has(tx.txid));
      break;
    }
    case 'tip':
      tipHeight = event.height;
      break;
    case 'tick':
      break;
  }
  // Expiry is decided once: by the deadline, without the full amount at least in the mempool.
  const expired =
    state.expired ||
    (baseline !== null && policy.expiresAt !== null && now >= policy.expiresAt && sum(txs) < fullAmountSats(policy));
  if (baseline === state.baseline && txs.length === state.txs.length && txs.every((tx, i) => tx === state.txs[i]) && tipHeight === state.tipHeight && expired === state.expired) {
    return state;
  }
  return Object.freeze({ baseline, txs: Object.freeze(txs), tipHeight, expired });
}

/**
 * Confirmations of `tx`: tip − height + 1, 0 in the mempool. A transaction in a block has at
 * least one even when its block is reported before the new tip is.
 */
export const confirmationsOf = (tx: ChainTx, tipHeight: number | null): number =>
  tx.height === null ? 0 : Math.max((tipHeight ?? tx.height) - tx.height + 1, 1);

/** The invoice as the merchant and buyer see it, from its terms and the chain's state. */
export function summarizeInvoice(base: InvoiceBase, policy: InvoicePolicy, watch: WatchState): Invoice {
  const { txs, tipHeight } = watch;
  const full = fullAmountSats(policy);
  const received = sum(txs);
  const byConfirmations = txs
    .map((tx) => ({ tx, confirmations: confirmationsOf(tx, tipHeight) }))
    .sort((a, b) => b.confirmations - a.confirmations);
  const least = byConfirmations.length ? byConfirmations[byConfirmations.length - 1]!.confirmations : 0;
  // Confirmations of the full amount: the depth at which the best-confirmed transactions add up to it.
  let fullDepth = 0;
  let running = 0;
  for (const { tx, confirmations } of byConfirmations) {
    running += tx.valueSats;
    if (running >= full) {
      fullDepth = confirmations;
      break;
    }
  }
  // As BTCPay does: a zero-confirmation payment is only trusted when it cannot be replaced.
  const required =
    policy.confirmations === 0 && txs.some((tx) => tx.rbf && tx.height === null) ? 1 : policy.confirmations;
  const isFull = received >= full && received > 0;
  const status: InvoiceStatus = watch.baseline === null
    ? 'loading'
    : watch.expired
      ? 'expired'
      : received === 0
        ? 'awaiting'
        : !isFull
          ? 'underpaid'
          : fullDepth >= required
            ? 'paid'
            : fullDepth >= 1
              ? 'confirming'
              : 'unconfirmed';
  return Object.freeze({
    ...base,
    status,
    expectedSats: policy.expectedSats,
    receivedSats: received,
    confirmedSats: sum(txs.filter((tx) => tx.height !== null)),
    dueSats: isFull ? 0 : Math.max(policy.expectedSats - received, 0),
    confirmations: isFull ? fullDepth : least,
    requiredConfirmations: required,
    txids: Object.freeze(txs.map((tx) => tx.txid)),
    expiresAt: policy.expiresAt,
    late: watch.expired && isFull,
    overpaid: policy.expectedSats > 0 && received > policy.expectedSats,
    code: received === 0 ? -1 : least === 0 ? 0 : least >= required ? 2 : 1,
  });
}
