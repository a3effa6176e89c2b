/**
 * `btc-checkout/define`: registers `<btc-checkout>` on import (harmless more than once).
 * @module
 */
import { BtcCheckout } from './element/btc-checkout.js';
import { defineBtcCheckout } from './element/register.js';

defineBtcCheckout();

declare global {
  interface HTMLElementTagNameMap {
    'btc-checkout': BtcCheckout;
  }
}
