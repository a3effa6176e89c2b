/**
 * `btc-checkout/core`: the DOM-free logic of the checkout. Runs unchanged in Node 20+,
 * browsers and edge runtimes; every effect is passed in. An explicit list: what is here is the
 * public API, and a name left out is an internal that may change.
 * @module
 */
export { CheckoutError } from './errors.js';
export type { ErrorCode, ErrorSource } from './errors.js';
export { NETWORKS, isNetworkName } from './networks.js';
export type { Network, NetworkName } from './networks.js';
export { isPrivateKeyError, parseExtendedKey, refusePrivateMaterial } from './keys.js';
export type { ExtendedKey, ScriptType } from './keys.js';
export { descriptorChecksum, parseDescriptor } from './descriptor.js';
export type { Descriptor } from './descriptor.js';
export { deriveAddress, encodeAddress, parseAccount } from './account.js';
export type { AccountOptions, ReceiveAccount } from './account.js';
export { parseAddress } from './address.js';
export type { ParsedAddress } from './address.js';
export { MAX_SATS, SATS_PER_BTC, formatBtc, parseAmount } from './amount.js';
export { formatBip21, parseBip21 } from './bip21.js';
export type { PaymentRequest } from './bip21.js';
export { parseConfig } from './config.js';
export type { CheckoutConfig, CheckoutInput } from './config.js';
export { EMPTY_WATCH, REORG_DEPTH, TAG_MAX_SATS, attributePayments, reduceWatch, summarizeInvoice } from './invoice.js';
export type { ChainEvent, ChainTx, Invoice, InvoiceStatus, UnmatchedPayment, WatchState } from './invoice.js';
export { createCheckout } from './checkout.js';
export type { Checkout, CheckoutEffects, CheckoutState, PaymentView } from './checkout.js';
export type { Clock, FetchLike, RequestInitLike, ResponseLike, SocketLike, Timers } from './effects.js';
export { HttpError, createRestClient } from './http.js';
export type { RestClient } from './http.js';
export { fetchAddressTxs, fetchTipHeight, fetchTx } from './chain/esplora.js';
export { openAddressSocket } from './chain/mempool-socket.js';
export type { AddressSocket } from './chain/mempool-socket.js';
export { watchAddress } from './chain/watcher.js';
export type { AddressWatcher, Connection } from './chain/watcher.js';
export { memoryStore, safeStore } from './store.js';
export type { Store } from './store.js';
export { WEBHOOK_FORMATS, planWebhooks, webhookPayload } from './webhook.js';
export type { Delivery, WebhookFormat, WebhookPayload } from './webhook.js';
export { createOutbox } from './outbox.js';
export type { DeliveryRecord, Outbox, OutboxEffects } from './outbox.js';
export { verifyPayment } from './verify.js';
export type { VerifyOptions, VerifyResult } from './verify.js';
export { allocateIndex, findLastUsed } from './allocate.js';
export type { Allocation, AllocationOptions } from './allocate.js';
export { fetchHistoricalPrice, fetchPrice, fiatToSats } from './rates.js';
