/**
 * One checkout from configuration to paid: the single object the element's controller drives.
 * It derives the address, watches it, and folds what the chain says into the invoice. Effects
 * (clock, randomness, network, timers) are passed in, so it runs the same in Node, browsers and
 * tests.
 * @module
 */
import { hex } from '@scure/base';
import { deriveAddress } from './account.js';
import { formatBip21 } from './bip21.js';
import { parseConfig, type CheckoutConfig, type CheckoutInput } from './config.js';
import { CheckoutError } from './errors.js';
import {
  EMPTY_WATCH,
  reduceWatch,
  summarizeInvoice,
  type ChainEvent,
  type Invoice,
  type InvoiceBase,
  type InvoicePolicy,
  type InvoiceStatus,
} from './invoice.js';
import { createRestClient, type HttpError } from './chain/http.js';
import { watchAddress, type AddressWatcher, type Connection, type WatchEffects } from './chain/watcher.js';

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
  /** Null until the request can be paid (the address's history is known). */
  readonly payment: PaymentView | null;
  /** Why the checkout cannot work at all (status `error`). */
  readonly error: CheckoutError | null;
  /** A passing problem (the API is unreachable, say): the checkout keeps trying. */
  readonly notice: CheckoutError | null;
  readonly connection: Connection;
}

/** Everything the checkout may not do by itself. */
export interface CheckoutEffects extends WatchEffects {
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
}

export interface Checkout {
  readonly state: CheckoutState;
  /** Calls `listener` after every state change; returns the unsubscribe function. */
  subscribe(listener: (state: CheckoutState, previous: CheckoutState) => void): () => void;
  /** Begins work asynchronously; every state change reaches subscribers after `start` returns. */
  start(): void;
  /** Stops all work: socket, polling, timers. The checkout can be started again. */
  stop(): void;
}

export const LOADING: CheckoutState = Object.freeze({
  status: 'loading',
  invoice: null,
  payment: null,
  error: null,
  notice: null,
  connection: 'connecting',
});

/** Polling interval by status, when there is no live socket: fast while the buyer is paying. */
export const POLL_MS: Readonly<Record<InvoiceStatus, number>> = {
  loading: 5_000,
  awaiting: 5_000,
  underpaid: 5_000,
  unconfirmed: 30_000,
  confirming: 30_000,
  paid: 60_000,
  expired: 60_000,
  error: 60_000,
};

/** The longest delay timers accept (2^31 − 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 0x7fffffff;

/** Turns any thrown value into a {@link CheckoutError} without ever echoing its input. */
export function toCheckoutError(error: unknown): CheckoutError {
  return error instanceof CheckoutError
    ? error
    : new CheckoutError('chain', 'invalid', 'Something unexpected went wrong. Please reload the page.');
}

/** The payment view of an invoice: the amount still due, at its address. */
export function paymentView(invoice: Invoice, config: Pick<CheckoutConfig, 'label' | 'message'>): PaymentView {
  const request = { address: invoice.address, sats: invoice.expectedSats ? invoice.dueSats : null, label: config.label, message: config.message };
  return Object.freeze({ ...request, uri: formatBip21(request), qrText: formatBip21(request, true) });
}

export function createCheckout(input: CheckoutInput, effects: CheckoutEffects): Checkout {
  let state = LOADING;
  let generation = 0;
  let watcher: AddressWatcher | null = null;
  let expiryTimer: unknown = null;
  const listeners = new Set<(state: CheckoutState, previous: CheckoutState) => void>();

  const setState = (next: Partial<CheckoutState>): void => {
    const previous = state;
    state = Object.freeze({ ...state, ...next });
    for (const listener of listeners) listener(state, previous);
  };

  const halt = (): void => {
    generation++;
    watcher?.stop();
    watcher = null;
    if (expiryTimer !== null) effects.clearTimeout(expiryTimer);
    expiryTimer = null;
  };

  function run(): void {
    const config = parseConfig(input);
    const { receiver } = config;
    const index = receiver.kind === 'account' ? (receiver.index ?? 0) : null;
    const address = receiver.kind === 'account' ? deriveAddress(receiver.account, index!) : receiver.address;
    const createdAt = effects.now();
    const base: InvoiceBase = {
      id: hex.encode(effects.randomBytes(16)),
      address,
      index,
      network: config.network,
      orderId: config.orderId,
      createdAt,
    };
    const policy: InvoicePolicy = {
      expectedSats: config.amountSats ?? 0,
      confirmations: config.confirmations,
      toleranceBasisPoints: config.toleranceBasisPoints,
      expiresAt: config.expiresMs === null ? null : createdAt + config.expiresMs,
    };
    let watch = EMPTY_WATCH;

    const apply = (event: ChainEvent): void => {
      const next = reduceWatch(watch, event, effects.now(), policy);
      if (next === watch && state.invoice) return;
      watch = next;
      const invoice = summarizeInvoice(base, policy, watch);
      setState({ status: invoice.status, invoice, payment: invoice.status === 'loading' ? null : paymentView(invoice, config) });
    };

    const armExpiry = (): void => {
      if (policy.expiresAt === null) return;
      const wait = policy.expiresAt - effects.now();
      expiryTimer = effects.setTimeout(() => {
        expiryTimer = null;
        if (effects.now() < policy.expiresAt!) return armExpiry();
        apply({ type: 'tick' });
      }, Math.min(Math.max(wait, 0), MAX_TIMER_MS));
    };

    apply({ type: 'tick' });
    watcher = watchAddress(
      {
        address,
        rest: createRestClient(config.apis, effects),
        wsUrl: config.wsUrl,
        pollMs: () => POLL_MS[state.status],
        onEvent: apply,
        onConnection: (connection) => state.connection !== connection && setState({ connection }),
        onError: (error: HttpError | null) => (error ? error.message !== state.notice?.message : state.notice) && setState({ notice: error }),
      },
      effects,
    );
    armExpiry();
  }

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      halt();
      const started = generation;
      // All work happens after the caller returns, so a UI never receives state mid-render.
      void Promise.resolve().then(() => {
        if (started !== generation) return;
        try {
          run();
        } catch (error) {
          halt();
          setState({ status: 'error', invoice: null, payment: null, error: toCheckoutError(error) });
        }
      });
    },
    stop() {
      halt();
      state = LOADING;
    },
  };
}
