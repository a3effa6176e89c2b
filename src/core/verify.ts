/**
 * `btc-checkout/verify`: check a webhook against the chain instead of trusting it.
 *
 * A browser cannot sign anything, so a webhook is a hint that anyone could have sent. A receiver
 * calls {@link verifyPayment} with its own key: the address must be the one that key derives at
 * the claimed index, and the amount and confirmations are read from the chain, not from the call.
 * Which payments count follows the widget's own rule ({@link attributePayments}): on an address
 * other buyers may share, only one transaction of exactly the amount asked.
 * Runs on Node 20+ and edge runtimes (any `fetch`).
 *
 * @example
 * ```js
 * import { verifyPayment } from 'btc-checkout/verify';
 * const result = await verifyPayment({ xpub: process.env.SHOP_XPUB, payload, api: 'https://mempool.space/api', expectedSats: order.sats });
 * if (result.ok) shipOrder(payload.orderId);
 * ```
 * @module
 */
import { deriveAddress, isChildIndex, parseAccount } from './account.js';
import { fetchAddressTxs, fetchTipHeight } from './chain/esplora.js';
import { createRestClient } from './chain/http.js';
import type { FetchLike } from './effects.js';
import { CheckoutError } from './errors.js';
import { attributePayments, summarizeInvoice, type InvoiceStatus } from './invoice.js';

export interface VerifyOptions {
  /** Your extended public key or descriptor, from your server's configuration: never from the call. */
  xpub: string;
  /** The webhook's JSON body, or for the GET formats an object with `address`, `index` and `txids`. */
  payload: unknown;
  /** Esplora / mempool REST API base URL(s), tried in order. */
  api: string | readonly string[];
  /** Confirmations you require. Default 1 (never the payload's own figure). */
  confirmations?: number;
  /** The order's amount in sats, from your records. Without it the payload's `expectedSats` is used, which a forger chooses. */
  expectedSats?: number;
  /**
   * The address is this buyer's alone: your server handed out its index (`index-url`, or an
   * `index` it never gives anyone else). From your own records, never from the call. Then every
   * payment to it counts, and `toleranceBasisPoints` applies. Default false: as on a page that
   * chooses the address itself (or shows a fixed `address`), other buyers may have been shown
   * it, so only one transaction of exactly `expectedSats` counts.
   */
  exclusive?: boolean;
  /** Accepted shortfall in hundredths of a percent, on an exclusive address only. */
  toleranceBasisPoints?: number;
  /** Network and address type, as on the element; by default the key's and the payload's network. */
  network?: string;
  addressType?: string;
  fetch?: FetchLike;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** The status the chain supports (`paid` when ok). */
  readonly status: InvoiceStatus;
  readonly address: string | null;
  readonly receivedSats: number;
  readonly confirmedSats: number;
  readonly confirmations: number;
  readonly txids: readonly string[];
  /** Why it is not ok, in words; null when ok. */
  readonly reason: string | null;
  /**
   * The call says something the chain contradicts: an address the key does not derive, a
   * transaction the chain does not show, another buyer's amount, more sats than were paid. Treat
   * it as forged. False when the payment is only not there yet (too few confirmations, underpaid).
   */
  readonly contradicted: boolean;
}

const refuse = (reason: string, address: string | null = null, contradicted = true): VerifyResult => ({
  ok: false,
  status: 'error',
  address,
  receivedSats: 0,
  confirmedSats: 0,
  confirmations: 0,
  txids: [],
  reason,
  contradicted,
});

export async function verifyPayment(options: VerifyOptions): Promise<VerifyResult> {
  const payload = (options.payload ?? {}) as Record<string, unknown>;
  const fetch = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (!fetch) return refuse('No fetch: pass options.fetch.', null, false);
  let address: string;
  try {
    const account = parseAccount(options.xpub, { network: options.network ?? (payload.network as string | undefined), addressType: options.addressType });
    const index = payload.index;
    if (!isChildIndex(index)) return refuse('The payload has no valid index.');
    address = deriveAddress(account, index);
  } catch (error) {
    return refuse(`Your key cannot be used: ${error instanceof CheckoutError ? error.message : 'unreadable'}`, null, false);
  }
  if (payload.address !== address) return refuse(`Your key does not derive ${String(payload.address)} at index ${String(payload.index)}.`, address);

  const rest = createRestClient(typeof options.api === 'string' ? [options.api] : options.api, { fetch, now: Date.now });
  let tipHeight: number;
  let onChain;
  try {
    [tipHeight, { txs: onChain }] = await Promise.all([fetchTipHeight(rest), fetchAddressTxs(rest, address)]);
  } catch (error) {
    return refuse(`The API could not be read: ${(error as Error).message}`, address, false);
  }
  // Only the transactions the call names count (older history on the address does not);
  // a call that names none is checked against everything that paid the address.
  const claimed = Array.isArray(payload.txids) ? (payload.txids as unknown[]).map(String) : null;
  const number = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);
  const expectedSats = options.expectedSats ?? number(payload.expectedSats) ?? 0;
  const shared = !options.exclusive;
  const policy = { expectedSats, shared, confirmations: options.confirmations ?? 1, toleranceBasisPoints: options.toleranceBasisPoints ?? 0, expiresAt: null };
  const named = onChain.filter((tx) => tx.valueSats > 0 && (!claimed || claimed.includes(tx.txid)));
  const { counted, unmatched } = attributePayments(named, policy);
  const missing = claimed?.filter((txid) => !named.some((tx) => tx.txid === txid)) ?? [];
  // The widget never names a payment that does not count: one that is named is another buyer's.
  const othersNamed = claimed ? unmatched : [];
  const invoice = summarizeInvoice(
    { id: '', address, index: payload.index as number, network: 'mainnet', orderId: null, createdAt: 0, tagSats: 0, fiat: null },
    policy,
    { baseline: [], txs: counted, tipHeight, expired: false },
  );
  const claimedSats = typeof payload.receivedSats === 'number' ? payload.receivedSats : 0;
  const contradicted = missing.length > 0 || othersNamed.length > 0 || claimedSats > invoice.receivedSats;
  let reason: string | null = null;
  if (missing.length) reason = `The chain does not show ${missing.join(', ')} paying ${address}.`;
  else if (othersNamed.length) {
    const paid = othersNamed.map((tx) => `${tx.txid} pays ${tx.valueSats} sats`).join('; ');
    reason = `${paid}, not exactly the ${expectedSats} this invoice asks: on an address other buyers may share, only the exact amount counts (another buyer's payment, or a wrong amount to settle by hand).`;
  } else if (claimedSats > invoice.receivedSats) reason = `The call claims ${claimedSats} sats; the chain shows ${invoice.receivedSats}.`;
  else if (shared && !expectedSats) reason = 'An open amount on an address other buyers may share cannot be told apart from their payments.';
  else if (invoice.status === 'underpaid' || invoice.status === 'awaiting') reason = `Underpaid: ${invoice.receivedSats} of ${expectedSats} sats.`;
  else if (invoice.status !== 'paid') reason = `${invoice.confirmations} of ${invoice.requiredConfirmations} confirmations.`;
  return {
    ok: reason === null,
    status: invoice.status,
    address,
    receivedSats: invoice.receivedSats,
    confirmedSats: invoice.confirmedSats,
    confirmations: invoice.confirmations,
    txids: invoice.txids,
    reason,
    contradicted,
  };
}
