/**
 * `btc-checkout/element`: the element's class, its events and `defineBtcCheckout`, with no side
 * effect: nothing is registered until the page calls `defineBtcCheckout(tag)`. For pages and
 * frameworks that choose the tag name, or define elements themselves.
 * @module
 */
export { BtcCheckout } from './element/btc-checkout.js';
export { defineBtcCheckout } from './element/register.js';
export {
  BtcCheckoutClaimEvent,
  BtcCheckoutErrorEvent,
  BtcCheckoutPaidEvent,
  BtcCheckoutStatusEvent,
  BtcCheckoutUnmatchedEvent,
  BtcCheckoutWebhookEvent,
} from './element/events.js';
export type { BtcCheckoutEventMap, ErrorDetail, StatusDetail, UnmatchedDetail } from './element/events.js';
export { registerLocales } from './element/messages.js';
export type { Messages, Plural } from './element/messages.js';
export type { Invoice, InvoiceStatus, UnmatchedPayment } from './core/invoice.js';
export type { CheckoutEffects } from './core/checkout.js';
export type { DeliveryRecord } from './core/outbox.js';
