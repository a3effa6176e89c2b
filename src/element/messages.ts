/**
 * Every string the element shows, in one typed catalogue. Parameterised strings are functions,
 * so translations can order words as their language needs.
 * @module
 */
export interface Messages {
  readonly loading: string;
  readonly awaiting: string;
  readonly underpaid: (received: string, total: string) => string;
  readonly unconfirmed: string;
  readonly confirming: (confirmations: number, required: number) => string;
  readonly paid: string;
  readonly received: string;
  readonly expired: string;
  /** Expired with nothing received. */
  readonly expiredEmpty: string;
  /** Expired with part of the amount received. */
  readonly expiredPartial: (received: string) => string;
  /** The full amount arrived after expiry. */
  readonly late: string;
  readonly orderReference: (orderId: string) => string;
  readonly error: string;
  readonly errorHeading: string;
  readonly countdown: (msLeft: number) => string;
  readonly notice: (problem: string) => string;
  readonly copied: string;
  readonly copyAddress: string;
  readonly copyAmount: string;
  readonly openWallet: string;
  readonly addressHeading: string;
  readonly qrLabel: (amount: string | null, address: string) => string;
  readonly sats: (amount: string) => string;
  /** The amount tag (1–99 sats) that tells this payment apart from another buyer's. */
  readonly tag: (sats: number) => string;
  /** A payment at the address that does not count for this request (another amount). */
  readonly unmatched: (amount: string) => string;
  /** A payment at an open-amount address others are shown too: it cannot be told to be this buyer's. */
  readonly unmatchedOpen: (amount: string) => string;
  readonly copyTxid: string;
  /** The button that tells the shop an unmatched payment was the buyer's. */
  readonly claim: string;
  /** After the buyer claimed an unmatched payment. */
  readonly claimed: string;
}

export const en: Messages = {
  loading: 'Preparing your payment request…',
  awaiting: 'Waiting for your payment.',
  underpaid: (received, total) => `${received} of ${total} BTC received. Please send the rest.`,
  unconfirmed: 'Payment received. Waiting for the first confirmation.',
  confirming: (confirmations, required) => `Payment confirming: ${confirmations} of ${required} confirmations.`,
  paid: 'Paid. Thank you!',
  received: 'Payment received',
  expired: 'This payment request has expired.',
  expiredEmpty: 'Please do not pay to it any more; start a new payment instead.',
  expiredPartial: (received) => `${received} BTC arrived before it expired. Please contact the merchant to settle the rest.`,
  late: 'Your payment arrived after the request expired. It is safe in the merchant’s wallet: please contact them to settle the order.',
  orderReference: (orderId) => `Order ${orderId}`,
  error: 'This checkout cannot take payments right now.',
  errorHeading: 'This checkout is not working',
  countdown: (msLeft) => {
    if (msLeft > 300_000) return `Pay within ${Math.ceil(msLeft / 60_000)} minutes`;
    const seconds = Math.max(Math.ceil(msLeft / 1000), 0);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left to pay`;
  },
  notice: (problem) => `${problem} Retrying…`,
  copied: 'Copied',
  copyAddress: 'Copy address',
  copyAmount: 'Copy amount',
  openWallet: 'Open in wallet',
  addressHeading: 'Address',
  qrLabel: (amount, address) => `QR code: pay ${amount ? `${amount} BTC ` : ''}to ${address}`,
  sats: (amount) => `${amount} sats`,
  tag: (sats) => `Includes ${sats} sats that mark this payment as yours. Please pay the exact amount.`,
  unmatched: (amount) =>
    `A payment of ${amount} BTC reached this address, but it is not the exact amount of this request, so it does not count for it. If you sent it, contact the shop with its transaction id; if not, it is another customer's and you can ignore it.`,
  unmatchedOpen: (amount) =>
    `A payment of ${amount} BTC reached this address. Other visitors are shown this address too, so this page cannot tell whether it was yours. If you sent it, you can tell the shop.`,
  copyTxid: 'Copy transaction id',
  claim: 'This was my payment',
  claimed: 'The shop has been told this payment is yours. They will check it and settle your order by hand.',
};
