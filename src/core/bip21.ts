/**
 * BIP 21 payment URIs: `bitcoin:<address>?amount=<BTC>&label=<text>&message=<text>`.
 * @module
 */
import { formatBtc, parseAmount } from './amount.js';
import { CheckoutError } from './errors.js';

export interface PaymentRequest {
  readonly address: string;
  /** Amount in satoshis; omitted for an open amount. */
  readonly sats?: number | null;
  readonly label?: string | null;
  readonly message?: string | null;
  /** A BOLT 11 invoice for the same payment: wallets that speak Lightning pay it instead (the unified QR BTCPay and others use). */
  readonly lightning?: string | null;
}

/**
 * Builds a BIP 21 URI. Values are percent-encoded (RFC 3986) and the amount is in BTC
 * with no trailing zeros or exponent. With `forQr`, a bech32 address is written in upper case:
 * BIP 173 allows it, and it lets the QR code use its denser alphanumeric mode.
 * @example formatBip21({ address: 'bc1q…', sats: 150000, label: 'Shop' })
 *   // 'bitcoin:bc1q…?amount=0.0015&label=Shop'
 */
export function formatBip21(request: PaymentRequest, forQr = false): string {
  const { address, sats, label, message, lightning } = request;
  const params: string[] = [];
  if (sats) params.push(`amount=${formatBtc(sats)}`);
  if (label) params.push(`label=${encodeURIComponent(label)}`);
  if (message) params.push(`message=${encodeURIComponent(message)}`);
  // bech32 too, so upper case in a QR code as the address (BOLT 11 allows either case).
  if (lightning) params.push(`lightning=${forQr ? lightning.toUpperCase() : lightning}`);
  const shown = forQr && /^(bc|tb|bcrt)1/.test(address) ? address.toUpperCase() : address;
  return `bitcoin:${shown}${params.length ? `?${params.join('&')}` : ''}`;
}

export interface ParsedBip21 extends PaymentRequest {
  /** Every parameter, decoded, including ones this module does not interpret. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a BIP 21 URI. Refuses unknown `req-` parameters, as BIP 21 requires.
 * @throws {CheckoutError} when the URI is not a valid payment request.
 */
export function parseBip21(uri: string): ParsedBip21 {
  const match = /^bitcoin:([^?]+)(?:\?(.*))?$/i.exec(uri.trim());
  if (!match) throw new CheckoutError('address', 'invalid', 'Not a bitcoin: URI.');
  const params: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (name.startsWith('req-')) {
      throw new CheckoutError('address', 'unsupported', `The payment request requires "${name}", which is not understood.`);
    }
    params[name] = decodeURIComponent(value);
  }
  return {
    address: match[1]!,
    sats: params.amount === undefined ? null : parseAmount(params.amount, 'BTC'),
    label: params.label ?? null,
    message: params.message ?? null,
    params,
  };
}
