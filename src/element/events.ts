/**
 * The events `<btc-checkout>` fires. All bubble and cross the shadow root (composed), and none
 * is cancelable: they report what happened.
 * @module
 */
import type { ErrorCode, ErrorSource } from '../core/errors.js';
import type { Invoice, InvoiceStatus, UnmatchedPayment } from '../core/invoice.js';
import type { DeliveryRecord } from '../core/outbox.js';

export interface StatusDetail {
  readonly status: InvoiceStatus;
  readonly previous: InvoiceStatus;
  /** Frozen snapshot; null before an invoice exists (configuration errors). */
  readonly invoice: Invoice | null;
}

export interface ErrorDetail {
  readonly message: string;
  /** The attribute to fix (`xpub`, `amount`, …) or the subsystem (`chain`, `webhook`, …). */
  readonly source: ErrorSource;
  readonly code: ErrorCode;
}

const init: EventInit = { bubbles: true, composed: true, cancelable: false };

/** Fired on every change of `status`. */
export class BtcCheckoutStatusEvent extends Event {
  readonly detail: StatusDetail;
  constructor(detail: StatusDetail) {
    super('btc-checkout-status', init);
    this.detail = detail;
  }
}

/** Fired when the checkout cannot work: a configuration mistake or a failure at run time. */
export class BtcCheckoutErrorEvent extends Event {
  readonly detail: ErrorDetail;
  constructor(detail: ErrorDetail) {
    super('btc-checkout-error', init);
    this.detail = detail;
  }
}

/** Fired once per invoice (across reloads and tabs of one device), when the full amount has the confirmations asked for. */
export class BtcCheckoutPaidEvent extends Event {
  readonly detail: { readonly invoice: Invoice };
  constructor(invoice: Invoice) {
    super('btc-checkout-paid', init);
    this.detail = { invoice };
  }
}

/** Fired after each webhook delivery attempt, with its record (as in `el.deliveries`). */
export class BtcCheckoutWebhookEvent extends Event {
  readonly detail: DeliveryRecord;
  constructor(record: DeliveryRecord) {
    super('btc-checkout-webhook', init);
    this.detail = record;
  }
}

export interface UnmatchedDetail {
  readonly payment: UnmatchedPayment;
  readonly invoice: Invoice;
}

/** Fired when a payment reaches the address that does not count for this invoice (another amount, or an open amount on a shared address). */
export class BtcCheckoutUnmatchedEvent extends Event {
  readonly detail: UnmatchedDetail;
  constructor(detail: UnmatchedDetail) {
    super('btc-checkout-unmatched', init);
    this.detail = detail;
  }
}

/** Fired when the buyer says an unmatched payment was theirs (for the merchant to review; never a credit). */
export class BtcCheckoutClaimEvent extends Event {
  readonly detail: UnmatchedDetail;
  constructor(detail: UnmatchedDetail) {
    super('btc-checkout-claim', init);
    this.detail = detail;
  }
}

/** Each event's name and class: `addEventListener` on the element (or any ancestor) is typed by it. */
export interface BtcCheckoutEventMap {
  'btc-checkout-webhook': BtcCheckoutWebhookEvent;
  'btc-checkout-status': BtcCheckoutStatusEvent;
  'btc-checkout-error': BtcCheckoutErrorEvent;
  'btc-checkout-paid': BtcCheckoutPaidEvent;
  'btc-checkout-unmatched': BtcCheckoutUnmatchedEvent;
  'btc-checkout-claim': BtcCheckoutClaimEvent;
}

declare global {
  // The events bubble and are composed, so every element and the document hear them.
  interface GlobalEventHandlersEventMap extends BtcCheckoutEventMap {}
}
