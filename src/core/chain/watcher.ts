/**
 * Watches one address: live over the websocket when it is healthy, by REST polling when it is
 * not (or when there is none), and reconciling over REST whenever a gap could have opened. The
 * websocket never reports what happened before it subscribed (mempool's `track-address` has no
 * backfill), so every (re)subscription is followed by a REST listing.
 * @module
 */
import { STALE_MS, type ChainEvent, type ChainTx } from '../invoice.js';
import type { Clock, FetchLike, SocketLike, Timers } from '../effects.js';
import { CheckoutError } from '../errors.js';
import { fetchAddressTxs, fetchTipHeight } from './esplora.js';
import { HttpError, notEsploraData, type RestClient } from '../http.js';
import { openAddressSocket, type AddressSocket } from './mempool-socket.js';

export type Connection = 'connecting' | 'live' | 'polling';

export interface WatchEffects extends Timers, Clock {
  fetch: FetchLike;
  createSocket(url: string): SocketLike;
  random(): number;
  /** Subscribes to "the page is back" (tab visible again, network online); returns unsubscribe. */
  onWake?(listener: () => void): () => void;
}

export interface WatchOptions {
  address: string;
  rest: RestClient;
  /** WebSocket URL, or null for REST polling only. */
  wsUrl: string | null;
  /** The URL was derived from the API's, not given: if it never opens, there is no socket there. */
  wsDerived?: boolean;
  /** List the address at once, without waiting for the socket (its history is not known yet). */
  listNow?: boolean;
  /** Whether a listed transaction is older than the invoice: paging back stops at the first one. */
  isHistory?(tx: ChainTx): boolean;
  /** The polling interval to use now (it depends on the invoice status). */
  pollMs(): number;
  onEvent(event: ChainEvent): void;
  onConnection(connection: Connection): void;
  /** A reconcile failed (null: the next one succeeded). A setup mistake (`isFinal`) stops nothing here: the checkout does. */
  onError(error: CheckoutError | null): void;
}

export interface AddressWatcher {
  /** Fetches the address's transactions (and the tip, when the socket does not give it) now. */
  reconcile(): Promise<void>;
  /**
   * Lists the address again once a listing can settle what is unsettled now (after
   * {@link VERIFY_AFTER_MS}): a transaction only the socket reported (a replayed or out-of-order
   * frame can name one replaced long ago), or one a listing left out too soon after it was seen.
   * At most one such listing is pending.
   */
  verifyLater(): void;
  stop(): void;
}

/** A listing asked this long after a transaction was learned is believed about it (STALE_MS and a margin). */
export const VERIFY_AFTER_MS: number = STALE_MS + 2_000;

/** How long to wait for the socket before reconciling over REST anyway. */
export const SOCKET_GRACE_MS = 3_000;
/** After the first subscription, one more listing once a server cache (10 s on mempool.space) can no longer hide a payment. */
export const SETTLE_MS = 12_000;
/** A derived socket URL that fails this many times without ever opening is taken to be absent. */
export const DERIVED_SOCKET_TRIES = 3;
/** The longest wait between failed listings: a payment is still seen within a minute of the API coming back. */
const MAX_BACKOFF_MS = 60_000;

export function watchAddress(options: WatchOptions, effects: WatchEffects): AddressWatcher {
  const { address, rest } = options;
  let stopped = false;
  let live = false;
  let socket: AddressSocket | null = null;
  let pollTimer: unknown = null;
  let settleTimer: unknown = null;
  let verifyTimer: unknown = null;
  let settled = false;
  let failures = 0;
  /** The tip the socket reported; while live, listings need not ask for it. */
  let socketTip: number | null = null;
  /** A reconcile failed while the socket was live: retry it even though no polling is due. */
  let retrying = false;
  let inFlight: Promise<void> | null = null;
  let again = false;

  /** One reconcile at a time; a request made meanwhile runs once more right after. */
  const reconcile = (): Promise<void> => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        try {
          const requestedAt = effects.now();
          const needTip = !live || socketTip === null;
          const [tipHeight, { txs, complete }] = await Promise.all([
            needTip ? fetchTipHeight(rest) : Promise.resolve(socketTip),
            fetchAddressTxs(rest, address, { stopAt: options.isHistory }),
          ]);
          if (stopped) return;
          failures = 0;
          retrying = false;
          options.onError(null);
          options.onEvent({ type: 'snapshot', txs, tipHeight, complete, requestedAt });
        } catch (error) {
          if (stopped) return;
          failures++;
          options.onError(error instanceof CheckoutError ? error : notEsploraData());
          throw error;
        }
      } while (again && !stopped);
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const backoff = (error: unknown): number => {
    const wait = error instanceof HttpError ? error.retryAfterMs : null;
    // Jittered (from 3/4 to 5/4): the pages that all failed together, when the API went down or
    // rate-limited them, do not all come back in the same second and trip the limit again.
    const jitter = 0.75 + effects.random() / 2;
    return Math.max(wait ?? 0, Math.round(Math.min(options.pollMs() * 2 ** failures, MAX_BACKOFF_MS) * jitter));
  };

  /** Polls while the socket is not live (or a reconcile must be retried), backing off on errors. */
  const schedulePoll = (delay: number): void => {
    if (pollTimer !== null) effects.clearTimeout(pollTimer);
    pollTimer = stopped || (live && !retrying) ? null : effects.setTimeout(poll, delay);
  };

  const poll = async (): Promise<void> => {
    pollTimer = null;
    if (stopped || (live && !retrying)) return;
    try {
      await reconcile();
      schedulePoll(options.pollMs());
    } catch (error) {
      retrying = live;
      schedulePoll(backoff(error));
    }
  };

  /** Reconciles now; on failure, keeps retrying with backoff until one succeeds. */
  const reconcileNow = (): void => {
    reconcile().catch((error) => {
      retrying = true;
      schedulePoll(backoff(error));
    });
  };

  const verifyLater = (): void => {
    if (verifyTimer !== null || stopped) return;
    verifyTimer = effects.setTimeout(() => ((verifyTimer = null), reconcileNow()), VERIFY_AFTER_MS);
  };

  const setLive = (value: boolean): void => {
    live = value;
    options.onConnection(value ? 'live' : socket ? 'connecting' : 'polling');
    if (!value && pollTimer === null) schedulePoll(socket ? SOCKET_GRACE_MS : 0);
  };

  if (options.wsUrl) {
    socket = openAddressSocket(
      options.wsUrl,
      address,
      {
        onReady() {
          if (pollTimer !== null) effects.clearTimeout(pollTimer);
          pollTimer = null;
          live = true;
          options.onConnection('live');
          // No backfill after subscribing (docs/protocol.md G1): whatever happened while we were away is read now,
          // and once more when a server cache can no longer hide it.
          reconcileNow();
          if (!settled) {
            settled = true;
            settleTimer = effects.setTimeout(() => ((settleTimer = null), reconcileNow()), SETTLE_MS);
          }
        },
        // What the socket says is checked against a listing once one can be believed (verifyLater).
        onTxs: (txs) => (options.onEvent({ type: 'txs', txs }), verifyLater()),
        onRemoved: (txids) => (options.onEvent({ type: 'removed', txids }), verifyLater()),
        onTip(height, reorg) {
          socketTip = height;
          options.onEvent({ type: 'tip', height, reorg });
          // A reorg sends nothing per transaction (docs/protocol.md G7): read the address again, and once more
          // when a server cache can no longer answer from before it.
          if (reorg) {
            reconcileNow();
            if (settleTimer !== null) effects.clearTimeout(settleTimer);
            settleTimer = effects.setTimeout(() => ((settleTimer = null), reconcileNow()), SETTLE_MS);
          }
        },
        onDown: () => setLive(false),
        onAbsent() {
          // The derived URL never opened: there is no socket behind this API. Poll, and say so.
          socket = null;
          setLive(false);
        },
      },
      { ...effects, giveUpAfter: options.wsDerived ? DERIVED_SOCKET_TRIES : null },
    );
  }
  setLive(false);
  if (options.listNow) reconcileNow();

  // Mobile browsers freeze background tabs: read the chain as soon as the page is back, and
  // forget the rests the API was given while the network was away.
  const unwake = effects.onWake?.(() => {
    rest.reset?.();
    socket?.wake();
    reconcileNow();
  });

  return {
    reconcile,
    verifyLater,
    stop() {
      stopped = true;
      socket?.close();
      if (pollTimer !== null) effects.clearTimeout(pollTimer);
      if (settleTimer !== null) effects.clearTimeout(settleTimer);
      if (verifyTimer !== null) effects.clearTimeout(verifyTimer);
      unwake?.();
    },
  };
}
