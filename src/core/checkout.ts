/**
 * One checkout from configuration to payment request: the single object the element's
 * controller drives. Effects (clock, randomness) are passed in, so it runs the same in Node,
 * browsers and tests.
 * @module
 */
import { hex } from '@scure/base';
import { deriveAddress } from './account.js';
import { formatBip21 } from './bip21.js';
import { parseConfig, type CheckoutConfig, type CheckoutInput } from './config.js';
import { CheckoutError } from './errors.js';
import { createInvoice, type Invoice, type InvoiceStatus } from './invoice.js';

/** What the buyer is asked to pay right now. */
export interface PaymentView {
  readonly address: string;
  /** Sats still due; null for an open amount. */
  readonly sats: number | null;
  /** BIP 21 URI for links and the clipboard. */
  readonly uri: string;
  /** The same URI prepared for a QR code (upper-case bech32). */
  readonly qrText: string;
  readonly label: string | null;
  readonly message: string | null;
}

export interface CheckoutState {
  readonly status: InvoiceStatus;
  readonly invoice: Invoice | null;
  readonly payment: PaymentView | null;
  readonly error: CheckoutError | null;
}

/** Everything the checkout may not do by itself. */
export interface CheckoutEffects {
  /** Unix milliseconds. */
  now(): number;
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
}

export interface Checkout {
  readonly state: CheckoutState;
  /** Calls `listener` after every state change; returns the unsubscribe function. */
  subscribe(listener: (state: CheckoutState, previous: CheckoutState) => void): () => void;
  /** Begins work asynchronously; every state change reaches subscribers after `start` returns. */
  start(): void;
  /** Stops all work; the checkout can be started again. */
  stop(): void;
}

export const LOADING: CheckoutState = Object.freeze({ status: 'loading', invoice: null, payment: null, error: null });

/** Turns any thrown value into a {@link CheckoutError} without ever echoing its input. */
export function toCheckoutError(error: unknown): CheckoutError {
  return error instanceof CheckoutError
    ? error
    : new CheckoutError('chain', 'invalid', 'Something unexpected went wrong. Please reload the page.');
}

/** The payment view of an invoice: the amount still due, at its address. */
export function paymentView(invoice: Invoice, config: CheckoutConfig): PaymentView {
  const due = invoice.expectedSats ? Math.max(invoice.expectedSats - invoice.receivedSats, 0) : null;
  const request = { address: invoice.address, sats: due, label: config.label, message: config.message };
  return Object.freeze({
    ...request,
    uri: formatBip21(request),
    qrText: formatBip21(request, true),
  });
}

export function createCheckout(input: CheckoutInput, effects: CheckoutEffects): Checkout {
  let state = LOADING;
  let generation = 0;
  const listeners = new Set<(state: CheckoutState, previous: CheckoutState) => void>();

  const setState = (next: CheckoutState): void => {
    const previous = state;
    state = Object.freeze(next);
    for (const listener of listeners) listener(state, previous);
  };

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      const run = ++generation;
      // All work happens after the caller returns, so a UI never receives state mid-render.
      void Promise.resolve().then(() => {
        if (run !== generation) return;
        try {
          const config = parseConfig(input);
          const { receiver } = config;
          const index = receiver.kind === 'account' ? (receiver.index ?? 0) : null;
          const address = receiver.kind === 'account' ? deriveAddress(receiver.account, index!) : receiver.address;
          const invoice = createInvoice({
            id: hex.encode(effects.randomBytes(16)),
            address,
            index,
            network: config.network,
            expectedSats: config.amountSats ?? 0,
            orderId: null,
            createdAt: effects.now(),
            expiresAt: null,
          });
          setState({ status: invoice.status, invoice, payment: paymentView(invoice, config), error: null });
        } catch (error) {
          setState({ status: 'error', invoice: null, payment: null, error: toCheckoutError(error) });
        }
      });
    },
    stop() {
      generation++;
      state = LOADING;
    },
  };
}
