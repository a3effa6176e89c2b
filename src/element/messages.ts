/**
 * Every string the element shows, in one typed catalogue. Parameterised strings are functions,
 * so translations can order words as their language needs.
 * @module
 */
import type { InvoiceStatus } from '../core/invoice.js';

export interface Messages {
  readonly status: Readonly<Record<InvoiceStatus, string>>;
  readonly copy: string;
  readonly copied: string;
  readonly copyAddress: string;
  readonly copyAmount: string;
  readonly openWallet: string;
  readonly addressHeading: string;
  readonly errorHeading: string;
  readonly qrLabel: (amount: string | null, address: string) => string;
  readonly sats: (amount: string) => string;
}

export const en: Messages = {
  status: {
    loading: 'Preparing your payment request…',
    awaiting: 'Waiting for your payment.',
    underpaid: 'Part of the amount has arrived. Please send the rest.',
    unconfirmed: 'Payment received. Waiting for confirmation.',
    confirming: 'Payment confirming.',
    paid: 'Paid. Thank you!',
    expired: 'This payment request has expired.',
    error: 'This checkout cannot take payments right now.',
  },
  copy: 'Copy',
  copied: 'Copied',
  copyAddress: 'Copy address',
  copyAmount: 'Copy amount',
  openWallet: 'Open in wallet',
  addressHeading: 'Address',
  errorHeading: 'This checkout is not working',
  qrLabel: (amount, address) => `QR code: pay ${amount ? `${amount} BTC ` : ''}to ${address}`,
  sats: (amount) => `${amount} sats`,
};
