/**
 * Fiat prices: the `/v1/prices` shape of mempool.space (`{time, USD: 97123, EUR: …}`, the price of
 * one BTC, -1 when unavailable), from the API or from a `rates` URL.
 * @module
 */
import { parseDecimal, type Decimal } from './amount.js';
import { CheckoutError } from './errors.js';
import type { HttpError, RestClient } from './http.js';

/**
 * Satoshis for a fiat amount at a price per BTC, exactly: ⌈amount × 10⁸ ÷ price⌉ in integers, so
 * the buyer never pays a satoshi less than the price asks.
 * @example fiatToSats(parseDecimal('25'), parseDecimal('97123.45')) // 25741
 */
export function fiatToSats(amount: Decimal, price: Decimal): number {
  const numerator = amount.units * 10n ** BigInt(8 + price.scale);
  const denominator = price.units * 10n ** BigInt(amount.scale);
  return Number((numerator + denominator - 1n) / denominator);
}

/**
 * The price of one BTC in `currency`, read from `path` of `rest`. A source that does not know the
 * currency, or has no prices at all (every one -1 and no time: mempool on a test network, whose
 * price updater never runs), is a configuration error; a price of -1 for this currency alone is
 * "not right now" and worth waiting for.
 */
export async function fetchPrice(rest: RestClient, path: string, currency: string): Promise<Decimal> {
  let prices: Record<string, unknown>;
  try {
    prices = JSON.parse(await rest.get(path));
  } catch (error) {
    // Blockstream's Esplora (and any API that is not mempool's) has no prices at all.
    if ((error as HttpError).status === 404)
      throw new CheckoutError(
        'rates',
        'unsupported',
        'This API has no fiat prices (only mempool APIs have /v1/prices): set rates to a URL of prices, or add a mempool API.',
      );
    const why = error instanceof CheckoutError ? error.message : 'the price source did not answer with prices.';
    throw Object.assign(new CheckoutError('rates', 'unavailable', `No price for ${currency}: ${why}`), {
      retryAfterMs: (error as HttpError).retryAfterMs,
    });
  }
  if (!prices || typeof prices !== 'object')
    throw new CheckoutError('rates', 'unavailable', `No price for ${currency}: the price source did not answer with prices.`);
  const values = Object.entries(prices)
    .filter(([key]) => key !== 'time')
    .map(([, value]) => value);
  if (values.length && values.every((value) => value === -1) && !prices.time) {
    throw new CheckoutError(
      'rates',
      'unsupported',
      'This API has no fiat prices (mempool has none on test networks): set rates to a URL of prices, or price in BTC.',
    );
  }
  const price = prices[currency];
  if (price === undefined)
    throw new CheckoutError(
      'currency',
      'unsupported',
      `The price source has no prices in ${currency}: use one it has (USD, EUR, …) or set rates.`,
    );
  if (typeof price !== 'number' || !(price > 0)) {
    throw new CheckoutError(
      'rates',
      'unavailable',
      `No price for ${currency} ${price === -1 ? 'right now (the source marks it unavailable)' : 'from this source'}.`,
    );
  }
  // No currency prices a bitcoin below 1 unit or above 10^11 (IDR is about 10^9): such a price is
  // a broken or hostile source, and would ask the buyer for a wrong amount (B24).
  if (price < PLAUSIBLE_PRICE.min || price > PLAUSIBLE_PRICE.max) {
    throw new CheckoutError(
      'rates',
      'invalid',
      `The price source gives an implausible price for ${currency}: no request until it gives a real one.`,
    );
  }
  return parseDecimal(String(price), 'rates');
}

/** The range a price of one BTC can be in, in any currency. */
export const PLAUSIBLE_PRICE = { min: 1, max: 1e11 } as const;

/**
 * The price of one BTC in `currency` at `time` (Unix ms), from mempool's
 * `/v1/historical-price?currency=…&timestamp=…` on `rest` (the nearest price at or before it).
 */
export async function fetchHistoricalPrice(rest: RestClient, currency: string, time: number): Promise<Decimal> {
  let answer: { prices?: Record<string, unknown>[] } | null;
  try {
    answer = JSON.parse(
      await rest.get(`/v1/historical-price?currency=${encodeURIComponent(currency)}&timestamp=${Math.floor(time / 1000)}`),
    );
  } catch (error) {
    throw new CheckoutError(
      'rates',
      'unavailable',
      `No price history for ${currency}: ${error instanceof CheckoutError ? error.message : 'the source did not answer with prices.'}`,
    );
  }
  const price = answer?.prices?.[0]?.[currency];
  if (typeof price !== 'number' || !(price > 0))
    throw new CheckoutError('rates', 'unavailable', `No price history for ${currency} at that time.`);
  return parseDecimal(String(price), 'rates');
}
