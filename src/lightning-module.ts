/**
 * The CDN build's Lightning file (dist/btc-checkout-lightning.js): btc-checkout.js loads it only
 * for a checkout with a Lightning Address (see element/pinned-module.ts), so that on-chain
 * checkouts do not carry BOLT 11 and LNURL code.
 * @module
 */
import { createLightningSession } from './core/lightning-session.js';

const handOver = (globalThis as unknown as Record<symbol, ((exported: typeof createLightningSession) => void) | undefined>)[
  Symbol.for('btc-checkout:btc-checkout-lightning.js')
];
handOver?.(createLightningSession);
