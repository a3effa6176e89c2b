/**
 * Webhooks: what to tell the merchant's server when an invoice changes, in the format its
 * receiver already speaks, delivered at least once.
 *
 * - `json`: POST, body as text/plain (a CORS "simple request": no preflight), on every status
 *   change, the first one (`awaiting`) included; also when a payment arrives that does not match
 *   the invoice (`unmatched`), and when the buyer says such a payment was theirs (`claimed`).
 * - `blockonomics`: GET with `status` (0 unconfirmed, 1 partially confirmed, 2 confirmed),
 *   `addr`, `value`, `txid`, `rbf`, per transaction that counts for the invoice, as Blockonomics'
 *   HTTP callback does.
 * - `blockchain-info`: GET keeping the URL's own parameters and adding `transaction_hash`,
 *   `address`, `confirmations`, `value`, per transaction that counts and new confirmation, until
 *   the receiver answers exactly `*ok*`, as Blockchain.com's Receive Payments API v2 does.
 *
 * The GET formats only ever report payments that count: they have no field for "this one does
 * not", and a receiver written for them would credit the order with it.
 *
 * A browser cannot keep a secret, so anyone can forge such a call: receivers must check it
 * against the chain (`verifyPayment` in btc-checkout/verify) before trusting it.
 * @module
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  confirmationsOf,
  summarizeInvoice,
  type FiatPrice,
  type Invoice,
  type InvoiceBase,
  type InvoicePolicy,
  type InvoiceStatus,
  type UnmatchedPayment,
  type WatchState,
} from './invoice.js';

export type WebhookFormat = 'json' | 'blockonomics' | 'blockchain-info';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'blockonomics', 'blockchain-info'];

export interface Webhook {
  readonly url: string;
  readonly format: WebhookFormat;
}

/** One transaction paying the invoice, as webhooks report it. */
export interface Payment {
  readonly txid: string;
  readonly valueSats: number;
  readonly confirmations: number;
  readonly rbf: boolean;
}

/** What a webhook is computed from: the invoice and the transactions that count for it, at one moment. */
export interface Snapshot {
  readonly invoice: Invoice;
  readonly payments: readonly Payment[];
}

/** The invoice and its counted payments, from the invoice's terms and the chain's state. */
export function snapshotOf(base: InvoiceBase, policy: InvoicePolicy, watch: WatchState, claims: readonly string[] = []): Snapshot {
  const invoice = summarizeInvoice(base, policy, watch, claims);
  const payments = watch.txs
    .filter((tx) => invoice.txids.includes(tx.txid))
    .map((tx) => ({ txid: tx.txid, valueSats: tx.valueSats, rbf: tx.rbf, confirmations: confirmationsOf(tx, watch.tipHeight) }));
  return { invoice, payments };
}

/** One call to make, kept in the outbox until it is delivered. */
export interface Delivery {
  /** Stable for the same event, so the outbox and the receiver can drop duplicates. */
  readonly id: string;
  readonly url: string;
  readonly format: WebhookFormat;
  readonly body: string | null;
  /** Transaction a blockchain-info call reports; an `*ok*` answer ends the calls for it. */
  readonly txid: string | null;
  readonly createdAt: number;
  attempt: number;
  /** Not before (epoch ms); also a lease while one page sends it. */
  due: number;
  /** The last answer's status while it is retried (0: no answer). */
  status?: number;
}

/**
 * Why a `json` webhook was sent: the status changed; a payment arrived that does not count for
 * the invoice; the buyer said such a payment was theirs (for the merchant to review, never a
 * credit); a payment that counts arrived without changing the status (another part while
 * underpaid; after a full payment by either route, on-chain or Lightning: an overpayment).
 */
export type WebhookEvent = 'status' | 'unmatched' | 'claimed' | 'payment';

/** The body of a `json` webhook. */
export interface WebhookPayload {
  readonly id: string;
  readonly event: WebhookEvent;
  readonly invoiceId: string;
  readonly status: InvoiceStatus;
  readonly previousStatus: InvoiceStatus;
  readonly orderId: string | null;
  /** The merchant's reference for what is sold (the `item` attribute or the token's), for its price list. */
  readonly item: string | null;
  /** The merchant's signed price the invoice was made from: the receiver checks it and takes the price from it. */
  readonly priceToken: string | null;
  /** For a fiat price: the amount and currency, and the rate the page locked (checked against the price history). */
  readonly fiat: FiatPrice | null;
  readonly address: string;
  readonly index: number | null;
  readonly network: string;
  /**
   * Whether other buyers may be shown this address, as the page says: a hint for the merchant,
   * never to be trusted (verifyPayment takes it from the merchant's own configuration).
   */
  readonly shared: boolean;
  /** Includes `tagSats`, the amount tag of an invoice on a shared address (0 without). */
  readonly expectedSats: number;
  readonly tagSats: number;
  readonly receivedSats: number;
  readonly confirmedSats: number;
  readonly confirmations: number;
  readonly requiredConfirmations: number;
  /** The transactions that count for the invoice. */
  readonly txids: readonly string[];
  /** Payments to the address that do not count for it: settle them by hand if they are the buyer's. */
  readonly unmatched: readonly UnmatchedPayment[];
  /** The unmatched transaction the buyer claimed (`claimed` events), else null. */
  readonly claimedTxid: string | null;
  readonly late: boolean;
  readonly overpaid: boolean;
  /** How it was paid (null while unpaid): with `lightning`, `txids` is empty unless on-chain paid too. */
  readonly method: 'onchain' | 'lightning' | null;
  /**
   * The Lightning payment, when one was made (an overpayment when `method` is `onchain`): check it
   * with verifyPayment, which asks the verify URL itself and checks the preimage and amount.
   */
  readonly lightning: {
    readonly bolt11: string;
    readonly paymentHash: string;
    readonly verify: string | null;
    readonly preimage: string;
  } | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly timestamp: number;
}

/** A short, stable hash of `text` (128 bits of sha256, in hex). */
export const digest = (text: string): string => bytesToHex(sha256(utf8ToBytes(text))).slice(0, 32);

/** Appends query parameters, keeping the URL's own (Blockchain.com passes them back). */
export function withQuery(url: string, params: Record<string, string | number>): string {
  const [base = '', fragment] = url.split('#');
  const query = Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base}${base.includes('?') ? '&' : '?'}${query}${fragment === undefined ? '' : `#${fragment}`}`;
}

/** Blockonomics' status of one transaction: 0 unconfirmed, 1 partially confirmed, 2 confirmed. */
const blockonomicsStatus = (payment: Payment, required: number): 0 | 1 | 2 =>
  payment.confirmations === 0 ? 0 : payment.confirmations >= Math.max(required, 1) ? 2 : 1;

/** The `json` body for an event. */
export function webhookPayload(
  previous: Snapshot | null,
  next: Snapshot,
  now: number,
  event: WebhookEvent = 'status',
  claimedTxid: string | null = null,
): WebhookPayload {
  const { invoice } = next;
  const { lightning } = invoice;
  const sorted = (txids: readonly string[]): string => [...txids].sort().join(',');
  return {
    id: digest(
      `${invoice.id}|${event}|${invoice.status}|${sorted(invoice.txids)}|${sorted(invoice.unmatched.map((payment) => payment.txid))}|${claimedTxid ?? ''}${lightning ? `|${lightning.paymentHash}` : ''}`,
    ),
    event,
    invoiceId: invoice.id,
    status: invoice.status,
    previousStatus: previous?.invoice.status ?? 'loading',
    orderId: invoice.orderId,
    item: invoice.item,
    priceToken: invoice.priceToken,
    fiat: invoice.fiat,
    address: invoice.address,
    index: invoice.index,
    network: invoice.network,
    shared: invoice.shared,
    expectedSats: invoice.expectedSats,
    tagSats: invoice.tagSats,
    receivedSats: invoice.receivedSats,
    confirmedSats: invoice.confirmedSats,
    confirmations: invoice.confirmations,
    requiredConfirmations: invoice.requiredConfirmations,
    txids: invoice.txids,
    unmatched: invoice.unmatched,
    claimedTxid,
    late: invoice.late,
    overpaid: invoice.overpaid,
    method: invoice.method,
    lightning: lightning && {
      bolt11: lightning.bolt11,
      paymentHash: lightning.paymentHash,
      verify: lightning.verify,
      preimage: lightning.preimage,
    },
    createdAt: invoice.createdAt,
    expiresAt: invoice.expiresAt,
    timestamp: now,
  };
}

/**
 * The deliveries a change from `previous` to `next` calls for. Pure: the same change always plans
 * the same deliveries, with the same ids.
 */
export function planWebhooks(
  webhook: Webhook,
  previous: Snapshot | null,
  next: Snapshot,
  acked: ReadonlySet<string>,
  now: number,
): Delivery[] {
  const { invoice } = next;
  if (invoice.status === 'loading' || invoice.status === 'error') return [];
  const earlier = previous?.invoice;
  const delivery = (id: string, url: string, body: string | null = null, txid: string | null = null): Delivery => ({
    id,
    url,
    format: webhook.format,
    body,
    txid,
    createdAt: now,
    attempt: 0,
    due: now,
  });
  if (webhook.format === 'json') {
    const arrived = invoice.unmatched.some((payment) => !earlier?.unmatched.some((old) => old.txid === payment.txid));
    const event: WebhookEvent | null =
      !earlier || earlier.status !== invoice.status
        ? 'status'
        : arrived
          ? 'unmatched'
          : invoice.txids.join() !== earlier.txids.join() || (invoice.lightning && !earlier.lightning)
            ? 'payment'
            : null;
    if (!event) return [];
    const payload = webhookPayload(previous, next, now, event);
    return [delivery(payload.id, webhook.url, JSON.stringify(payload))];
  }
  const before = new Map(previous?.payments.map((payment) => [payment.txid, payment]));
  const planned: Delivery[] = [];
  for (const payment of next.payments) {
    const old = before.get(payment.txid);
    if (webhook.format === 'blockonomics') {
      const status = blockonomicsStatus(payment, invoice.requiredConfirmations);
      if (old && blockonomicsStatus(old, invoice.requiredConfirmations) === status) continue;
      const params = { status, addr: invoice.address, value: payment.valueSats, txid: payment.txid, rbf: payment.rbf ? 1 : 0 };
      planned.push(delivery(digest(`${invoice.id}|${payment.txid}|${status}`), withQuery(webhook.url, params)));
    } else if (!acked.has(payment.txid) && old?.confirmations !== payment.confirmations) {
      const params = {
        transaction_hash: payment.txid,
        address: invoice.address,
        confirmations: payment.confirmations,
        value: payment.valueSats,
      };
      planned.push(
        delivery(digest(`${invoice.id}|${payment.txid}|${payment.confirmations}`), withQuery(webhook.url, params), null, payment.txid),
      );
    }
  }
  return planned;
}

/**
 * The `claimed` call for an unmatched payment the buyer says is theirs (json only: the GET
 * formats would credit the order with it).
 */
export function planClaim(webhook: Webhook, snapshot: Snapshot, txid: string, now: number): Delivery[] {
  if (webhook.format !== 'json') return [];
  const payload = webhookPayload(snapshot, snapshot, now, 'claimed', txid);
  return [
    { id: payload.id, url: webhook.url, format: 'json', body: JSON.stringify(payload), txid: null, createdAt: now, attempt: 0, due: now },
  ];
}
