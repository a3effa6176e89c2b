/**
 * `btc-checkout/devnet`: a local stand-in for mempool.space. It speaks the same REST and
 * websocket protocol (paths, shapes, text/plain tips, 404 texts, batch POST, /v1/prices; see
 * docs/protocol.md) over in-memory regtest-like chains, and adds a control API to pay, mine, replace,
 * drop, reorg, cut connections and inject HTTP errors.
 *
 * Several chains can run side by side (`POST /control/chains`), so every test gets its own.
 * Chain `main` answers at `/api` and `/control`; chain `x` at `/chains/x/api` and `/chains/x/control`.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { DevChain, scriptOf, type ChainChange, type DevTx, type Output } from './chain.js';
import { listen, readBody } from '../http.js';
import { DEVNET_PROFILES, rateLimiter, type DevnetProfile, type ProfileName } from './profiles.js';

export interface DevnetOptions {
  port?: number;
  host?: string;
  /** Height of each new chain's tip. */
  startHeight?: number;
  /** How new chains behave (see profiles.ts): as mempool.space by default. */
  profile?: ProfileName;
}

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

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Devnet {
  readonly url: string;
  readonly port: number;
  chain(id?: string): DevnetChain;
  createChain(options?: ChainOptions): DevnetChain;
  close(): Promise<void>;
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const startHeight = options.startHeight ?? 100;
  const defaults: ChainOptions = { profile: options.profile ?? 'mempool' };
  const chains = new Map<string, DevnetChain>([['main', new DevnetChain('main', startHeight, defaults)]]);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 50_000 });
  let baseUrl = '';

  const createChain = (chainOptions: ChainOptions = {}): DevnetChain => {
    const given = Object.fromEntries(Object.entries(chainOptions).filter(([, value]) => value !== undefined));
    const chain = new DevnetChain(randomBytes(6).toString('hex'), startHeight, { ...defaults, ...given });
    chains.set(chain.id, chain);
    return chain;
  };

  /** `/chains/:id/rest…` or `/rest…` (chain main). */
  const route = (path: string): { chain: DevnetChain | undefined; rest: string } => {
    const match = /^\/chains\/([0-9a-z]+)(\/.*)$/.exec(path);
    return match ? { chain: chains.get(match[1]!), rest: match[2]! } : { chain: chains.get('main'), rest: path };
  };

  const links = (chain: DevnetChain): Record<string, string> => {
    const prefix = chain.id === 'main' ? '' : `/chains/${chain.id}`;
    return {
      id: chain.id,
      api: `${baseUrl}${prefix}/api`,
      ws: `${baseUrl.replace(/^http/, 'ws')}${prefix}/api/v1/ws`,
      control: `${baseUrl}${prefix}/control`,
    };
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      response.end(String(error?.message ?? error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://devnet');
    const { chain, rest } = route(url.pathname);
    const cors = (): Record<string, string> => ({
      'access-control-allow-origin': '*',
      ...(chain?.profile.exposeRetryAfter ? { 'access-control-expose-headers': 'Retry-After' } : {}),
    });
    /** The answer, decided when the request arrives and sent after the chain's latency. */
    let answer: Answer | null = null;
    const text = (status: number, body: string, extra: Record<string, string> = {}): void => {
      answer = { status, headers: { ...cors(), 'content-type': 'text/plain', ...extra }, body };
    };
    const json = (status: number, body: unknown): void => {
      answer = { status, headers: { ...cors(), 'content-type': 'application/json' }, body: JSON.stringify(body) };
    };
    const send = ({ status, headers, body }: Answer): void => {
      response.writeHead(status, headers);
      response.end(body);
    };
    if (url.pathname === '/health') return send({ status: 200, headers: cors(), body: 'ok' });
    if (!chain) return send({ status: 404, headers: cors(), body: 'No such chain' });
    if (rest.startsWith('/control'))
      return control(chain, rest.slice('/control'.length), request, response, (status, body) =>
        send({ status, headers: { ...cors(), 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      );
    if (!rest.startsWith('/api/')) return send({ status: 404, headers: cors(), body: 'Not found' });
    if (chain.downUntil > Date.now()) return void request.socket.destroy();
    // Esplora's nginx does not answer preflights (esplora#505): a request that needs one fails
    // here as it would there.
    if (request.method === 'OPTIONS') return send({ status: 405, headers: {}, body: '' });
    const path = rest.slice('/api'.length);
    const name = routeName(request.method ?? 'GET', path);
    chain.stats.rest.total++;
    chain.stats.rest.byRoute[name] = (chain.stats.rest.byRoute[name] ?? 0) + 1;
    const logged = { at: performance.timeOrigin + performance.now(), route: name, status: 0 };
    chain.requests.push(logged);
    if (chain.requests.length > 10_000) chain.requests.shift();
    const { profile } = chain;
    /** A rate-limited answer, as the profile's front end gives it. */
    const tooMany = (retryAfter?: number): Answer => {
      const shape = profile.tooManyRequests;
      return {
        status: 429,
        headers: {
          'content-type': shape.type,
          ...(shape.cors ? cors() : {}),
          ...((shape.retryAfter || profile.name === 'lenient') && retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
        },
        body: shape.body,
      };
    };
    const cacheable = request.method === 'GET' && profile.cacheMs > 0 && /^\/(blocks\/tip\/|address\/)/.test(path);
    const key = url.pathname + url.search;
    const cached = cacheable ? chain.cache.get(key) : undefined;
    const fault = chain.faults.find((candidate) => candidate.remaining > 0 && (!candidate.match || path.includes(candidate.match)));
    if (!chain.allow(request.socket.remoteAddress ?? '')) {
      answer = tooMany();
    } else if (fault && fault.kind && fault.kind !== 'status') {
      fault.remaining--;
      if (fault.kind === 'reset') return void request.socket.destroy();
      if (fault.kind === 'hang') {
        // Accepted and never answered, until the connection is given up or `ms` pass.
        await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 60_000));
        return void request.socket.destroy();
      }
      answer =
        fault.kind === 'garbage'
          ? {
              status: 200,
              headers: { ...cors(), 'content-type': 'text/html' },
              body: '<!doctype html><title>Just a moment…</title><p>Checking your browser.',
            }
          : {
              status: fault.status,
              headers: { 'content-type': 'text/html' },
              body: `<html><body><h1>${fault.status}</h1>nginx</body></html>`,
            };
    } else if (fault) {
      fault.remaining--;
      // An internal error is a 500, or a 400 on mempool/electrs (m-rest.rs:1986-1996).
      const status = fault.status === 500 ? profile.internalErrorStatus : fault.status;
      answer =
        fault.status === 429
          ? tooMany(fault.retryAfter)
          : {
              status,
              headers: {
                ...cors(),
                'content-type': 'text/plain',
                ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
              },
              body: status === 400 ? 'internal error: electrs connection reset' : `devnet: injected HTTP ${status}`,
            };
    } else if (cached && Date.now() - cached.at < profile.cacheMs) {
      // Served from the cache: as old as it is, while the socket pushes what is new at once.
      answer = {
        status: cached.status,
        headers: { ...cors(), 'content-type': cached.type, 'cache-control': 'public, max-age=10' },
        body: cached.body,
      };
    } else {
      await api(chain, request, path, url, text, json);
      if (cacheable && answer)
        chain.cache.set(key, {
          at: Date.now(),
          status: (answer as Answer).status,
          type: (answer as Answer).headers['content-type']!,
          body: (answer as Answer).body,
        });
    }
    // The answer was fixed on arrival; the latency is its way back.
    if (chain.latencyMs) await new Promise((resolve) => setTimeout(resolve, chain.latencyMs));
    const sent = answer ?? { status: 404, headers: cors(), body: 'Not found' };
    logged.status = sent.status;
    send(sent);
  }

  async function api(
    target: DevnetChain,
    request: IncomingMessage,
    path: string,
    url: URL,
    text: (status: number, body: string) => void,
    json: (status: number, body: unknown) => void,
  ): Promise<void> {
    const { chain, prices, profile } = target;
    let match: RegExpExecArray | null;
    // A test network's backend never updates its prices (price-updater.ts:139-143).
    const noPrices = profile.noTestnetPrices && target.network !== 'mainnet';
    /** The address's own network, as electrs checks it (m-rest.rs:1894-1922); null when it is none. */
    const validAddress = (address: string): boolean =>
      !!scriptOf(address) && (!profile.strictNetwork || networkOf(address) === family(target.network));
    if (request.method === 'GET') {
      if (path === '/blocks/tip/height') return text(200, String(chain.tip.height));
      if (path === '/blocks/tip/hash') return text(200, chain.tip.hash);
      if (path.startsWith('/v1/') && !profile.prices) return text(404, `endpoint does not exist ${JSON.stringify(path)}`);
      if (path === '/v1/prices') {
        if (noPrices) return json(200, { time: 0, ...Object.fromEntries(Object.keys(prices).map((currency) => [currency, -1])) });
        return json(200, { time: Math.floor(Date.now() / 1000), ...prices });
      }
      if (path === '/v1/historical-price' && noPrices) return json(400, { error: 'Prices are not available on testnets.' });
      if (path === '/v1/historical-price') {
        // The nearest price at or before the timestamp, as mempool answers; no currency: all of them.
        const timestamp = Number(url.searchParams.get('timestamp') ?? Date.now() / 1000);
        const currency = url.searchParams.get('currency');
        const entry = [...target.priceHistory].reverse().find((point) => point.time <= timestamp) ?? target.priceHistory[0]!;
        if (currency && !(currency in entry.prices)) return json(200, null);
        const point = currency
          ? { time: entry.time, [currency]: entry.prices[currency], USD: entry.prices.USD }
          : { time: entry.time, ...entry.prices };
        return json(200, { prices: [point], exchangeRates: {} });
      }
      if ((match = /^\/address\/([^/]+)(\/txs(?:\/(chain|mempool)(?:\/([0-9a-f]{64}))?)?)?$/.exec(path))) {
        const address = match[1]!;
        if (!scriptOf(address)) return text(400, 'Invalid Bitcoin address');
        if (!validAddress(address)) return text(400, 'Address on invalid network');
        const { mempool, confirmed } = chain.history(address);
        if (!match[2]) return json(200, addressStats(address, mempool, confirmed));
        if (match[3] === 'chain' && !profile.chainPaging) return text(404, `Cannot GET /api${path}`);
        // /txs/chain/:last_seen_txid pages on through the confirmed history, 25 at a time.
        const after = match[4] ? confirmed.findIndex((tx) => tx.txid === match![4]) : -1;
        if (match[4] && after < 0) return text(422, 'Transaction not found');
        if (match[3] === 'chain')
          return json(
            200,
            confirmed.slice(after + 1, after + 26).map((tx) => chain.esplora(tx)),
          );
        if (match[3] === 'mempool')
          return json(
            200,
            mempool.slice(0, 50).map((tx) => chain.esplora(tx)),
          );
        return json(
          200,
          addressPage(profile, mempool, confirmed, url).map((tx) => chain.esplora(tx)),
        );
      }
      if ((match = /^\/tx\/([0-9a-f]{64})(\/status)?$/.exec(path))) {
        const entry = chain.txs.get(match[1]!);
        // An unknown txid is 404 here but 200 {confirmed:false} on /status (docs/protocol.md G5).
        if (match[2]) return json(200, entry ? chain.esplora(entry.tx).status : { confirmed: false });
        return entry ? json(200, chain.esplora(entry.tx)) : text(404, 'Transaction not found');
      }
    }
    if (request.method === 'POST' && path === '/addresses/txs' && !target.batchEnabled) {
      // Blockstream's electrs has no such route (b-rest.rs:1152); the Node backend neither.
      return text(404, profile.name === 'esplora' ? 'endpoint does not exist "/addresses/txs"' : 'Cannot POST /api/addresses/txs');
    }
    if (request.method === 'POST' && path === '/addresses/txs' && target.batchEnabled) {
      // electrs parses the body whatever its content type (docs/protocol.md §2.2).
      let addresses: unknown;
      try {
        addresses = JSON.parse(await readBody(request, 1_000_000));
      } catch {
        return text(400, 'Invalid JSON');
      }
      if (!Array.isArray(addresses) || addresses.length > 300) return text(422, 'body too long');
      if (profile.strictNetwork) {
        // Invalid or foreign addresses are dropped silently (m-rest.rs:998-1003).
        addresses = addresses.filter((address) => typeof address === 'string' && validAddress(address));
      } else if (!addresses.every((address) => typeof address === 'string' && scriptOf(address))) {
        return text(400, 'Invalid Bitcoin address');
      }
      const maxTxs = Math.min(Number(url.searchParams.get('max_txs') ?? 50) || 50, 500);
      const seen = new Map<string, DevTx>();
      for (const address of addresses as string[]) {
        const { mempool, confirmed } = chain.history(address);
        for (const tx of [...mempool, ...confirmed]) seen.set(tx.txid, tx);
      }
      let list = [...seen.values()];
      const after = url.searchParams.get('after_txid');
      if (after) {
        const at = list.findIndex((tx) => tx.txid === after);
        if (at < 0) return text(422, 'after_txid not found');
        list = list.slice(at + 1);
      }
      return json(
        200,
        list.slice(0, maxTxs).map((tx) => chain.esplora(tx)),
      );
    }
    return text(404, 'Not found');
  }

  async function control(
    target: DevnetChain,
    action: string,
    request: IncomingMessage,
    response: ServerResponse,
    json: (status: number, body: unknown) => void,
  ): Promise<void> {
    // The control API is for tests and the demo page, which call it from the browser with JSON.
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type',
      });
      return void response.end();
    }
    const body: Record<string, unknown> = request.method === 'POST' ? JSON.parse((await readBody(request, 1_000_000)) || '{}') : {};
    const { chain } = target;
    const outputs = (): Output[] =>
      Array.isArray(body.outputs) ? (body.outputs as Output[]) : [{ address: String(body.address), sats: Number(body.sats) }];
    try {
      switch (action) {
        case '/chains':
          return json(
            200,
            links(
              createChain({
                profile: body.profile as ProfileName | undefined,
                network: body.network as ChainOptions['network'],
                latencyMs: body.latencyMs as number | undefined,
              }),
            ),
          );
        case '/profile':
          target.setProfile(String(body.name) as ProfileName);
          return json(200, { profile: target.profile.name });
        case '/restart-backend':
          // The backend restarts: sockets drop, and until a block is mined `want` gets no `blocks` reply.
          target.blocksLoaded = false;
          target.cache.clear();
          target.disconnectAll();
          return json(200, { restarted: true });
        case '':
        case '/state':
          return json(200, {
            ...links(target),
            profile: target.profile.name,
            network: target.network,
            height: chain.tip.height,
            mempool: [...chain.mempool.keys()],
            sockets: target.clients.size,
            stats: target.stats,
          });
        case '/pay': {
          const tx = chain.pay(outputs(), { rbf: body.rbf === true });
          if (body.confirm === true) chain.mine(1);
          return json(200, { txid: tx.txid, height: chain.tip.height });
        }
        case '/mine':
          return json(200, {
            blocks: chain.mine(Number(body.blocks ?? 1), (body.leave as string[]) ?? []).map((block) => block.hash),
            height: chain.tip.height,
          });
        case '/replace':
          return json(200, { txid: chain.replace(String(body.txid), body.address || body.outputs ? outputs() : null).txid });
        case '/drop':
          chain.drop(String(body.txid));
          return json(200, {});
        case '/reorg':
          chain.reorg(Number(body.depth ?? 1), { drop: body.drop as string[] | undefined, leave: body.leave as string[] | undefined });
          return json(200, { height: chain.tip.height });
        case '/disconnect':
          target.disconnectAll();
          return json(200, { closed: true });
        case '/ws':
          target.wsEnabled = body.enabled !== false;
          if (!target.wsEnabled) target.disconnectAll();
          return json(200, { enabled: target.wsEnabled });
        case '/fail':
          target.faults.push({
            status: Number(body.status ?? 500),
            remaining: Number(body.count ?? 1),
            retryAfter: body.retryAfter as number | undefined,
            match: body.match as string | undefined,
            kind: body.kind as Fault['kind'],
            ms: body.ms as number | undefined,
          });
          return json(200, { faults: target.faults.length });
        case '/heal':
          // Every fault pending is dropped and the backend is up again.
          target.faults = [];
          target.downUntil = 0;
          return json(200, {});
        case '/down':
          // The backend goes away for `ms`: open sockets drop, new connections are reset.
          target.downUntil = Date.now() + Number(body.ms ?? 5_000);
          target.disconnectAll();
          return json(200, { until: target.downUntil });
        case '/inject':
          // Raw frames (malformed, unknown), and earlier frames again (duplicates, out of order).
          for (const frame of (body.frames as string[] | undefined) ?? []) target.sendRaw(frame);
          if (body.replay !== undefined) target.replay(Number(body.replay));
          return json(200, {});
        case '/batch':
          target.batchEnabled = body.enabled !== false;
          return json(200, { enabled: target.batchEnabled });
        case '/latency':
          target.latencyMs = Number(body.ms ?? 0);
          return json(200, { ms: target.latencyMs });
        case '/prices': {
          // {USD: …} sets today's prices; {time, USD: …} adds a point to the history only.
          const { time, ...prices } = body as Record<string, number>;
          if (time === undefined) target.prices = { ...target.prices, ...prices };
          const at = time ?? Math.floor(Date.now() / 1000);
          target.priceHistory = [
            ...target.priceHistory.filter((point) => point.time !== at),
            { time: at, prices: { ...(time === undefined ? target.prices : { ...target.priceHistory.at(-1)!.prices, ...prices }) } },
          ].sort((a, b) => a.time - b.time);
          return json(200, target.prices);
        }
        case '/stats':
          return json(200, target.stats);
        case '/reset-stats':
          target.stats = DevnetChain.emptyStats();
          return json(200, target.stats);
        default:
          return json(404, { error: `no control action ${action}` });
      }
    } catch (error) {
      return json(400, { error: (error as Error).message });
    }
  }

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://devnet');
    const { chain, rest } = route(url.pathname);
    // The backend attaches its websocket to any path (docs/protocol.md §1.1); production serves /api/v1/ws.
    if (!chain || !['/api/v1/ws', '/ws'].includes(rest) || chain.downUntil > Date.now()) return socket.destroy();
    if (!chain.wsEnabled) {
      // No websocket behind this API: the upgrade is answered as a plain GET, with a 404.
      socket.end(
        'HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 24\r\nconnection: close\r\n\r\nendpoint does not exist\n',
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { socket: ws, want: new Set(), address: null, recent: [], sent: [] };
      chain.clients.add(client);
      chain.stats.ws.connections++;
      chain.stats.ws.open = chain.clients.size;
      ws.on('message', (data) => chain.receive(client, String(data)));
      ws.on('close', () => {
        chain.clients.delete(client);
        chain.stats.ws.open = chain.clients.size;
      });
      ws.on('error', () => ws.terminate());
    });
  });

  const listening = await listen(server, options.port, options.host);
  baseUrl = listening.url;

  return {
    url: baseUrl,
    port: listening.port,
    chain: (chainId = 'main') => chains.get(chainId)!,
    createChain,
    async close() {
      for (const chain of chains.values()) chain.disconnectAll();
      wss.close();
      await listening.close();
    },
  };
}

function routeName(method: string, path: string): string {
  if (method === 'POST') return path.slice(1).replace(/\//g, '-');
  if (path.startsWith('/blocks/tip/')) return `tip-${path.slice('/blocks/tip/'.length)}`;
  if (path.startsWith('/address/'))
    return path.endsWith('/txs') ? 'address-txs' : path.includes('/txs/') ? `address-txs-${path.split('/').pop()}` : 'address';
  if (path.startsWith('/tx/')) return path.endsWith('/status') ? 'tx-status' : 'tx';
  if (path === '/v1/prices') return 'prices';
  if (path === '/v1/historical-price') return 'historical-price';
  return 'other';
}

function addressStats(address: string, mempool: DevTx[], confirmed: DevTx[]): Record<string, unknown> {
  const stats = (txs: DevTx[]) => {
    const funded = txs.flatMap((tx) => tx.outputs.filter((output) => output.address === address));
    return {
      funded_txo_count: funded.length,
      funded_txo_sum: funded.reduce((total, output) => total + output.sats, 0),
      spent_txo_count: 0,
      spent_txo_sum: 0,
      tx_count: txs.length,
    };
  };
  return { address, chain_stats: stats(confirmed), mempool_stats: stats(mempool) };
}

/** The network family of an address by its prefix: mainnet, test networks (tb1/m/n/2), or regtest (bcrt1). */
function networkOf(address: string): 'mainnet' | 'test' | 'regtest' {
  if (/^bcrt1/i.test(address)) return 'regtest';
  return /^(bc1|[13])/i.test(address) ? 'mainnet' : 'test';
}
const family = (network: string): 'mainnet' | 'test' | 'regtest' =>
  network === 'mainnet' ? 'mainnet' : network === 'regtest' ? 'regtest' : 'test';

/** `GET /address/:a/txs` as the profile's backend pages it (newest first). */
function addressPage(profile: DevnetProfile, mempool: DevTx[], confirmed: DevTx[], url: URL): DevTx[] {
  const all = [...mempool, ...confirmed];
  if (profile.addressPage === 'esplora') return [...mempool.slice(0, 50), ...confirmed.slice(0, 25)];
  const after = url.searchParams.get('after_txid');
  const start = after ? all.findIndex((tx) => tx.txid === after) + 1 : 0;
  if (profile.addressPage === 'electrum') return all.slice(start, start + 10);
  // mempool/electrs: max_txs (default 50) in total, mempool first (m-rest.rs:904-971).
  const max = Math.max(Number(url.searchParams.get('max_txs') ?? 50) || 50, 1);
  return all.slice(start, start + max);
}
