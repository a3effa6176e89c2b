import { BtcCheckout } from './element/btc-checkout.js';

/**
 * Registers `<btc-checkout>`. Harmless to call, or to load the script, more than once: an
 * existing definition of the tag is kept.
 */
export function defineBtcCheckout(tag = 'btc-checkout', registry: CustomElementRegistry = customElements): typeof BtcCheckout {
  if (!registry.get(tag)) registry.define(tag, BtcCheckout);
  return BtcCheckout;
}

defineBtcCheckout();

declare global {
  interface HTMLElementTagNameMap {
    'btc-checkout': BtcCheckout;
  }
}
