/**
 * One devnet chain as a backend serves it: its blocks and mempool (chain.ts), its profile (how
 * the real server it imitates behaves, profiles.ts), its websocket clients, the faults injected
 * into it and what it counted. The HTTP side is rest.ts and control.ts; server.ts routes to them.
 * @module
 */
import type { WebSocket } from 'ws';
import { DevChain, scriptOf, type ChainChange, type DevTx } from './chain.js';
import { DEVNET_PROFILES, rateLimiter, type DevnetProfile, type ProfileName } from './profiles.js';

/** What a chain is made with (`POST /control/chains` takes the same). */
export interface ChainOptions {
  profile?: ProfileName;
  /** The network its addresses belong to, for the profiles that refuse others (default regtest). */
  network?: 'mainnet' | 'testnet' | 'testnet4' | 'signet' | 'regtest';
  /** Milliseconds every REST answer takes. */
  latencyMs?: number;
}

export interface Fault {
  status: number;
  remaining: number;
  retryAfter?: number;
  /** Only requests whose path contains this fail. */
  match?: string;
  /**
   * How the request fails: an HTTP `status` (the default), the same without CORS headers (what a
   * front end's own error page looks like to a browser), an answer that never comes (`hang`, for
   * `ms`), an HTML page with status 200 (`garbage`), or the connection reset (`reset`).
   */
  kind?: 'status' | 'nocors' | 'hang' | 'garbage' | 'reset';
  ms?: number;
}

export interface ChainStats {
  rest: { total: number; byRoute: Record<string, number> };
  ws: { connections: number; open: number; framesIn: number; framesOut: number };
}

export interface Client {
  socket: WebSocket;
  want: Set<string>;
  address: string | null;
  recent: number[];
  /** The last frames sent, newest last: `/inject` replays them (duplicates, out of order). */
  sent: string[];
}

/** Prices in the shape of mempool's /api/v1/prices: integer fiat per BTC, -1 when unavailable. */
export const DEFAULT_PRICES: Readonly<Record<string, number>> = {
  USD: 100_000,
  EUR: 92_000,
  GBP: 79_000,
  CAD: 137_000,
  CHF: 88_000,
  AUD: 153_000,
  JPY: 15_000_000,
  BGN: -1,
  BRL: -1,
  CNY: 720_000,
  CZK: -1,
  DKK: -1,
  HKD: -1,
  HRK: -1,
  HUF: -1,
  IDR: -1,
  ILS: -1,
  INR: -1,
  ISK: -1,
  KRW: -1,
  MXN: -1,
  MYR: -1,
  NOK: -1,
  NZD: -1,
  PHP: -1,
  PLN: -1,
  RON: -1,
  RUB: -1,
  SEK: -1,
  SGD: -1,
  THB: -1,
  TRY: -1,
  ZAR: -1,
};

export class DevnetChain {
  readonly chain: DevChain;
  profile: DevnetProfile;
  network: NonNullable<ChainOptions['network']>;
  /** The server-side cache of volatile GETs (mempool's nginx): path → the answer and when it was made. */
  readonly cache: Map<string, { at: number; status: number; body: string; type: string }> = new Map();
  /** Whether the backend has loaded its blocks: after a restart, `want` gets no `blocks` reply until one is mined. */
  blocksLoaded = true;
  allow: (client: string) => boolean = () => true;
  readonly clients: Set<Client> = new Set();
  faults: Fault[] = [];
  /** Until then (epoch ms) the whole backend is down: connections reset, sockets refused. */
  downUntil = 0;
  latencyMs = 0;
  wsEnabled = true;
  /** Off: no batch endpoint, as on Blockstream's Esplora. */
  batchEnabled = true;
  prices: Record<string, number> = { ...DEFAULT_PRICES };
  /** Prices over time (Unix seconds), oldest first, for `/v1/historical-price`: the defaults since long ago. */
  priceHistory: { time: number; prices: Record<string, number> }[] = [{ time: 0, prices: { ...DEFAULT_PRICES } }];
  stats: ChainStats = DevnetChain.emptyStats();
  /** When each REST request arrived (epoch ms) and its route, for counting sequential round trips. */
  requests: { at: number; route: string; status: number }[] = [];

  readonly id: string;

  constructor(id: string, startHeight: number, options: ChainOptions = {}) {
    this.id = id;
    this.chain = new DevChain(startHeight);
    this.profile = DEVNET_PROFILES[options.profile ?? 'mempool'];
    this.network = options.network ?? 'regtest';
    this.latencyMs = options.latencyMs ?? 0;
    this.setProfile(this.profile.name);
    this.chain.subscribe((change) => {
      if (change.type === 'block') this.blocksLoaded = true;
      this.broadcast(change);
    });
  }

  setProfile(name: ProfileName): void {
    this.profile = DEVNET_PROFILES[name];
    this.batchEnabled = this.profile.batch;
    this.wsEnabled = this.profile.websocket;
    this.cache.clear();
    const limit = this.profile.rateLimit;
    this.allow = limit ? rateLimiter(limit) : () => true;
  }

  static emptyStats(): ChainStats {
    return { rest: { total: 0, byRoute: {} }, ws: { connections: 0, open: 0, framesIn: 0, framesOut: 0 } };
  }

  /** When the last address event was pushed (epoch milliseconds, sub-millisecond precision). */
  lastPushAt = 0;

  send(client: Client, frame: Record<string, unknown>): void {
    if (client.socket.readyState !== 1) return;
    this.stats.ws.framesOut++;
    // Stamped before serialising and sending, so a push-to-status figure includes both.
    if (frame['address-transactions'] || frame['block-transactions']) this.lastPushAt = performance.timeOrigin + performance.now();
    const text = JSON.stringify(frame);
    client.sent = [...client.sent.slice(-9), text];
    client.socket.send(text);
  }

  /** Sends raw text to every client, as a hostile or broken server might. */
  sendRaw(text: string): void {
    for (const client of this.clients) if (client.socket.readyState === 1) client.socket.send(text);
  }

  /** Sends each client its `back`-th last frame again (1: a duplicate; more: out of order). */
  replay(back: number): void {
    for (const client of this.clients) {
      const frame = client.sent.at(-back);
      if (frame !== undefined && client.socket.readyState === 1) client.socket.send(frame);
    }
  }

  private broadcast(change: ChainChange): void {
    const { chain } = this;
    const touches = (tx: DevTx, address: string | null): boolean => !!address && tx.outputs.some((output) => output.address === address);
    for (const client of this.clients) {
      const frame: Record<string, unknown> = {};
      if (change.type === 'mempool-add' && touches(change.tx, client.address)) frame['address-transactions'] = [chain.esplora(change.tx)];
      if (change.type === 'mempool-remove' && touches(change.tx, client.address))
        frame['address-removed-transactions'] = [chain.esplora(change.tx)];
      if (change.type === 'block') {
        if (client.want.has('blocks')) frame.block = chain.blockSummary(change.block);
        const mine = change.txs.filter((tx) => touches(tx, client.address));
        if (mine.length) frame['block-transactions'] = mine.map((tx) => chain.esplora(tx));
      }
      if (change.type === 'reorg' && client.want.has('blocks')) frame.blocks = change.blocks.map((block) => chain.blockSummary(block));
      if (Object.keys(frame).length) this.send(client, frame);
    }
  }

  /** A client frame, handled the way mempool's websocket handler does (docs/protocol.md §1.2). */
  receive(client: Client, data: string): void {
    this.stats.ws.framesIn++;
    const now = Date.now();
    client.recent = [...client.recent.filter((time) => now - time < 10_000), now];
    // mempool v3.4: more than 100 messages in 10 s, or JSON that does not parse, closes the socket.
    if (client.recent.length > 100) return client.socket.close();
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data);
    } catch {
      return client.socket.close();
    }
    const reply: Record<string, unknown> = {};
    if (message.action === 'want' && Array.isArray(message.data)) {
      const had = client.want.has('blocks');
      client.want = new Set(message.data.filter((item): item is string => typeof item === 'string'));
      // No reply while the backend has no blocks loaded (socketData.blocks unset: ws.ts:172,1396-1400).
      if (client.want.has('blocks') && !had && this.blocksLoaded)
        reply.blocks = this.chain.blocks.slice(-8).map((block) => this.chain.blockSummary(block));
    }
    if ('track-address' in message) {
      // An address that fails validation unsubscribes, silently (docs/protocol.md G4).
      const address = message['track-address'];
      client.address = typeof address === 'string' && scriptOf(address) ? address : null;
    }
    if (message.action === 'ping') reply.pong = true;
    if (Object.keys(reply).length) this.send(client, reply);
    // Unsolicited broadcast frames arrive whatever a client asked for (docs/protocol.md G9).
    if (reply.blocks) this.send(client, { conversions: { time: Math.floor(now / 1000), ...this.prices } });
  }

  disconnectAll(): void {
    for (const client of this.clients) client.socket.terminate();
  }
}
