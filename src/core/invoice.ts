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
export type InvoiceStatus = 'loading' | 'awaiting' | 'underpaid' | 'unconfirmed' | 'confirming' | 'paid' | 'expired' | 'error';

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
  /**
   * The outpoints (`txid:vout`) its inputs spend, when the API listed them. Only read while the
   * history is being learned: a later transaction spending one of them replaces old history.
   */
  readonly spends?: readonly string[];
  /** When this checkout learned the transaction, or its current height (Unix ms). */
  readonly seenAt?: number;
}

/** The chain's view of the invoice address, as far as the checkout has learned it. */
export interface WatchState {
  /**
   * Transactions that are history: on the address before the request was shown, or replacing
   * such a transaction (a fee bump). Null until the first listing; until then nothing is shown.
   */
  readonly baseline: readonly string[] | null;
  /**
   * The tip when the history was taken. A payment made after the request was shown is mined in a
   * later block, so anything in a block at or below it is history, even if a lagging listing left
   * it out. Null in invoices kept by older versions.
   */
  readonly baselineTip?: number | null;
  /** Outpoints spent by unconfirmed history: whatever else spends them replaces history. */
  readonly baselineSpends?: readonly string[];
  /** Transactions that paid the address after the request was shown, counted or not. */
  readonly txs: readonly ChainTx[];
  readonly tipHeight: number | null;
  /** Set once, when the deadline passed without a full payment; never cleared. */
  readonly expired: boolean;
  /** The Lightning invoice the merchant's service says was paid, with its proof; absent or null without. */
  readonly lightning?: LightningPayment | null;
}

/** A Lightning payment of the invoice: settled, as the merchant's service said with the preimage (LUD-21). */
export interface LightningPayment {
  /** The BOLT 11 invoice that was paid. */
  readonly bolt11: string;
  /** Hex; sha256 of `preimage`. */
  readonly paymentHash: string;
  /** The service's LUD-21 URL, where a receiver asks again (verifyPayment). */
  readonly verify: string | null;
  /** Hex; the proof of payment. */
  readonly preimage: string;
  readonly sats: number;
  /** Unix ms. */
  readonly settledAt: number;
  /**
   * It paid the invoice: nothing on-chain had the full amount when it settled. Otherwise it is
   * an overpayment, unless the on-chain payment goes (replaced): then it pays after all.
   */
  readonly first: boolean;
}

export type ChainEvent =
  /**
   * What the REST API lists for the address; `complete` when nothing newer than the history was
   * cut off. `requestedAt` (Unix ms) is when it was asked: the answer may be older still (a
   * server cache), never newer. `tipHeight` is null when the listing came without a tip (the
   * allocation scan).
   */
  | {
      readonly type: 'snapshot';
      readonly txs: readonly ChainTx[];
      readonly tipHeight: number | null;
      readonly complete: boolean;
      readonly requestedAt?: number;
    }
  /** Transactions seen in the mempool or in a block. */
  | { readonly type: 'txs'; readonly txs: readonly ChainTx[] }
  /** Transactions that left the mempool unmined: replaced (RBF), evicted or double-spent. */
  | { readonly type: 'removed'; readonly txids: readonly string[] }
  /** A new tip; `reorg` when it does not extend the one before (then what was confirmed may not be). */
  | { readonly type: 'tip'; readonly height: number; readonly reorg?: boolean }
  /** Time passed (for the deadline). */
  | { readonly type: 'tick' }
  /** The merchant's Lightning service says an invoice of this checkout was paid. */
  | { readonly type: 'lightning'; readonly payment: Omit<LightningPayment, 'first'> };

/** The merchant's terms for one invoice. */
export interface InvoicePolicy {
  /** Amount asked for in sats; 0 for an open amount. */
  readonly expectedSats: number;
  /** Confirmations the full amount needs to be `paid`. */
  readonly confirmations: number;
  /** Accepted shortfall in hundredths of a percent (100 = 1 %); exclusive addresses only. */
  readonly toleranceBasisPoints: number;
  /** Unix milliseconds, or null when the invoice never expires. */
  readonly expiresAt: number | null;
  /** The amount tag inside `expectedSats` (1 to {@link TAG_MAX_SATS} on a shared address), 0 or absent without. */
  readonly tagSats?: number;
  /**
   * Other buyers may be shown this address (an address chosen by allocation, or a fixed
   * `address`). Then only {@link attributePayments}' rule decides what counts: one transaction of
   * exactly `expectedSats`. Absent in invoices kept by older versions: treated as exclusive.
   */
  readonly shared?: boolean;
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
  /** The merchant's reference for what is sold, for its price list; null without. */
  readonly item: string | null;
  /** The merchant's signed price this invoice was made from (see price-token.ts); null without. */
  readonly priceToken: string | null;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** Sats added to the amount so that (address, amount) tells this invoice apart; 0 without. */
  readonly tagSats: number;
  readonly fiat: FiatPrice | null;
}

/** A payment to the invoice address that does not count for this invoice (see {@link attributePayments}). */
export interface UnmatchedPayment {
  readonly txid: string;
  readonly sats: number;
  readonly confirmations: number;
  /** The buyer said it was theirs (a claim for the merchant to review, never a credit). */
  readonly claimed: boolean;
}

/** A frozen snapshot of the invoice, as the element exposes it and webhooks carry it. */
export interface Invoice extends InvoiceBase {
  readonly status: InvoiceStatus;
  readonly expectedSats: number;
  /** Whether other buyers may be shown this address (see {@link InvoicePolicy.shared}). */
  readonly shared: boolean;
  /** Sats paid to the address by transactions that count for this invoice. */
  readonly receivedSats: number;
  /** The part of `receivedSats` that is in blocks. */
  readonly confirmedSats: number;
  /** Sats still due (0 once the full amount, less tolerance, was received). */
  readonly dueSats: number;
  /** Confirmations of the full amount (of all received funds while underpaid). */
  readonly confirmations: number;
  readonly requiredConfirmations: number;
  /** The transactions that count for this invoice. */
  readonly txids: readonly string[];
  /** Payments to the address since the request was shown that do not count for it. */
  readonly unmatched: readonly UnmatchedPayment[];
  readonly expiresAt: number | null;
  /** A full payment arrived after expiry: the status stays `expired`, the merchant decides. */
  readonly late: boolean;
  /** More than the amount asked for was received. */
  readonly overpaid: boolean;
  /** How it was paid: on-chain, or by Lightning (then `lightning` says which invoice); null while unpaid. */
  readonly method: 'onchain' | 'lightning' | null;
  /** The Lightning payment, when one was made: the invoice's or, after a full on-chain payment, an overpayment. */
  readonly lightning: LightningPayment | null;
  /** Blockonomics' code for the received funds. */
  readonly blockonomicsStatus: BlockonomicsCode;
}

export const EMPTY_WATCH: WatchState = Object.freeze({
  baseline: null,
  baselineTip: null,
  baselineSpends: Object.freeze([]),
  txs: Object.freeze([]),
  tipHeight: null,
  expired: false,
});

/**
 * The least that counts as the full amount: the amount less tolerance, and at least 1 sat. On a
 * shared address there is no tolerance: any other amount may be another buyer's exact price.
 */
export function fullAmountSats(policy: InvoicePolicy): number {
  const { expectedSats, toleranceBasisPoints } = policy;
  if (policy.shared) return Math.max(expectedSats, 1);
  // BigInt: expectedSats × 10 000 can exceed 2^53.
  const shortfall = Number((BigInt(expectedSats) * BigInt(toleranceBasisPoints)) / 10_000n);
  return Math.max(expectedSats - shortfall, 1);
}

const sum = (txs: readonly ChainTx[]): number => txs.reduce((total, tx) => total + tx.valueSats, 0);

/**
 * Which payments count for the invoice: the one rule the widget and `verifyPayment` share.
 *
 * - On an exclusive address (an index the merchant's server handed out) every payment counts:
 *   several transactions can add up, and a shortfall within tolerance is accepted.
 * - On a shared address only a single transaction of exactly `expectedSats` (the tagged amount)
 *   counts, the first one seen; every other payment is unmatched. Another buyer's payment has
 *   another amount (their price, or their tag), so it can never pay this invoice; a buyer who
 *   paid a wrong amount is told so and can claim it, for the merchant to settle by hand. An open
 *   amount on a shared address cannot be told apart from anyone else's payment: nothing counts.
 */
export function attributePayments<T extends Pick<ChainTx, 'valueSats'>>(
  txs: readonly T[],
  policy: Pick<InvoicePolicy, 'expectedSats' | 'shared'>,
): { counted: T[]; unmatched: T[] } {
  const paying = txs.filter((tx) => tx.valueSats > 0);
  if (!policy.shared) return { counted: paying, unmatched: [] };
  const match = policy.expectedSats > 0 ? paying.find((tx) => tx.valueSats === policy.expectedSats) : undefined;
  return { counted: match ? [match] : [], unmatched: paying.filter((tx) => tx !== match) };
}

/**
 * How long a REST answer may lag what the socket pushed: mempool.space's nginx serves address
 * listings from a cache up to 10 s old (electrs' max-age=10), and its backends fail over between
 * nodes. A listing asked for within this time of learning a transaction cannot say it is gone.
 */
export const STALE_MS = 30_000;

/**
 * How deep a reorg may plausibly reach. Blocks that replace old ones can hold a payment made after
 * the invoice at a height at or below the tip it began at, and a poller never hears of the reorg:
 * only a transaction buried deeper than this below that tip is surely older than the invoice.
 */
export const REORG_DEPTH = 6;

/** Whether `tx` is confirmed deeper below `baselineTip` (the tip when the invoice began) than any plausible reorg. */
export const buriedBefore = (tx: Pick<ChainTx, 'height'>, baselineTip: number | null | undefined): boolean =>
  tx.height !== null && baselineTip != null && tx.height <= baselineTip - REORG_DEPTH;

/** Strips what is only needed while the history is being learned, and stamps when it was learned. */
const kept = ({ txid, valueSats, height, rbf }: ChainTx, seenAt: number): ChainTx => ({ txid, valueSats, height, rbf, seenAt });

/** Applies one chain event; returns the same object when nothing changed. */
export function reduceWatch(state: WatchState, event: ChainEvent, now: number, policy: InvoicePolicy): WatchState {
  let { baseline, txs, tipHeight } = state;
  // A clock that went back (or a record from a device whose clock ran ahead) must not keep a
  // transaction from settling for as long as the clock was off: it was seen no later than now.
  if (txs.some((tx) => (tx.seenAt ?? 0) > now)) txs = txs.map((tx) => ((tx.seenAt ?? 0) > now ? { ...tx, seenAt: now } : tx));
  let baselineTip = state.baselineTip ?? null;
  let lightning = state.lightning ?? null;
  let baselineSpends = state.baselineSpends ?? [];
  const known = new Map(txs.map((tx) => [tx.txid, tx]));
  /** History found after the baseline: added to it, so it stays out for good. */
  const alsoHistory: string[] = [];
  const isHistory = (tx: ChainTx): boolean => {
    if (baseline!.includes(tx.txid)) return true;
    // Once taken as new, a transaction stays new: a reorg can mine it again at or below the old tip.
    if (known.has(tx.txid)) return false;
    const old = buriedBefore(tx, baselineTip) || (tx.spends ?? []).some((outpoint) => baselineSpends.includes(outpoint));
    if (old) alsoHistory.push(tx.txid);
    return old;
  };
  switch (event.type) {
    case 'snapshot': {
      const highest = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
      if (!baseline) {
        // Nothing on the address before the request is on screen can be this buyer's payment:
        // what the listing shows and what the socket reported while it was in flight (even a
        // block confirming an older payment) is history. Blocks above the tip seen so far are
        // the only ones a new payment can be in.
        const history = [...event.txs, ...txs];
        baseline = [...new Set(history.map((tx) => tx.txid))];
        baselineTip = highest(event.tipHeight, tipHeight);
        baselineSpends = [...new Set(history.filter((tx) => tx.height === null).flatMap((tx) => tx.spends ?? []))];
        txs = [];
        tipHeight = highest(tipHeight, event.tipHeight);
        break;
      }
      // A listing may be older than what the socket said (a cache, a lagging node: B1): it can add
      // and confirm, but take back only what was learned long enough before it was asked.
      const askedAt = event.requestedAt ?? now;
      const settled = (tx: ChainTx): boolean => (tx.seenAt ?? 0) + STALE_MS <= askedAt;
      // A listing can name a transaction twice, in the mempool and in a block (docs/protocol.md G6): the block wins.
      const listed = new Map<string, ChainTx>();
      for (const tx of event.txs) {
        if (tx.valueSats > 0 && !isHistory(tx) && !(tx.height === null && listed.get(tx.txid)?.height)) listed.set(tx.txid, tx);
      }
      const updated = (tx: ChainTx): ChainTx | null => {
        const seen = listed.get(tx.txid);
        // Not listed: a complete listing says it is gone (replaced, evicted, reorged out); a cut-off
        // one says so only of a mempool transaction.
        if (!seen) return (event.complete || tx.height === null) && settled(tx) ? null : tx;
        if (seen.height === tx.height) return tx;
        // Unconfirmed again (a reorg) only on fresh evidence; confirmed or moved, at once.
        if (seen.height === null && !settled(tx)) return tx;
        return kept(seen, now);
      };
      // Known transactions keep their place, so "the first exact payment" stays the same one.
      txs = [
        ...txs.map(updated).filter((tx): tx is ChainTx => tx !== null),
        ...[...listed.values()].filter((tx) => !known.has(tx.txid)).map((tx) => kept(tx, now)),
      ];
      // The tip never goes back on a listing's word: only the socket reports reorgs.
      tipHeight = highest(tipHeight, event.tipHeight);
      break;
    }
    case 'txs': {
      for (const tx of event.txs) {
        if (!baseline) {
          // Before the first listing: remembered, to become history with it.
          known.set(tx.txid, tx);
          continue;
        }
        const before = known.get(tx.txid);
        // A late mempool notice never unconfirms a transaction; only a snapshot can.
        if (tx.valueSats <= 0 || isHistory(tx) || (tx.height === null && before?.height != null)) continue;
        if (before && before.height === tx.height) continue;
        known.set(tx.txid, kept(tx, now));
      }
      txs = [...known.values()];
      break;
    }
    case 'removed': {
      // A mempool removal says nothing of a transaction in a block (B23): only a listing can unconfirm it.
      const gone = new Set(event.txids);
      txs = txs.filter((tx) => !gone.has(tx.txid) || tx.height !== null);
      break;
    }
    case 'tip':
      tipHeight = event.height;
      // After a reorg a listing may say a payment left its block, however recently it was seen in one.
      if (event.reorg) txs = txs.map((tx) => (tx.height !== null ? { ...tx, seenAt: Number.MIN_SAFE_INTEGER } : tx));
      break;
    case 'tick':
      break;
    case 'lightning':
      // One Lightning payment: the session stops asking once it has one.
      lightning ??= Object.freeze({ ...event.payment, first: receivedSats(txs, policy) < fullAmountSats(policy) });
      break;
  }
  if (alsoHistory.length) baseline = [...baseline!, ...alsoHistory.filter((txid) => !baseline!.includes(txid))];
  // Expiry is decided once: by the deadline, without the full amount at least in the mempool.
  const expired =
    state.expired ||
    (baseline !== null &&
      policy.expiresAt !== null &&
      now >= policy.expiresAt &&
      !lightning &&
      receivedSats(txs, policy) < fullAmountSats(policy));
  if (
    baseline === state.baseline &&
    txs.length === state.txs.length &&
    txs.every((tx, i) => tx === state.txs[i]) &&
    tipHeight === state.tipHeight &&
    baselineTip === (state.baselineTip ?? null) &&
    expired === state.expired &&
    lightning === (state.lightning ?? null)
  ) {
    return state;
  }
  return Object.freeze({ baseline, baselineTip, baselineSpends, txs: Object.freeze(txs), tipHeight, expired, lightning });
}

/** Sats of the payments that count for the invoice. */
const receivedSats = (txs: readonly ChainTx[], policy: InvoicePolicy): number => sum(attributePayments(txs, policy).counted);

/**
 * Confirmations of `tx`: tip − height + 1, 0 in the mempool. A transaction in a block has at
 * least one even when its block is reported before the new tip is.
 */
export const confirmationsOf = (tx: ChainTx, tipHeight: number | null): number =>
  tx.height === null ? 0 : Math.max((tipHeight ?? tx.height) - tx.height + 1, 1);

/** The status of an invoice with the full amount, by the confirmations it has and needs. */
function statusOf(watch: WatchState, received: number, isFull: boolean, fullDepth: number, required: number): InvoiceStatus {
  if (watch.baseline === null) return 'loading';
  if (watch.expired) return 'expired';
  if (received === 0) return 'awaiting';
  if (!isFull) return 'underpaid';
  if (fullDepth >= required) return 'paid';
  return fullDepth >= 1 ? 'confirming' : 'unconfirmed';
}

/**
 * The invoice as the merchant and buyer see it, from its terms and the chain's state.
 * `claims` are the unmatched transactions the buyer said were theirs.
 */
export function summarizeInvoice(base: InvoiceBase, policy: InvoicePolicy, watch: WatchState, claims: readonly string[] = []): Invoice {
  const { tipHeight } = watch;
  const { counted: txs, unmatched } = watch.baseline === null ? { counted: [], unmatched: [] } : attributePayments(watch.txs, policy);
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
  const required = policy.confirmations === 0 && txs.some((tx) => tx.rbf && tx.height === null) ? 1 : policy.confirmations;
  const onChainFull = received >= full && received > 0;
  // Whichever route paid in full first counts; the other is an overpayment. A Lightning payment
  // is final at once: it pays as if confirmed. It also pays when the on-chain one that came
  // first is gone (replaced, evicted): the merchant has the money.
  const lightning = watch.lightning ?? null;
  const byLightning = !!lightning && (lightning.first || !onChainFull);
  const lightningSats = lightning?.sats ?? 0;
  const isFull = onChainFull || byLightning;
  const status = statusOf(watch, received + lightningSats, isFull, byLightning ? required : fullDepth, required);
  return Object.freeze({
    ...base,
    status,
    expectedSats: policy.expectedSats,
    shared: !!policy.shared,
    receivedSats: received + lightningSats,
    confirmedSats: sum(txs.filter((tx) => tx.height !== null)) + lightningSats,
    dueSats: isFull ? 0 : Math.max(policy.expectedSats - received, 0),
    confirmations: byLightning ? required : isFull ? fullDepth : least,
    requiredConfirmations: required,
    txids: Object.freeze(txs.map((tx) => tx.txid)),
    unmatched: Object.freeze(
      unmatched.map((tx) =>
        Object.freeze({
          txid: tx.txid,
          sats: tx.valueSats,
          confirmations: confirmationsOf(tx, tipHeight),
          claimed: claims.includes(tx.txid),
        }),
      ),
    ),
    expiresAt: policy.expiresAt,
    late: watch.expired && isFull,
    overpaid: policy.expectedSats > 0 && received + lightningSats > policy.expectedSats,
    method: byLightning ? 'lightning' : onChainFull ? 'onchain' : null,
    lightning,
    blockonomicsStatus: byLightning ? 2 : received === 0 ? -1 : least === 0 ? 0 : least >= required ? 2 : 1,
  });
}
