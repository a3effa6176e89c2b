/**
 * Money. Every amount inside the checkout is an integer number of satoshis; decimal text is
 * parsed and printed with string arithmetic (and BigInt for fiat), never with floats.
 * @module
 */
import { fail, type ErrorSource } from './errors.js';

export const SATS_PER_BTC = 100_000_000;
/** 21 million BTC, the most there can ever be; below 2^53, so a `number` holds it exactly. */
export const MAX_SATS: number = 21_000_000 * SATS_PER_BTC;

/** A non-negative decimal as an integer and a power of ten: `12.50` is `{units: 1250n, scale: 2}`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/**
 * Parses a plain positive decimal ("25", "0.0015", "19.99"). Refuses signs, exponents,
 * thousands separators and anything else a float parser would quietly accept.
 */
export function parseDecimal(text: string, source: ErrorSource = 'amount'): Decimal {
  const input = text.trim();
  if (input.startsWith('-')) fail(source, 'invalid', `${source} must be more than zero.`);
  if (/^[+\d.]*e/i.test(input)) {
    fail(source, 'invalid', `${source} must be a plain decimal like 0.0015, without an exponent.`);
  }
  if (input.includes(',')) {
    fail(source, 'invalid', `${source} must use a dot for decimals and no thousands separators.`);
  }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(input);
  if (!match || !/\d/.test(input)) fail(source, 'invalid', `${source} is not a number.`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return { units: BigInt((match[1] || '0') + fraction), scale: fraction.length };
}

/**
 * Parses an amount in BTC or in sats into integer satoshis.
 * @example parseAmount('0.0015', 'BTC') // 150000
 */
export function parseAmount(text: string, unit: 'BTC' | 'sats'): number {
  const { units, scale } = parseDecimal(text);
  if (unit === 'sats' && scale > 0) fail('amount', 'invalid', 'An amount in sats must be a whole number.');
  if (scale > 8) fail('amount', 'invalid', 'An amount in BTC has at most 8 decimals.');
  const sats = unit === 'sats' ? units : units * 10n ** BigInt(8 - scale);
  if (sats === 0n) fail('amount', 'invalid', 'amount must be more than zero.');
  if (sats > BigInt(MAX_SATS)) fail('amount', 'out-of-range', 'amount is more than 21 million BTC.');
  return Number(sats);
}

/**
 * Satoshis as a BTC decimal string with no trailing zeros and no exponent (as BIP 21 wants).
 * @example formatBtc(150000) // '0.0015'
 */
export function formatBtc(sats: number): string {
  const whole = Math.floor(sats / SATS_PER_BTC);
  const fraction = String(sats % SATS_PER_BTC)
    .padStart(8, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** A {@link Decimal} as text: `{units: 1250n, scale: 2}` is `12.5`… written `12.50`. */
export function formatDecimal({ units, scale }: Decimal): string {
  const digits = units.toString().padStart(scale + 1, '0');
  return scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
}

/** Normalises `currency`: BTC (default), sats, or an ISO 4217 code such as USD. */
export function parseCurrency(text: string | null | undefined): string {
  if (text == null || text.trim() === '' || /^btc$/i.test(text.trim())) return 'BTC';
  if (/^sats?$/i.test(text.trim())) return 'sats';
  if (/^[a-z]{3}$/i.test(text.trim())) return text.trim().toUpperCase();
  return fail('currency', 'unsupported', 'currency must be BTC, sats or a currency code such as USD.');
}

/** Whether two decimal texts are the same number (`25` and `25.00`). */
export function sameDecimal(a: string, b: string): boolean {
  const [x, y] = [parseDecimal(a), parseDecimal(b)];
  const scale = Math.max(x.scale, y.scale);
  return x.units * 10n ** BigInt(scale - x.scale) === y.units * 10n ** BigInt(scale - y.scale);
}
