/**
 * Signed price tokens: how a static site states a price that the buyer cannot change.
 *
 * The page is the buyer's: they can edit `amount` before paying. So when the site is built, the
 * merchant signs each price (`btc-checkout-price`) with a key only their server knows, and puts
 * the token on the page (`price-token`). The element takes the price from it and sends it in
 * every webhook; the receiver (or `verifyPayment` with `priceKey`) checks the signature and takes
 * the price from the token, never from the call. An edited token no longer verifies.
 *
 * A token is `bcp1.<payload>.<mac>`: the payload is the price as JSON
 * (`{"amount":"25","currency":"USD","item":"sku-1","expires":1798675200}`), base64url; the mac is
 * HMAC-SHA256 under the merchant's key of `bcp1.<payload>`, base64url. It is not secret: anyone
 * may read it, nobody without the key can make one.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlnopad, utf8 } from '@scure/base';
import { parseCurrency, parseDecimal } from './amount.js';
import { CheckoutError, fail } from './errors.js';

/** A price as the merchant signed it. */
export interface Price {
  /** A plain decimal in `currency`, e.g. `25` or `0.0015`. */
  readonly amount: string;
  /** `BTC`, `sats` or an ISO 4217 code. */
  readonly currency: string;
  /** The merchant's reference for what is sold (a SKU, a page), if any. */
  readonly item?: string;
  /** Unix seconds after which the token is no longer accepted, if any. */
  readonly expires?: number;
}

const PREFIX = 'bcp1';
const invalid = (): never => fail('price-token', 'invalid', 'price-token is not a price token made by btc-checkout-price.');

/** Checks a price's fields, normalising the currency; throws `price-token`/`invalid` otherwise. */
function checkPrice(value: unknown): Price {
  const price = value as Partial<Price> | null;
  if (!price || typeof price !== 'object' || typeof price.amount !== 'string' || typeof price.currency !== 'string') return invalid();
  try {
    if (!parseDecimal(price.amount).units) return invalid();
    const currency = parseCurrency(price.currency);
    if (price.item !== undefined && (typeof price.item !== 'string' || price.item.length > 128)) return invalid();
    if (price.expires !== undefined && !Number.isSafeInteger(price.expires)) return invalid();
    return {
      amount: price.amount.trim(),
      currency,
      ...(price.item === undefined ? {} : { item: price.item }),
      ...(price.expires === undefined ? {} : { expires: price.expires }),
    };
  } catch (error) {
    if (error instanceof CheckoutError && error.source === 'price-token') throw error;
    return invalid();
  }
}

/** The price a token states, without checking its signature (the page cannot: it has no key). */
export function readPriceToken(token: string): Price {
  const [prefix, payload, mac, extra] = token.trim().split('.');
  if (prefix !== PREFIX || !payload || !mac || extra !== undefined) return invalid();
  let value: unknown;
  try {
    value = JSON.parse(utf8.encode(base64urlnopad.decode(payload)));
  } catch {
    return invalid();
  }
  return checkPrice(value);
}

/** The merchant's key from its text form (64 hex digits), or bytes as they are. */
const keyBytes = (key: string | Uint8Array): Uint8Array => {
  if (typeof key !== 'string') return key;
  if (!/^[0-9a-f]{64}$/i.test(key.trim())) throw new TypeError('A price key is 64 hex digits (btc-checkout-price --new-key).');
  return hexToBytes(key.trim().toLowerCase());
};

const macOf = (key: string | Uint8Array, signed: string): string => base64urlnopad.encode(hmac(sha256, keyBytes(key), utf8ToBytes(signed)));

/** A new random key (64 hex digits): keep it on your server only. */
export const newPriceKey = (): string => bytesToHex(randomBytes(32));

/**
 * Signs `price` with the merchant's `key`.
 * @example signPrice({ amount: '25', currency: 'USD', item: 'mug' }, process.env.PRICE_KEY)
 */
export function signPrice(price: Price, key: string | Uint8Array): string {
  const checked = checkPrice(price);
  const payload = base64urlnopad.encode(utf8ToBytes(JSON.stringify(checked)));
  return `${PREFIX}.${payload}.${macOf(key, `${PREFIX}.${payload}`)}`;
}

/**
 * The price in `token` if `key` signed it and it has not expired at `now` (Unix ms); otherwise
 * null with the reason.
 */
export function verifyPriceToken(
  token: unknown,
  key: string | Uint8Array,
  now: number,
): { price: Price; reason: null } | { price: null; reason: string } {
  if (typeof token !== 'string' || !token) return { price: null, reason: 'The call carries no price token.' };
  let price: Price;
  try {
    price = readPriceToken(token);
  } catch {
    return { price: null, reason: 'The price token cannot be read.' };
  }
  const [prefix, payload, mac] = token.trim().split('.');
  // Constant time is not needed: the mac is not secret, and a forger learns nothing from timing.
  if (macOf(key, `${prefix}.${payload}`) !== mac)
    return { price: null, reason: 'The price token is not signed with your key: the price was changed.' };
  if (price.expires !== undefined && price.expires * 1000 < now) return { price: null, reason: 'The price token has expired.' };
  return { price, reason: null };
}
