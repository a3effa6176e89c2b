/**
 * `btc-checkout/devnet`: a local stand-in for mempool.space. It speaks the same REST and
 * websocket protocol (paths, shapes, text/plain tips, 404 texts, batch POST, /v1/prices; see
 * protocol.md) over in-memory regtest-like chains, and adds a control API to pay, mine, replace,
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
import { listen, readBody } from '../server/http.js';

export interface DevnetOptions {
  port?: number;
  host?: string;
  /** Height of each new chain's tip. */
  startHeight?: number;
}

export interface Fault {
  status: number;
  remaining: number;
  retryAfter?: number;
  /** Only requests whose path contains this fail. */
  match?: string;
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
}

/** Prices in the shape of mempool's /api/v1/prices: integer fiat per BTC, -1 when unavailable. */
export const DEFAULT_PRICES: Readonly<Record<string, number>> = {
  USD: 100_000, EUR: 92_000, GBP: 79_000, CAD: 137_000, CHF: 88_000, AUD: 153_000, JPY: 15_000_000,
  BGN: -1, BRL: -1, CNY: 720_000, CZK: -1, DKK: -1, HKD: -1, HRK: -1, HUF: -1, IDR: -1, ILS: -1, INR: -1,
  ISK: -1, KRW: -1, MXN: -1, MYR: -1, NOK: -1, NZD: -1, PHP: -1, PLN: -1, RON: -1, RUB: -1, SEK: -1,
  SGD: -1, THB: -1, TRY: -1, ZAR: -1,
};

export class DevnetChain {
  readonly chain: DevChain;
  readonly clients: Set<Client> = new Set();
  faults: Fault[] = [];
  latencyMs = 0;
  wsEnabled = true;
  /** Off: no batch endpoint, as on Blockstream's Esplora. */
  batchEnabled = true;
  prices: Record<string, number> = { ...DEFAULT_PRICES };
  /** Prices over time (Unix seconds), oldest first, for `/v1/historical-price`: the defaults since long ago. */
  priceHistory: { time: number; prices: Record<string, number> }[] = [{ time: 0, prices: { ...DEFAULT_PRICES } }];
  stats: ChainStats = DevnetChain.emptyStats();

  readonly id: string;

  constructor(id: string, startHeight: number) {
    this.id = id;
    this.chain = new DevChain(startHeight);
    this.chain.subscribe((change) => this.broadcast(change));
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
    client.socket.send(JSON.stringify(frame));
  }

  private broadcast(change: ChainChange): void {
    const { chain } = this;
    const touches = (tx: DevTx, address: string | null): boolean => !!address && tx.outputs.some((output) => output.address === address);
    for (const client of this.clients) {
      const frame: Record<string, unknown> = {};
      if (change.type === 'mempool-add' && touches(change.tx, client.address)) frame['address-transactions'] = [chain.esplora(change.tx)];
      if (change.type === 'mempool-remove' && touches(change.tx, client.address)) frame['address-removed-transactions'] = [chain.esplora(change.tx)];
      if (change.type === 'block') {
        if (client.want.has('blocks')) frame.block = chain.blockSummary(change.block);
        const mine = change.txs.filter((tx) => touches(tx, client.address));
        if (mine.length) frame['block-transactions'] = mine.map((tx) => chain.esplora(tx));
      }
      if (change.type === 'reorg' && client.want.has('blocks')) frame.blocks = change.blocks.map((block) => chain.blockSummary(block));
      if (Object.keys(frame).length) this.send(client, frame);
    }
  }

  /** A client frame, handled the way mempool's websocket handler does (protocol.md §1.2). */
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
      if (client.want.has('blocks') && !had) reply.blocks = this.chain.blocks.slice(-8).map((block) => this.chain.blockSummary(block));
    }
    if ('track-address' in message) {
      // An address that fails validation unsubscribes, silently (G4).
      const address = message['track-address'];
      client.address = typeof address === 'string' && scriptOf(address) ? address : null;
    }
    if (message.action === 'ping') reply.pong = true;
    if (Object.keys(reply).length) this.send(client, reply);
    // Unsolicited broadcast frames arrive whatever a client asked for (G9).
    if (reply.blocks) this.send(client, { conversions: { time: Math.floor(now / 1000), ...this.prices } });
  }

  disconnectAll(): void {
    for (const client of this.clients) client.socket.terminate();
  }
}

const API_HEADERS = {
  'access-control-allow-origin': '*',
  // So that tests can check Retry-After is honoured; public servers may hide it (see README).
  'access-control-expose-headers': 'Retry-After',
};

export interface Devnet {
  readonly url: string;
  readonly port: number;
  chain(id?: string): DevnetChain;
  createChain(): DevnetChain;
  close(): Promise<void>;
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const startHeight = options.startHeight ?? 100;
  const chains = new Map<string, DevnetChain>([['main', new DevnetChain('main', startHeight)]]);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 50_000 });
  let baseUrl = '';

  const createChain = (): DevnetChain => {
    const chain = new DevnetChain(randomBytes(6).toString('hex'), startHeight);
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
    return { id: chain.id, api: `${baseUrl}${prefix}/api`, ws: `${baseUrl.replace(/^http/, 'ws')}${prefix}/api/v1/ws`, control: `${baseUrl}${prefix}/control` };
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { ...API_HEADERS, 'content-type': 'text/plain' });
      response.end(String(error?.message ?? error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://devnet');
    const { chain, rest } = route(url.pathname);
    const text = (status: number, body: string, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { ...API_HEADERS, 'content-type': 'text/plain', ...headers });
      response.end(body);
    };
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { ...API_HEADERS, 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/health') return text(200, 'ok');
    if (!chain) return text(404, 'No such chain');
    if (rest.startsWith('/control')) return control(chain, rest.slice('/control'.length), request, response, json);
    if (!rest.startsWith('/api/')) return text(404, 'Not found');
    // Esplora's nginx does not answer preflights (esplora#505): a request that needs one fails
    // here as it would there.
    if (request.method === 'OPTIONS') {
      response.writeHead(405);
      return void response.end();
    }
    const path = rest.slice('/api'.length);
    const name = routeName(request.method ?? 'GET', path);
    chain.stats.rest.total++;
    chain.stats.rest.byRoute[name] = (chain.stats.rest.byRoute[name] ?? 0) + 1;
    if (chain.latencyMs) await new Promise((resolve) => setTimeout(resolve, chain.latencyMs));
    const fault = chain.faults.find((candidate) => candidate.remaining > 0 && (!candidate.match || path.includes(candidate.match)));
    if (fault) {
      fault.remaining--;
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      // mempool.space's 429 is nginx's HTML page (protocol.md §2.5).
      return fault.status === 429
        ? text(429, '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>', { ...headers, 'content-type': 'text/html' })
        : text(fault.status, `devnet: injected HTTP ${fault.status}`, headers);
    }
    return api(chain, request, path, url, text, json);
  }

  async function api(
    target: DevnetChain,
    request: IncomingMessage,
    path: string,
    url: URL,
    text: (status: number, body: string) => void,
    json: (status: number, body: unknown) => void,
  ): Promise<void> {
    const { chain, prices } = target;
    let match: RegExpExecArray | null;
    if (request.method === 'GET') {
      if (path === '/blocks/tip/height') return text(200, String(chain.tip.height));
      if (path === '/blocks/tip/hash') return text(200, chain.tip.hash);
      if (path === '/v1/prices') return json(200, { time: Math.floor(Date.now() / 1000), ...prices });
      if (path === '/v1/historical-price') {
        // The nearest price at or before the timestamp, as mempool answers; no currency: all of them.
        const timestamp = Number(url.searchParams.get('timestamp') ?? Date.now() / 1000);
        const currency = url.searchParams.get('currency');
        const entry = [...target.priceHistory].reverse().find((point) => point.time <= timestamp) ?? target.priceHistory[0]!;
        if (currency && !(currency in entry.prices)) return json(200, null);
        const point = currency ? { time: entry.time, [currency]: entry.prices[currency], USD: entry.prices.USD } : { time: entry.time, ...entry.prices };
        return json(200, { prices: [point], exchangeRates: {} });
      }
      if ((match = /^\/address\/([^/]+)(\/txs(?:\/(chain|mempool)(?:\/([0-9a-f]{64}))?)?)?$/.exec(path))) {
        const address = match[1]!;
        if (!scriptOf(address)) return text(400, 'Invalid Bitcoin address');
        const { mempool, confirmed } = chain.history(address);
        if (!match[2]) return json(200, addressStats(address, mempool, confirmed));
        // /txs/chain/:last_seen_txid pages on through the confirmed history, 25 at a time.
        const after = match[4] ? confirmed.findIndex((tx) => tx.txid === match![4]) : -1;
        if (match[4] && after < 0) return text(422, 'Transaction not found');
        const list = match[3] === 'chain' ? confirmed.slice(after + 1, after + 26) : match[3] === 'mempool' ? mempool.slice(0, 50) : [...mempool.slice(0, 50), ...confirmed.slice(0, 25)];
        return json(200, list.map((tx) => chain.esplora(tx)));
      }
      if ((match = /^\/tx\/([0-9a-f]{64})(\/status)?$/.exec(path))) {
        const entry = chain.txs.get(match[1]!);
        // An unknown txid is 404 here but 200 {confirmed:false} on /status (G5).
        if (match[2]) return json(200, entry ? chain.esplora(entry.tx).status : { confirmed: false });
        return entry ? json(200, chain.esplora(entry.tx)) : text(404, 'Transaction not found');
      }
    }
    if (request.method === 'POST' && path === '/addresses/txs' && target.batchEnabled) {
      // electrs parses the body whatever its content type (protocol.md §2.2).
      let addresses: unknown;
      try {
        addresses = JSON.parse(await readBody(request, 1_000_000));
      } catch {
        return text(400, 'Invalid JSON');
      }
      if (!Array.isArray(addresses) || addresses.length > 300) return text(422, 'body too long');
      if (!addresses.every((address) => typeof address === 'string' && scriptOf(address))) return text(400, 'Invalid Bitcoin address');
      const maxTxs = Math.min(Number(url.searchParams.get('max_txs') ?? 50) || 50, 500);
      const seen = new Map<string, DevTx>();
      for (const address of addresses) {
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
      return json(200, list.slice(0, maxTxs).map((tx) => chain.esplora(tx)));
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
      response.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' });
      return void response.end();
    }
    const body: Record<string, unknown> = request.method === 'POST' ? JSON.parse((await readBody(request, 1_000_000)) || '{}') : {};
    const { chain } = target;
    const outputs = (): Output[] =>
      Array.isArray(body.outputs) ? (body.outputs as Output[]) : [{ address: String(body.address), sats: Number(body.sats) }];
    try {
      switch (action) {
        case '/chains':
          return json(200, links(createChain()));
        case '':
        case '/state':
          return json(200, { ...links(target), height: chain.tip.height, mempool: [...chain.mempool.keys()], sockets: target.clients.size, stats: target.stats });
        case '/pay': {
          const tx = chain.pay(outputs(), { rbf: body.rbf === true });
          if (body.confirm === true) chain.mine(1);
          return json(200, { txid: tx.txid, height: chain.tip.height });
        }
        case '/mine':
          return json(200, { blocks: chain.mine(Number(body.blocks ?? 1), (body.leave as string[]) ?? []).map((block) => block.hash), height: chain.tip.height });
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
          target.faults.push({ status: Number(body.status ?? 500), remaining: Number(body.count ?? 1), retryAfter: body.retryAfter as number | undefined, match: body.match as string | undefined });
          return json(200, { faults: target.faults.length });
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
          target.priceHistory = [...target.priceHistory.filter((point) => point.time !== at), { time: at, prices: { ...(time === undefined ? target.prices : { ...target.priceHistory.at(-1)!.prices, ...prices }) } }].sort((a, b) => a.time - b.time);
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
    // The backend attaches its websocket to any path (protocol.md §1.1); production serves /api/v1/ws.
    if (!chain || !chain.wsEnabled || !['/api/v1/ws', '/ws'].includes(rest)) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { socket: ws, want: new Set(), address: null, recent: [] };
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
  if (path.startsWith('/address/')) return path.endsWith('/txs') ? 'address-txs' : path.includes('/txs/') ? `address-txs-${path.split('/').pop()}` : 'address';
  if (path.startsWith('/tx/')) return path.endsWith('/status') ? 'tx-status' : 'tx';
  if (path === '/v1/prices') return 'prices';
  if (path === '/v1/historical-price') return 'historical-price';
  return 'other';
}

function addressStats(address: string, mempool: DevTx[], confirmed: DevTx[]): Record<string, unknown> {
  const stats = (txs: DevTx[]) => {
    const funded = txs.flatMap((tx) => tx.outputs.filter((output) => output.address === address));
    return { funded_txo_count: funded.length, funded_txo_sum: funded.reduce((total, output) => total + output.sats, 0), spent_txo_count: 0, spent_txo_sum: 0, tx_count: txs.length };
  };
  return { address, chain_stats: stats(confirmed), mempool_stats: stats(mempool) };
}
