/**
 * Watches one address: live over the websocket when it is healthy, by REST polling when it is
 * not (or when there is none), and reconciling over REST whenever a gap could have opened.
 * @module
 */
import type { ChainEvent } from '../invoice.js';
import type { Clock, FetchLike, SocketLike, Timers } from '../effects.js';
import { fetchAddressTxs, fetchTipHeight } from './esplora.js';
import { HttpError, notEsploraData, type RestClient } from './http.js';
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
  /** The polling interval to use now (it depends on the invoice status). */
  pollMs(): number;
  onEvent(event: ChainEvent): void;
  onConnection(connection: Connection): void;
  /** A reconcile failed (null: the next one succeeded). */
  onError(error: HttpError | null): void;
}

export interface AddressWatcher {
  /** Fetches the address's transactions and the tip now. */
  reconcile(): Promise<void>;
  stop(): void;
}

/** How long to wait for the socket before reconciling over REST anyway. */
export const SOCKET_GRACE_MS = 3_000;
const MAX_BACKOFF_MS = 120_000;

export function watchAddress(options: WatchOptions, effects: WatchEffects): AddressWatcher {
  const { address, rest } = options;
  let stopped = false;
  let live = false;
  let socket: AddressSocket | null = null;
  let pollTimer: unknown = null;
  let failures = 0;
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
          const [tipHeight, { txs, complete }] = await Promise.all([fetchTipHeight(rest), fetchAddressTxs(rest, address)]);
          if (stopped) return;
          failures = 0;
          retrying = false;
          options.onError(null);
          options.onEvent({ type: 'snapshot', txs, tipHeight, complete });
        } catch (error) {
          if (stopped) return;
          failures++;
          options.onError(error instanceof HttpError ? error : notEsploraData());
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
    return Math.max(wait ?? 0, Math.min(options.pollMs() * 2 ** failures, MAX_BACKOFF_MS));
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

  const setLive = (value: boolean): void => {
    live = value;
    options.onConnection(value ? 'live' : options.wsUrl ? 'connecting' : 'polling');
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
          // No backfill after subscribing (G1): whatever happened while we were away is read now.
          reconcileNow();
        },
        onTxs: (txs) => options.onEvent({ type: 'txs', txs }),
        onRemoved: (txids) => options.onEvent({ type: 'removed', txids }),
        onTip(height, reorg) {
          options.onEvent({ type: 'tip', height });
          // A reorg sends nothing per transaction (G7): read the address again.
          if (reorg) reconcileNow();
        },
        onDown: () => setLive(false),
      },
      effects,
    );
  }
  setLive(false);

  // Mobile browsers freeze background tabs: read the chain as soon as the page is back.
  const unwake = effects.onWake?.(() => {
    socket?.wake();
    reconcileNow();
  });

  return {
    reconcile,
    stop() {
      stopped = true;
      socket?.close();
      if (pollTimer !== null) effects.clearTimeout(pollTimer);
      unwake?.();
    },
  };
}
