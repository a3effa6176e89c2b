/**
 * One checkout from configuration to paid: the single object the element's controller drives.
 * It derives the address, watches it, and folds what the chain says into the invoice. Effects
 * (clock, randomness, network, timers) are passed in, so it runs the same in Node, browsers and
 * tests.
 * @module
 */
import { formatBip21 } from './bip21.js';
import type { CheckoutConfig } from './config.js';
import { CheckoutError } from './errors.js';
import { buriedBefore, reduceWatch, summarizeInvoice, type ChainEvent, type Invoice, type InvoiceStatus } from './invoice.js';
import { createRestClient, type HttpError } from './http.js';
import { memoryStore, type Store } from './store.js';
import type { LockFn } from './effects.js';
import { invoiceKey, keepInvoice, type KeptInvoice } from './kept-invoice.js';
import { storeClaims, type DeviceClaims } from './claims.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { allocationHold, restoreOrOpen } from './open-invoice.js';
import { planClaim, planWebhooks, snapshotOf, type Snapshot } from './webhook.js';
import { createOutbox, type DeliveryRecord, type OutboxEffects } from './outbox.js';
import { watchAddress, type AddressWatcher, type Connection, type WatchEffects } from './chain/watcher.js';
import type { createLightningSession, LightningOffer, LightningSession, LightningState } from './lightning-session.js';

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
  /** The Lightning invoice offered beside the address (also in `uri` as `lightning=`), or null. */
  readonly lightning: string | null;
  /** It is offered without a verify URL: only the merchant can see it paid. */
  readonly lightningUnverified: boolean;
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
  /**
   * This page is the first to see the invoice paid: once per invoice, across reloads and tabs
   * of this device (the element fires `btc-checkout-paid` on it).
   */
  readonly firstPaid: boolean;
  /** The buyer can claim an unmatched payment: a json webhook tells the merchant. */
  readonly canClaim: boolean;
  /**
   * Why Lightning is not offered although configured (the service unreachable or without CORS,
   * a wrong invoice, no verify URL): for the merchant. The buyer still pays on-chain.
   */
  readonly lightningError: CheckoutError | null;
}

/** Everything the checkout may not do by itself. */
export interface CheckoutEffects extends WatchEffects, Pick<OutboxEffects, 'beacon' | 'onStoreChange'> {
  /** Cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
  /** Where invoices, allocation memory and the webhook outbox live (localStorage in a browser); memory when absent. */
  store?: Store;
  /**
   * Atomic claims across this device's pages (IndexedDB in a browser): which invoice holds an
   * address, which tab creates an order's invoice, which page announces it paid. By default
   * kept in `store` under `lock`.
   */
  claims?: DeviceClaims;
  /** Serialises the default claims across this origin's pages (Web Locks in a browser). */
  lock?: LockFn;
  /** Subscribes to "the page is going away" (pagehide); returns unsubscribe. */
  onLeave?(listener: () => void): () => void;
  /**
   * Loads lightning-session.ts: a checkout with a Lightning Address needs it, and only those pay
   * for its bytes (the element loads it as a file of its own).
   */
  loadLightning?(): Promise<typeof createLightningSession>;
}

export interface Checkout {
  readonly state: CheckoutState;
  /** Calls `listener` after every state change; returns the unsubscribe function. */
  subscribe(listener: (state: CheckoutState, previous: CheckoutState) => void): () => void;
  /** Begins work asynchronously; every state change reaches subscribers after `start` returns. */
  start(): void;
  /** Stops all work: socket, polling, timers. The checkout can be started again. */
  stop(): void;
  /**
   * The buyer says an unmatched payment (by txid) was theirs: it is marked claimed and reported
   * to the merchant in a `claimed` webhook, for review. It never counts as paid. Returns false
   * when there is no such unmatched payment, or it was claimed already.
   */
  claim(txid: string): boolean;
}

export const LOADING: CheckoutState = Object.freeze({
  status: 'loading',
  invoice: null,
  payment: null,
  error: null,
  notice: null,
  connection: 'connecting',
  deliveries: Object.freeze([]),
  firstPaid: false,
  canClaim: false,
  lightningError: null,
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

/**
 * A mistake in the merchant's setup found while working (the server answers for another key, the
 * API serves another network or has no prices in that currency): retrying cannot help.
 */
export const isFinal = (error: unknown): boolean =>
  error instanceof CheckoutError && ['conflict', 'network-mismatch', 'unsupported', 'out-of-range', 'insecure'].includes(error.code);

/** How long a page's claim to have announced an invoice paid lasts. */
const PAID_CLAIM_MS = 30 * 24 * 3_600_000;

/**
 * The payment view of an invoice: the amount still due, at its address, and the Lightning
 * invoice `lightning` beside it when one is on offer (one BIP 21 URI for both).
 */
export function paymentView(
  invoice: Invoice,
  config: Pick<CheckoutConfig, 'label' | 'message'>,
  lightning: LightningOffer | null = null,
): PaymentView {
  const request = {
    address: invoice.address,
    sats: invoice.expectedSats ? invoice.dueSats : null,
    label: config.label,
    message: config.message,
    lightning: lightning?.pr ?? null,
  };
  return Object.freeze({
    ...request,
    lightningUnverified: !!lightning && !lightning.verify,
    uri: formatBip21(request),
    qrText: formatBip21(request, true),
  });
}

/**
 * Runs tasks until they succeed, telling the buyer why they wait (allocation, prices: never a
 * guess), backing off to a minute or what the server asks. A setup mistake is not retried, and
 * stopping ends the wait, so that what was set aside for the invoice is given back.
 */
function retryer(
  effects: Pick<CheckoutEffects, 'setTimeout' | 'clearTimeout'>,
  alive: () => boolean,
  onNotice: (notice: CheckoutError | null) => void,
  onStop: (cleanup: () => void) => void,
): <T>(task: () => Promise<T>) => Promise<T> {
  return async (task) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await task();
        onNotice(null);
        return result;
      } catch (error) {
        if (!alive() || isFinal(error)) throw error;
        onNotice(toCheckoutError(error));
        await new Promise<void>((resume) => {
          const wait = Math.max(Math.min(5_000 * 2 ** attempt, 60_000), (error as HttpError).retryAfterMs ?? 0);
          const timer = effects.setTimeout(resume, wait);
          onStop(() => (effects.clearTimeout(timer), resume()));
        });
        if (!alive()) throw error;
      }
    }
  };
}

/**
 * A checkout for `config`, parsed beforehand with {@link parseConfig}: a mistake in the setup is
 * the caller's to show at once, before anything starts.
 */
export function createCheckout(config: CheckoutConfig, effects: CheckoutEffects): Checkout {
  let state = LOADING;
  /** Which run is current: work from an earlier one, still in flight after a stop, is dropped. */
  let generation = 0;
  let claim: (txid: string) => boolean = () => false;
  /** How to stop everything a run started (socket, polling, timers, the outbox, holds): one list, one way to stop. */
  const cleanups: (() => void)[] = [];
  const listeners = new Set<(state: CheckoutState, previous: CheckoutState) => void>();

  const setState = (next: Partial<CheckoutState>): void => {
    const previous = state;
    state = Object.freeze({ ...state, ...next });
    for (const listener of listeners) listener(state, previous);
  };

  /** A mistake in the setup found at run time: everything stops, and the checkout says why. */
  const fatal = (error: CheckoutError): void => {
    halt();
    setState({ status: 'error', invoice: null, payment: null, error });
  };

  const halt = (): void => {
    generation++;
    claim = () => false;
    for (const cleanup of cleanups.splice(0)) cleanup();
  };

  async function run(started: number): Promise<void> {
    const alive = (): boolean => started === generation;
    let watcher: AddressWatcher | null = null;
    let expiryTimer: unknown = null;
    cleanups.push(() => {
      watcher?.stop();
      if (expiryTimer !== null) effects.clearTimeout(expiryTimer);
    });
    const store = effects.store ?? memoryStore();
    const deviceClaims = effects.claims ?? storeClaims(store, effects.lock);
    const rest = createRestClient(config.apis, effects);
    const key = invoiceKey(config);
    if (config.webhook?.format === 'json') setState({ canClaim: true });
    if (config.priceExpiresAt !== null && config.priceExpiresAt < effects.now()) {
      throw new CheckoutError('price-token', 'expired', 'The price-token has expired: the shop must publish a new price.');
    }

    const retrying = retryer(
      effects,
      alive,
      (notice) => void ((notice || state.notice) && setState({ notice })),
      (cleanup) => cleanups.push(cleanup),
    );

    const sleep = (ms: number): Promise<void> => new Promise((resume) => effects.setTimeout(resume, ms));
    const opening = await restoreOrOpen(config, { ...effects, rest, store, claims: deviceClaims, retrying, sleep, key, alive });
    if (!opening) return;
    const { kept, restored, scannedUnusedAt } = opening;
    const { base, policy } = kept;
    let { watch, finishedAt, claims, paidAnnounced } = kept;
    // The allocation scan just found this address unused: that is its history, and the QR need
    // not wait for anything more (one round trip with the batch endpoint).
    if (!restored && scannedUnusedAt !== null && watch.baseline === null) {
      watch = reduceWatch(
        watch,
        { type: 'snapshot', txs: [], tipHeight: null, complete: true, requestedAt: scannedUnusedAt },
        effects.now(),
        policy,
      );
    }

    // An abandoned checkout gives its address back (D02b); shown again, its invoice takes it again.
    const hold = allocationHold(config, base, policy, { store, claims: deviceClaims, now: effects.now });
    if (hold && restored && finishedAt === null) void hold.renew();
    if (hold) cleanups.push(() => void (summarizeInvoice(base, policy, watch, claims).receivedSats === 0 && hold.release()));

    // Any page that loads the checkout sends what the outbox holds, this invoice's or not.
    const outbox = createOutbox({ ...effects, store }, (record) =>
      setState({ deliveries: Object.freeze([...state.deliveries.slice(-49), record]) }),
    );
    cleanups.push(() => outbox.stop(), effects.onLeave?.(() => outbox.flushOnLeave()) ?? (() => undefined));
    outbox.add([]);
    // A restored invoice already reported what it had seen: webhooks compare with that.
    let reported: Snapshot | null = restored && watch.baseline ? snapshotOf(base, policy, watch, claims) : null;

    /** `btc-checkout-paid` once per invoice on this device: the first page to see it paid claims the announcement. */
    let announcing = false;
    const announcePaid = (): void => {
      if (paidAnnounced || announcing) return;
      announcing = true;
      const page = bytesToHex(effects.randomBytes(8));
      const now = effects.now();
      void deviceClaims.claim(`paid:${base.id}`, page, now + PAID_CLAIM_MS, now).then((holder) => {
        paidAnnounced = true;
        if (!alive()) return;
        keepInvoice(store, key, current());
        if (holder === page) setState({ firstPaid: true });
      });
    };

    // Lightning: the merchant's Lightning Address, offered beside the address while nothing is
    // paid, and withdrawn from the screen once something is; whichever route pays in full first
    // counts, and the other is an overpayment (see summarizeInvoice).
    let lightning: LightningSession | null = null;
    /** The invoice on offer, kept so that a reload offers and watches the same one. */
    let lightningOffer: LightningOffer | null = kept.lightningAddress === config.lightning ? (kept.lightningOffer ?? null) : null;
    /** Lightning failed or is hidden for this run: it is not asked again. */
    let lightningOff = false;
    /** The invoice to show beside the address: only while nothing is paid. */
    const offeredNow = (status: InvoiceStatus): LightningOffer | null => {
      const session = lightning?.state;
      return !lightningOff && status === 'awaiting' && session?.status === 'offered' ? session.offer : null;
    };
    const steerLightning = (): void => {
      if (!lightning || lightningOff) return;
      if (state.status === 'awaiting') lightning.start();
      else lightning.withdraw();
    };
    const lightningFailed = (error: CheckoutError): void => {
      lightningOff = true;
      lightningOffer = null;
      lightning?.stop();
      setState({ lightningError: error });
      publish();
    };
    const onLightning = (session: LightningState): void => {
      // Given up (lightningFailed stops the session): its last word, idle, changes nothing.
      if (!alive() || lightningOff) return;
      if (session.status === 'failed') return lightningFailed(session.error);
      if (session.status === 'settled') {
        const { offer, preimage, settledAt } = session;
        const { pr: bolt11, paymentHash, verify, amountMsat } = offer;
        return apply({ type: 'lightning', payment: { bolt11, paymentHash, verify, preimage, sats: amountMsat / 1000, settledAt } });
      }
      if (session.status === 'offered' && !session.offer.verify && !config.lightningUnverified) {
        return lightningFailed(
          new CheckoutError(
            'lightning-unverified',
            'unsupported',
            'Your Lightning Address service gives no verify URL (LUD-21), so this page cannot see a Lightning payment: Lightning is not offered. Set lightning-unverified="show" to offer it anyway and reconcile those payments by hand.',
          ),
        );
      }
      if (session.status === 'offered') lightningOffer = session.offer;
      // Withdrawn and watched to its end: nothing left to watch.
      if (session.status === 'idle') lightningOffer = null;
      publish();
    };

    const current = (): KeptInvoice => ({
      receiver: kept.receiver,
      base,
      policy,
      watch,
      finishedAt,
      paidAnnounced,
      claims,
      lightningOffer,
      lightningAddress: config.lightning,
    });

    /** Shows the invoice as it stands, keeps it, and tells the merchant what changed. */
    const publish = (extra: (snapshot: Snapshot) => void = () => undefined): void => {
      const snapshot = snapshotOf(base, policy, watch, claims);
      const { invoice } = snapshot;
      if (!finishedAt && (invoice.status === 'paid' || invoice.status === 'expired')) finishedAt = effects.now();
      const stored = keepInvoice(store, key, current());
      if (stored?.paidAnnounced) paidAnnounced = true;
      const payment = invoice.status === 'loading' ? null : paymentView(invoice, config, offeredNow(invoice.status));
      setState({ status: invoice.status, invoice, payment });
      if (config.webhook && invoice.status !== 'loading') {
        outbox.add(planWebhooks(config.webhook, reported, snapshot, outbox.acked(), effects.now()));
        reported = snapshot;
      }
      extra(snapshot);
      if (invoice.status === 'paid') announcePaid();
      // Last: it may publish again, and what is on screen must be the latest.
      steerLightning();
    };

    const apply = (event: ChainEvent): void => {
      const next = reduceWatch(watch, event, effects.now(), policy);
      // A listing that left out a mempool transaction it could not yet be believed about: ask
      // again once it can, or a replaced payment could stay on screen while the socket is quiet.
      if (
        event.type === 'snapshot' &&
        next.baseline &&
        next.txs.some((tx) => (tx.height === null || event.complete) && !event.txs.some((listed) => listed.txid === tx.txid))
      ) {
        watcher?.verifyLater();
      }
      if (next === watch && state.invoice) return;
      watch = next;
      publish();
    };

    claim = (txid) => {
      if (!state.invoice?.unmatched.some((payment) => payment.txid === txid && !payment.claimed)) return false;
      claims = [...claims, txid];
      publish((snapshot) => config.webhook && outbox.add(planClaim(config.webhook, snapshot, txid, effects.now())));
      return true;
    };

    const armExpiry = (): void => {
      if (policy.expiresAt === null) return;
      const wait = policy.expiresAt - effects.now();
      expiryTimer = effects.setTimeout(
        () => {
          expiryTimer = null;
          if (effects.now() < policy.expiresAt!) return armExpiry();
          apply({ type: 'tick' });
        },
        Math.min(Math.max(wait, 0), MAX_TIMER_MS),
      );
    };

    apply({ type: 'tick' });
    watcher = watchAddress(
      {
        address: base.address,
        rest,
        wsUrl: config.wsUrl,
        wsDerived: config.wsDerived,
        // Without a history yet (a given index, a fixed address, a kept invoice that never got one),
        // list the address at once: the QR never waits for the socket.
        listNow: watch.baseline === null,
        isHistory: (tx) =>
          !!watch.baseline?.includes(tx.txid) ||
          (buriedBefore(tx, watch.baselineTip) && !watch.txs.some((known) => known.txid === tx.txid)),
        pollMs: () => POLL_MS[state.status],
        onEvent: apply,
        onConnection: (connection) => state.connection !== connection && setState({ connection }),
        onError(error: CheckoutError | null) {
          if (error && isFinal(error)) return fatal(error);
          if (error ? error.message !== state.notice?.message : state.notice) setState({ notice: error });
        },
      },
      effects,
    );
    armExpiry();

    if (!config.lightning || watch.lightning || !policy.expectedSats) return;
    let create;
    try {
      if (!effects.loadLightning) throw new Error('no loadLightning effect was given.');
      create = await effects.loadLightning();
    } catch (error) {
      // The CDN file's btc-checkout-lightning.js missing, changed, or blocked by the page's CSP.
      const why = error instanceof Error ? ` ${error.message}` : '';
      return void (alive() && lightningFailed(new CheckoutError('lightning', 'unavailable', `Lightning cannot be offered:${why}`)));
    }
    if (!alive()) return;
    const session = create(
      {
        address: config.lightning,
        sats: policy.expectedSats,
        network: base.network,
        proxy: config.lightningProxy ?? undefined,
        resume: lightningOffer,
      },
      effects,
    );
    lightning = session;
    cleanups.push(() => session.stop());
    session.subscribe(onLightning);
    // An invoice shown before this reload is watched to its end even when it is no longer offered.
    if (state.status === 'awaiting' || lightningOffer) session.start();
    steerLightning();
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
          fatal(toCheckoutError(error));
        }
      });
    },
    stop() {
      halt();
      state = LOADING;
    },
    claim: (txid) => claim(txid),
  };
}
