/**
 * Registering the element under a tag name, without doing it on import (see `btc-checkout/element`).
 * @module
 */
import { BtcCheckout } from './btc-checkout.js';

/** The tags this class is defined as, per registry: one constructor can be defined only once in each. */
const tagsOf = new WeakMap<CustomElementRegistry, Set<string>>();

/**
 * Defines the checkout element as `tag` (default `btc-checkout`) in `registry` (default the
 * page's), and returns its class. Calling it again with a tag already defined keeps the existing
 * definition, so loading the script twice is harmless. Another tag name works too: the first
 * definition in a registry uses {@link BtcCheckout} itself, and each further name its own
 * subclass, as the registry allows one name per constructor.
 */
export function defineBtcCheckout(tag = 'btc-checkout', registry: CustomElementRegistry = customElements): typeof BtcCheckout {
  const existing = registry.get(tag);
  if (existing) return existing as typeof BtcCheckout;
  const tags = tagsOf.get(registry) ?? new Set<string>();
  tagsOf.set(registry, tags);
  // A registry that holds BtcCheckout under a name this module did not record (another copy of
  // the define call, say) answers getName; older browsers lack it, and then the define throws.
  const taken =
    tags.size > 0 || (registry as { getName?: (constructor: CustomElementConstructor) => string | null }).getName?.(BtcCheckout);
  const element = taken ? class extends BtcCheckout {} : BtcCheckout;
  registry.define(tag, element);
  tags.add(tag);
  return element;
}
