/**
 * `btc-checkout`: the `<btc-checkout>` element, registered on import.
 * The DOM-free logic is at `btc-checkout/core`.
 * @module
 */
export { defineBtcCheckout } from './define.js';
export { BtcCheckout } from './element/btc-checkout.js';
export { BtcCheckoutErrorEvent, BtcCheckoutPaidEvent, BtcCheckoutStatusEvent, BtcCheckoutWebhookEvent } from './element/events.js';
export type { ErrorDetail, StatusDetail } from './element/events.js';
export type { Messages } from './element/messages.js';
// Derivation, for pages that want the address a checkout shows (on a receipt, say) without the
// whole core; the CDN file carries it anyway, and its tests derive the BIP vectors through it
// (the CDN file has its own public-key-only curve).
export { deriveAddress, parseAccount } from './core/account.js';
export type { ReceiveAccount } from './core/account.js';
export type { Invoice, InvoiceStatus } from './core/invoice.js';
export type { CheckoutEffects } from './core/checkout.js';
export type { DeliveryRecord } from './core/outbox.js';
