/**
 * The checkout's configuration: raw attribute text in, a validated configuration out.
 * Every problem becomes a {@link CheckoutError} naming the attribute to fix.
 * @module
 */
import { checkIndex, parseAccount, type ReceiveAccount } from './account.js';
import { parseAddress } from './address.js';
import { parseAmount } from './amount.js';
import { fail } from './errors.js';
import type { NetworkName } from './networks.js';

/** Attribute values as the page wrote them; `null` or `''` means absent. */
export interface CheckoutInput {
  readonly xpub?: string | null;
  readonly address?: string | null;
  readonly addressType?: string | null;
  readonly network?: string | null;
  readonly index?: string | null;
  readonly amount?: string | null;
  readonly currency?: string | null;
  readonly label?: string | null;
  readonly message?: string | null;
}

export type Receiver =
  | { readonly kind: 'account'; readonly account: ReceiveAccount; readonly index: number | null }
  | { readonly kind: 'address'; readonly address: string };

export interface CheckoutConfig {
  readonly receiver: Receiver;
  readonly network: NetworkName;
  /** Amount asked for, or null for an open amount (a donation). */
  readonly amountSats: number | null;
  readonly label: string | null;
  readonly message: string | null;
}

const present = (value: string | null | undefined): value is string => value != null && value.trim() !== '';

/** Parses the `index` attribute: a whole number 0 ≤ i < 2^31, or null when absent. */
export function parseIndex(text: string | null | undefined): number | null {
  if (!present(text)) return null;
  if (!/^\s*\d+\s*$/.test(text)) {
    fail('index', 'out-of-range', 'index must be a whole number from 0 to 2147483647 (2^31 − 1).');
  }
  return checkIndex(Number(text));
}

/** Normalises `currency`: BTC (default) or sats. */
export function parseCurrency(text: string | null | undefined): 'BTC' | 'sats' {
  if (!present(text) || /^btc$/i.test(text.trim())) return 'BTC';
  if (/^sats?$/i.test(text.trim())) return 'sats';
  return fail('currency', 'unsupported', 'currency must be BTC or sats.');
}

/**
 * Validates the attributes of one checkout.
 * @throws {CheckoutError} for the first problem found, in the order a merchant would fix them.
 */
export function parseConfig(input: CheckoutInput): CheckoutConfig {
  const { xpub, address, addressType, network, index } = input;
  if (present(xpub) && present(address)) {
    fail('address', 'conflict', 'Set either xpub (to derive a new address per payment) or address (one fixed address), not both.');
  }
  let receiver: Receiver;
  let resolvedNetwork: NetworkName;
  if (present(xpub)) {
    const account = parseAccount(xpub, { network, addressType });
    receiver = { kind: 'account', account, index: parseIndex(index) };
    resolvedNetwork = account.network;
  } else if (present(address)) {
    if (present(addressType)) fail('address-type', 'conflict', 'address-type applies to an xpub; a fixed address already has its type.');
    if (present(index)) fail('index', 'conflict', 'index applies to an xpub; a fixed address has no index.');
    const parsed = parseAddress(address, network);
    receiver = { kind: 'address', address: parsed.address };
    resolvedNetwork = parsed.network;
  } else {
    return fail('xpub', 'missing', 'Set the xpub attribute (an extended public key or output descriptor from your wallet) or a fixed address.');
  }
  const currency = parseCurrency(input.currency);
  return {
    receiver,
    network: resolvedNetwork,
    amountSats: present(input.amount) ? parseAmount(input.amount, currency) : null,
    label: present(input.label) ? input.label.trim() : null,
    message: present(input.message) ? input.message.trim() : null,
  };
}
