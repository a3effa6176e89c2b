/**
 * Every failure the checkout can report. `code` is stable (for programs and translations),
 * `source` names the attribute to fix or the subsystem that failed, and `message` is a
 * sentence a merchant can act on. Messages never repeat the offending input: it may be a
 * private key pasted by mistake.
 * @module
 */

/** Where an error came from: the attribute to fix, or the subsystem at run time. */
export type ErrorSource =
  | 'xpub'
  | 'address'
  | 'address-type'
  | 'network'
  | 'index'
  | 'index-url'
  | 'exact-amount'
  | 'price-token'
  | 'item'
  | 'label'
  | 'message'
  | 'amount'
  | 'currency'
  | 'expires'
  | 'confirmations'
  | 'tolerance'
  | 'api'
  | 'ws'
  | 'webhook'
  | 'webhook-format'
  | 'return-url'
  | 'order-id'
  | 'gap-limit'
  | 'rates'
  | 'lightning'
  | 'lightning-proxy'
  | 'lightning-unverified'
  | 'chain'
  | 'allocation'
  | 'storage';

/** Machine-readable reason. */
export type ErrorCode =
  | 'missing'
  | 'conflict'
  | 'private-key'
  | 'seed-phrase'
  | 'checksum'
  | 'length'
  | 'version'
  | 'invalid-key'
  | 'multisig'
  | 'unsupported'
  | 'hardened'
  | 'not-ranged'
  | 'syntax'
  | 'network-mismatch'
  | 'invalid'
  | 'out-of-range'
  | 'unavailable'
  | 'exhausted'
  | 'expired'
  | 'insecure'
  | 'credentials'
  | 'http'
  | 'mismatch';

/** An error the checkout reports in its UI and in a `btc-checkout-error` event. */
export class CheckoutError extends Error {
  readonly code: ErrorCode;
  readonly source: ErrorSource;
  constructor(source: ErrorSource, code: ErrorCode, message: string) {
    super(message);
    this.name = 'CheckoutError';
    this.source = source;
    this.code = code;
  }
}

/** Throws a {@link CheckoutError}; reads well inside expressions. */
export function fail(source: ErrorSource, code: ErrorCode, message: string): never {
  throw new CheckoutError(source, code, message);
}
