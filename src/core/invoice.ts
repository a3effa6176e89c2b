/**
 * The invoice: one payment request and what the chain says about it.
 * @module
 */
import type { NetworkName } from './networks.js';

/**
 * `loading` → `awaiting` → `underpaid` → `unconfirmed` → `confirming` → `paid`;
 * `expired` when nothing full arrived in time; `error` when the checkout cannot work.
 */
export type InvoiceStatus =
  | 'loading'
  | 'awaiting'
  | 'underpaid'
  | 'unconfirmed'
  | 'confirming'
  | 'paid'
  | 'expired'
  | 'error';

/** A frozen snapshot of the invoice, as the element exposes it and webhooks carry it. */
export interface Invoice {
  /** Random identifier of this invoice, stable across reloads. */
  readonly id: string;
  readonly status: InvoiceStatus;
  readonly address: string;
  /** Receive index the address was derived at; null for a fixed address. */
  readonly index: number | null;
  readonly network: NetworkName;
  /** Amount asked for in sats; 0 for an open amount (any payment counts). */
  readonly expectedSats: number;
  /** Sats paid to the address by transactions that count for this invoice. */
  readonly receivedSats: number;
  /** The part of `receivedSats` that is in blocks. */
  readonly confirmedSats: number;
  /** Confirmations of the least-confirmed counting transaction (0 while any is unconfirmed). */
  readonly confirmations: number;
  readonly txids: readonly string[];
  readonly orderId: string | null;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** Unix milliseconds, or null when the invoice never expires. */
  readonly expiresAt: number | null;
  /** A full payment arrived after expiry. */
  readonly late: boolean;
  /** More than the amount asked for was received. */
  readonly overpaid: boolean;
}

export interface NewInvoice {
  readonly id: string;
  readonly address: string;
  readonly index: number | null;
  readonly network: NetworkName;
  readonly expectedSats: number;
  readonly orderId: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

/** A fresh invoice, awaiting payment. */
export function createInvoice(fields: NewInvoice): Invoice {
  return Object.freeze({
    ...fields,
    status: 'awaiting',
    receivedSats: 0,
    confirmedSats: 0,
    confirmations: 0,
    txids: Object.freeze([]),
    late: false,
    overpaid: false,
  });
}
