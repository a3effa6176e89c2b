/**
 * A mempool.space websocket subscription to one address: `want: ["blocks"]` and `track-address`
 * in one frame, a JSON ping after 30 s of silence, reconnection with backoff. mempool's handler
 * (websocket-handler.ts) processes a client's messages in order and never reports errors for
 * `track-address`, so the subscription is known to be in place once anything answers it.
 * @module
 */
import type { ChainTx } from '../invoice.js';
import type { SocketLike, Timers } from '../effects.js';
import { toChainTxs } from './esplora.js';

export interface SocketEvents {
  /**
   * The server has our subscription (its `blocks` reply, or the `pong` to the ping sent right
   * after it, arrived): reconcile over REST now, for what happened before (no backfill).
   */
  onReady(): void;
  onTxs(txs: ChainTx[]): void;
  onRemoved(txids: string[]): void;
  /** A new tip; `reorg` when it does not extend the tip we knew (docs/protocol.md G7). */
  onTip(height: number, reorg: boolean): void;
  /** The connection is gone; it is being re-established. */
  onDown(): void;
  /** The socket never opened in `giveUpAfter` tries: there is none at that URL, and no more tries are made. */
  onAbsent?(): void;
}

export interface SocketEffects extends Timers {
  createSocket(url: string): SocketLike;
  /** A number in [0, 1), for jitter. */
  random(): number;
  /** Give up after this many failed tries without ever opening (null: never). */
  giveUpAfter?: number | null;
}

export interface AddressSocket {
  /** Reconnects at once if the connection is down (the page became visible again, say). */
  wake(): void;
  close(): void;
}

/** A connection that lasts this long is healthy again: only then does the backoff start over. */
export const HEALTHY_AFTER_MS = 30_000;
/** Send a ping after this much silence; nginx drops idle sockets after 120 s, mempool's own frontend pings too. */
export const PING_AFTER_MS = 30_000;
/** A ping unanswered for this long means the connection is dead. */
export const PONG_TIMEOUT_MS = 5_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

interface BlockFrame {
  readonly id?: string;
  readonly height?: number;
  readonly previousblockhash?: string;
}

export function openAddressSocket(url: string, address: string, events: SocketEvents, effects: SocketEffects): AddressSocket {
  let socket: SocketLike | null = null;
  let closed = false;
  let ready = false;
  let failures = 0;
  let everOpened = false;
  let healthyTimer: unknown = null;
  let tipHash: string | null = null;
  let idleTimer: unknown = null;
  let pongTimer: unknown = null;
  let retryTimer: unknown = null;

  const clear = (): void => {
    for (const timer of [idleTimer, pongTimer, retryTimer, healthyTimer]) if (timer !== null) effects.clearTimeout(timer);
    idleTimer = pongTimer = retryTimer = healthyTimer = null;
  };

  /** Detaches from the current socket and closes it, so none of its late events reach us. */
  const release = (): void => {
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // A no-op, not null: the ws package raises an error event when closed while still connecting.
    socket.onerror = () => undefined;
    try {
      socket.close();
    } catch {
      // already closed
    }
    socket = null;
  };

  const armKeepalive = (): void => {
    if (idleTimer !== null) effects.clearTimeout(idleTimer);
    if (pongTimer !== null) effects.clearTimeout(pongTimer);
    pongTimer = null;
    idleTimer = effects.setTimeout(() => {
      send({ action: 'ping' });
      pongTimer = effects.setTimeout(drop, PONG_TIMEOUT_MS);
    }, PING_AFTER_MS);
  };

  const send = (message: object): void => {
    try {
      socket?.send(JSON.stringify(message));
    } catch {
      drop();
    }
  };

  const onTip = (block: BlockFrame | null, reorg: boolean): void => {
    if (!block || typeof block.id !== 'string' || !Number.isSafeInteger(block.height) || block.height! < 0) return;
    tipHash = block.id;
    events.onTip(block.height!, reorg);
  };

  const handle = (data: unknown): void => {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    // Within one frame the server lists removals before additions; keep that order.
    const removed = toChainTxs(frame['address-removed-transactions'], address);
    if (removed.length) events.onRemoved(removed.map((tx) => tx.txid));
    const added = toChainTxs(frame['address-transactions'], address);
    if (added.length) events.onTxs(added);
    const blocks = frame.blocks as BlockFrame[] | undefined;
    if (Array.isArray(blocks) && blocks.length) {
      // A fresh list that no longer holds our tip follows a reorg.
      onTip(blocks[blocks.length - 1] ?? null, tipHash !== null && !blocks.some((block) => block?.id === tipHash));
    }
    // The `blocks` reply, or the `pong` to the ping sent behind the subscription: the server has
    // handled the subscription (after a restart it has no blocks to reply with, ws.ts:172).
    if (!ready && ((Array.isArray(blocks) && blocks.length) || frame.pong)) {
      ready = true;
      events.onReady();
    }
    const block = frame.block as BlockFrame | undefined;
    if (block && typeof block === 'object' && block.id !== tipHash) onTip(block, tipHash !== null && block.previousblockhash !== tipHash);
    const confirmed = toChainTxs(frame['block-transactions'], address);
    if (confirmed.length) events.onTxs(confirmed);
  };

  const connect = (): void => {
    retryTimer = null;
    ready = false;
    try {
      socket = effects.createSocket(url);
    } catch {
      socket = null;
      return drop();
    }
    socket.onopen = () => {
      everOpened = true;
      // One frame, both subscriptions; then a ping, whose pong proves the frame was handled.
      send({ action: 'want', data: ['blocks'], 'track-address': address });
      send({ action: 'ping' });
      armKeepalive();
      // A connection that opens and drops at once is not a reason to try again at once.
      healthyTimer = effects.setTimeout(() => ((healthyTimer = null), (failures = 0)), HEALTHY_AFTER_MS);
    };
    socket.onmessage = (event) => {
      armKeepalive();
      handle(event.data);
    };
    socket.onclose = socket.onerror = () => drop();
  };

  function drop(): void {
    if (retryTimer !== null || closed) return;
    clear();
    release();
    if (!everOpened && effects.giveUpAfter != null && failures + 1 >= effects.giveUpAfter) {
      closed = true;
      return events.onAbsent?.();
    }
    events.onDown();
    // Exponential backoff with jitter (docs/protocol.md G12): about 1 s, 2 s, 4 s … up to 30 s.
    const delay = Math.min(BACKOFF_MIN_MS * 2 ** failures, BACKOFF_MAX_MS) * (0.5 + effects.random() / 2);
    failures++;
    retryTimer = effects.setTimeout(connect, delay);
  }

  connect();

  return {
    wake() {
      if (retryTimer === null || closed) return;
      effects.clearTimeout(retryTimer);
      connect();
    },
    close() {
      closed = true;
      clear();
      release();
    },
  };
}
