/**
 * One checkout from configuration to paid: the single object the element's controller drives.
 * It derives the address, watches it, and folds what the chain says into the invoice. Effects
 * (clock, randomness, network, timers) are passed in, so it runs the same in Node, browsers and
 * tests.
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { deriveAddress } from './account.js';
import { formatBip21 } from './bip21.js';
import { parseConfig, type CheckoutConfig, type CheckoutInput } from './config.js';
import { CheckoutError } from './errors.js';
import {
  confirmationsOf,
  EMPTY_WATCH,
  reduceWatch,
  summarizeInvoice,
  type ChainEvent,
  type FiatPrice,
  type Invoice,
  type InvoiceBase,
  type InvoicePolicy,
  type InvoiceStatus,
  type WatchState,
  amountTag,
} from './invoice.js';
import { createRestClient, type HttpError } from './chain/http.js';
import { memoryStore, readJson, type Store } from './store.js';
import { allocateIndex, holdIndex } from './allocate.js';
import { fetchPrice, fiatToSats } from './rates.js';
import { formatDecimal } from './amount.js';
import { createOutbox, digest, planWebhooks, type DeliveryRecord, type OutboxEffects, type Snapshot } from './webhook.js';
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
  /** The latest webhook delivery attempts, oldest first (at most 50). */
  readonly deliveries: readonly DeliveryRecord[];
}

/** Everything the checkout may not do by itself. */
export interface CheckoutEffects extends WatchEffects, Pick<OutboxEffects, 'beacon'> {
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
  /** Where the webhook outbox lives (localStorage in a browser); memory when absent. */
  store?: Store;
  /** Subscribes to "the page is going away" (pagehide); returns unsubscribe. */
  onLeave?(listener: () => void): () => void;
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
  deliveries: Object.freeze([]),
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
const INVOICE_KEY = 'btc-checkout:invoice:';
const ACCOUNT_KEY = 'btc-checkout:account:';
/** Without an order id, a paid or expired invoice is shown again on this device for this long. */
const FINISHED_SHOWN_MS = 3_600_000;

/** What the checkout keeps of an invoice so that a reload shows the same request. */
interface SavedInvoice {
  readonly receiver: string;
  readonly base: InvoiceBase;
  readonly policy: InvoicePolicy;
  readonly watch: WatchState;
  readonly finishedAt: number | null;
}

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
  const cleanups: (() => void)[] = [];
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
    for (const cleanup of cleanups.splice(0)) cleanup();
  };

  async function run(started: number): Promise<void> {
    const alive = (): boolean => started === generation;
    const config = parseConfig(input);
    const { receiver } = config;
    const store = effects.store ?? memoryStore();
    const receiverId = receiver.kind === 'account' ? receiver.account.id : receiver.address;
    const rest = createRestClient(config.apis, effects);
    const now = effects.now();
    // The buyer's invoice is kept per order, or per receiver, index and price without an order id.
    const storeKey = `${INVOICE_KEY}${config.orderId ? `order:${config.orderId}` : digest(`${receiverId}|${receiver.kind === 'account' ? receiver.index : ''}|${config.fiat?.text ?? config.amountSats}|${config.fiat?.currency}`)}`;
    let saved = readJson<SavedInvoice | null>(store, storeKey, null);
    // A finished invoice is shown again while it is recent; after that (with no order id to tell
    // a new order from a reload) a new one is made. Another key's invoice is never reused.
    if (saved && (saved.receiver !== receiverId || (!config.orderId && saved.finishedAt && now - saved.finishedAt > FINISHED_SHOWN_MS))) saved = null;

    /** Runs `task` until it succeeds, saying why it waits (allocation, prices: never a guess). */
    const retrying = async <T>(task: () => Promise<T>): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await task();
          if (state.notice) setState({ notice: null });
          return result;
        } catch (error) {
          if (!alive()) throw error;
          setState({ notice: toCheckoutError(error) });
          await new Promise<void>((resume) => {
            const wait = Math.max(Math.min(5_000 * 2 ** attempt, 60_000), (error as HttpError).retryAfterMs ?? 0);
            const timer = effects.setTimeout(resume, wait);
            cleanups.push(() => effects.clearTimeout(timer));
          });
        }
      }
    };

    let base: InvoiceBase;
    let policy: InvoicePolicy;
    let watch: WatchState;
    let finishedAt = saved?.finishedAt ?? null;
    if (saved) {
      ({ base, policy, watch } = saved);
    } else {
      // A key with no index set: this checkout chooses the address (allocation).
      const allocated = receiver.kind === 'account' && receiver.index === null;
      let index = receiver.kind === 'account' ? receiver.index : null;
      const memory = { store, key: `${ACCOUNT_KEY}${receiverId}`, now: effects.now };
      if (allocated) {
        const { account } = receiver;
        index = (await retrying(() => allocateIndex(rest, { ...memory, api: config.apis.join(' '), gapLimit: config.gapLimit, random: effects.random, derive: (i) => deriveAddress(account, i) }))).index;
      }
      let expectedSats = config.amountSats ?? 0;
      let fiat: FiatPrice | null = null;
      if (config.fiat) {
        const { currency, amount, text } = config.fiat;
        const prices = config.ratesUrl ? createRestClient([config.ratesUrl], effects) : rest;
        const price = await retrying(() => fetchPrice(prices, config.ratesUrl ? '' : '/v1/prices', currency));
        expectedSats = fiatToSats(amount, price);
        fiat = { currency, amount: text, rate: formatDecimal(price) };
      }
      if (!alive()) return;
      // With allocation, two buyers may get the same address: a small random tag in the amount
      // tells their payments apart, so (address, amount) names one invoice.
      const tagSats = allocated && !config.exactAmount && expectedSats ? amountTag(effects.random) : 0;
      const createdAt = effects.now();
      base = {
        id: bytesToHex(effects.randomBytes(16)),
        address: receiver.kind === 'account' ? deriveAddress(receiver.account, index!) : receiver.address,
        index,
        network: config.network,
        orderId: config.orderId,
        createdAt,
        tagSats,
        fiat,
      };
      policy = {
        expectedSats: expectedSats + tagSats,
        confirmations: config.confirmations,
        toleranceBasisPoints: config.toleranceBasisPoints,
        expiresAt: config.expiresMs === null ? null : createdAt + config.expiresMs,
        tagSats,
      };
      watch = EMPTY_WATCH;
      if (allocated) holdIndex(memory, index!, policy.expiresAt);
    }
    if (!alive()) return;

    // Any page that loads the checkout sends what the outbox holds, this invoice's or not.
    const outbox = createOutbox({ ...effects, store }, (record) =>
      setState({ deliveries: Object.freeze([...state.deliveries.slice(-49), record]) }),
    );
    cleanups.push(() => outbox.stop(), effects.onLeave?.(() => outbox.flushOnLeave()) ?? (() => undefined));
    outbox.add([]);
    let reported: Snapshot | null = null;

    const apply = (event: ChainEvent): void => {
      const next = reduceWatch(watch, event, effects.now(), policy);
      if (next === watch && state.invoice) return;
      watch = next;
      const invoice = summarizeInvoice(base, policy, watch);
      if (!finishedAt && (invoice.status === 'paid' || invoice.status === 'expired')) finishedAt = effects.now();
      store.set(storeKey, JSON.stringify({ receiver: receiverId, base, policy, watch, finishedAt } satisfies SavedInvoice));
      setState({ status: invoice.status, invoice, payment: invoice.status === 'loading' ? null : paymentView(invoice, config) });
      if (config.webhook && invoice.status !== 'loading') {
        const payments = watch.txs.map((tx) => ({ txid: tx.txid, valueSats: tx.valueSats, rbf: tx.rbf, confirmations: confirmationsOf(tx, watch.tipHeight) }));
        const snapshot = { invoice, payments };
        // A restored invoice already reported its status: compare with it, not with nothing.
        outbox.add(planWebhooks(config.webhook, reported ?? (saved && watch.baseline ? { invoice: summarizeInvoice(base, policy, saved.watch), payments } : null), snapshot, outbox.acked(), effects.now()));
        reported = snapshot;
      }
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
        address: base.address,
        rest,
        wsUrl: config.wsUrl,
        pollMs: () => POLL_MS[state.status],
        onEvent: apply,
        onConnection: (connection) => state.connection !== connection && setState({ connection }),
        onError(error: HttpError | null) {
          if (error ? error.message !== state.notice?.message : state.notice) setState({ notice: error });
        },
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
      void Promise.resolve().then(async () => {
        if (started !== generation) return;
        try {
          await run(started);
        } catch (error) {
          if (started !== generation) return;
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
