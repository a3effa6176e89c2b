/**
 * `btc-checkout`: the `<btc-checkout>` element, registered on import (`btc-checkout/element` has
 * the same without registering). The DOM-free logic is at `btc-checkout/core`.
 * @module
 */
import './define.js';

export * from './element.js';
// Derivation, for pages that want the address a checkout shows (on a receipt, say) without the
// whole core; the CDN file carries it anyway, and its tests derive the BIP vectors through it
// (the CDN file has its own public-key-only curve).
export { deriveAddress, parseAccount } from './core/account.js';
export type { ReceiveAccount } from './core/account.js';
