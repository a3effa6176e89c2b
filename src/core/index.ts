/**
 * `btc-checkout/core`: the DOM-free logic of the checkout. Runs unchanged in Node 20+,
 * browsers and edge runtimes; every effect is passed in.
 * @module
 */
export * from './errors.js';
export * from './networks.js';
export * from './keys.js';
export * from './descriptor.js';
export * from './account.js';
export * from './address.js';
export * from './amount.js';
export * from './bip21.js';
export * from './config.js';
export * from './invoice.js';
export * from './checkout.js';
export * from './effects.js';
export * from './chain/http.js';
export * from './chain/esplora.js';
export * from './chain/mempool-socket.js';
export * from './chain/watcher.js';
export * from './store.js';
export * from './webhook.js';
export * from './verify.js';
export * from './allocate.js';
export * from './rates.js';
