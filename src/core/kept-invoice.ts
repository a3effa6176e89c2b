/**
 * The buyer's invoice, kept on their device so that a reload, a second tab or a return visit
 * shows the same request instead of handing out a new address.
 *
 * One record per order (`order-id`), or without one per receiver, index and price. Every tab
 * showing that order shares the record: the first one to create it wins (under a lock), the
 * others adopt it, and none overwrites another invoice's record.
 * @module
 */
import { digest } from './webhook.js';
import type { CheckoutConfig } from './config.js';
import { EMPTY_WATCH, type InvoiceBase, type InvoicePolicy, type LightningPayment, type WatchState } from './invoice.js';
import type { LightningOffer } from './lightning-session.js';
import type { Store } from './store.js';

/** What the checkout keeps of an invoice. */
export interface KeptInvoice {
  /** The key or address it pays to: another key's invoice is never reused. */
  readonly receiver: string;
  readonly base: InvoiceBase;
  readonly policy: InvoicePolicy;
  readonly watch: WatchState;
  /** When it was first seen paid or expired (Unix ms), or null. */
  readonly finishedAt: number | null;
  /** `btc-checkout-paid` has been fired for it on this device. */
  readonly paidAnnounced: boolean;
  /** Unmatched transactions the buyer said were theirs. */
  readonly claims: readonly string[];
  /** The Lightning invoice on offer, so a reload offers and watches the same one; absent or null without. */
  readonly lightningOffer?: LightningOffer | null;
  /** The Lightning Address it came from: another address (the shop changed it) gets an invoice of its own. */
  readonly lightningAddress?: string | null;
}

const INVOICE_KEY = 'btc-checkout:invoice:';
/** Without an order id, a paid or expired invoice is shown again on this device for this long. */
const FINISHED_SHOWN_MS = 3_600_000;

/** The key or address a configuration pays to. */
export const receiverIdOf = ({ receiver }: CheckoutConfig): string =>
  receiver.kind === 'account' ? receiver.account.id : receiver.address;

/** Where the invoice of this configuration is kept: per order, or per receiver, index and price. */
export function invoiceKey(config: CheckoutConfig): string {
  if (config.orderId) return `${INVOICE_KEY}order:${config.orderId}`;
  const { receiver } = config;
  const index = receiver.kind === 'account' ? (receiver.index ?? '') : '';
  const price = `${config.fiat?.text ?? config.amountSats}|${config.fiat?.currency}`;
  return `${INVOICE_KEY}${digest(`${receiverIdOf(config)}|${index}|${price}`)}`;
}

const isWhole = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isText = (value: unknown): value is string => typeof value === 'string';

/** A kept Lightning payment or offer, as this version writes them (absent or null: none). */
const isLightningPayment = (value: unknown): value is LightningPayment | null | undefined => {
  const payment = value as LightningPayment | null | undefined;
  return (
    payment == null ||
    (isText(payment.bolt11) &&
      isText(payment.paymentHash) &&
      isText(payment.preimage) &&
      isWhole(payment.sats) &&
      isWhole(payment.settledAt) &&
      typeof payment.first === 'boolean')
  );
};
const isLightningOffer = (value: unknown): value is LightningOffer => {
  const offer = value as LightningOffer | null;
  return !!offer && isText(offer.pr) && isText(offer.paymentHash) && isWhole(offer.expiresAt) && isWhole(offer.renewAt);
};

/** Whether `value` is a record this version can use (storage is shared with other scripts and versions). */
function isKeptInvoice(value: unknown): value is KeptInvoice {
  const record = value as KeptInvoice | null;
  if (!record || typeof record !== 'object' || typeof record.receiver !== 'string') return false;
  const { base, policy, watch } = record;
  return (
    !!base &&
    typeof base.id === 'string' &&
    typeof base.address === 'string' &&
    isWhole(base.createdAt) &&
    isWhole(base.tagSats) &&
    !!policy &&
    isWhole(policy.expectedSats) &&
    isWhole(policy.confirmations) &&
    isWhole(policy.toleranceBasisPoints) &&
    (policy.expiresAt === null || isWhole(policy.expiresAt)) &&
    !!watch &&
    (watch.baseline === null || (Array.isArray(watch.baseline) && watch.baseline.every((txid) => typeof txid === 'string'))) &&
    Array.isArray(watch.txs) &&
    watch.txs.every((tx) => tx && typeof tx.txid === 'string' && isWhole(tx.valueSats) && (tx.height === null || isWhole(tx.height))) &&
    (watch.tipHeight === null || isWhole(watch.tipHeight)) &&
    typeof watch.expired === 'boolean' &&
    isLightningPayment(watch.lightning)
  );
}

/** The record under `key` as stored, whoever's it is, or null (absent or unusable). */
export const readKept = (store: Store, key: string): KeptInvoice | null => parseKept(store.get(key));

/** A kept invoice from its JSON text, or null when it is not one this version can use. */
export function parseKept(text: string | null): KeptInvoice | null {
  let record: unknown;
  try {
    record = JSON.parse(text ?? 'null');
  } catch {
    return null;
  }
  if (!isKeptInvoice(record)) return null;
  // Invoices kept by older versions lack the fields added since.
  const base = { ...record.base, item: record.base.item ?? null, priceToken: record.base.priceToken ?? null };
  return {
    ...record,
    base,
    paidAnnounced: record.paidAnnounced === true,
    claims: Array.isArray(record.claims) ? record.claims.filter((txid) => typeof txid === 'string') : [],
    lightningOffer: isLightningOffer(record.lightningOffer) ? record.lightningOffer : null,
    lightningAddress: typeof record.lightningAddress === 'string' ? record.lightningAddress : null,
  };
}

/**
 * The invoice to show again for `config`, or null when a new one is due: nothing kept, another
 * receiver's record, or (with no order id to tell a new order from a reload) one that finished
 * more than an hour ago.
 */
export function restoreInvoice(store: Store, config: CheckoutConfig, now: number): KeptInvoice | null {
  const record = readKept(store, invoiceKey(config));
  if (!record || record.receiver !== receiverIdOf(config)) return null;
  if (!config.orderId && record.finishedAt !== null && now - record.finishedAt > FINISHED_SHOWN_MS) return null;
  return record;
}

/** A new record for a new invoice. */
export const newKept = (config: CheckoutConfig, base: InvoiceBase, policy: InvoicePolicy): KeptInvoice => ({
  receiver: receiverIdOf(config),
  base,
  policy,
  watch: EMPTY_WATCH,
  finishedAt: null,
  paidAnnounced: false,
  claims: [],
});

/** Stores a new invoice under `key`, in place of whatever was there (nothing usable: see {@link restoreInvoice}). */
export function storeNewInvoice(store: Store, key: string, record: KeptInvoice): KeptInvoice {
  store.set(key, JSON.stringify(record));
  return record;
}

/**
 * Writes this tab's view of its invoice, unless the key now holds another invoice (another tab
 * made a new one). What any tab learned once stays learned: the paid announcement and the claims
 * are merged with the stored record, never reset. Returns the record as stored, or null.
 */
export function keepInvoice(store: Store, key: string, record: KeptInvoice): KeptInvoice | null {
  const stored = readKept(store, key);
  if (stored && stored.base.id !== record.base.id) return null;
  const merged: KeptInvoice = {
    ...record,
    // A Lightning payment another tab saw stays: this one may not have heard of it yet.
    watch: record.watch.lightning || !stored?.watch.lightning ? record.watch : { ...record.watch, lightning: stored.watch.lightning },
    finishedAt: record.finishedAt ?? stored?.finishedAt ?? null,
    paidAnnounced: record.paidAnnounced || !!stored?.paidAnnounced,
    claims: [...new Set([...(stored?.claims ?? []), ...record.claims])],
  };
  store.set(key, JSON.stringify(merged));
  return merged;
}
