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
import { WebSocketServer } from 'ws';
import { answerControl } from './control.js';
import { DevnetChain, type ChainOptions, type Client } from './devnet-chain.js';
import type { ProfileName } from './profiles.js';
import { answerRest, corsOf, type Answer } from './rest.js';
import { listen, readBody } from '../http.js';
import { LightningServices } from './lightning.js';

export interface DevnetOptions {
  port?: number;
  host?: string;
  /** Height of each new chain's tip. */
  startHeight?: number;
  /** How new chains behave (see profiles.ts): as mempool.space by default. */
  profile?: ProfileName;
}

export interface Devnet {
  readonly url: string;
  readonly port: number;
  chain(id?: string): DevnetChain;
  createChain(options?: ChainOptions): DevnetChain;
  /** Its Lightning Address services (see lightning.ts). */
  readonly lightning: LightningServices;
  close(): Promise<void>;
}

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const startHeight = options.startHeight ?? 100;
  const defaults: ChainOptions = { profile: options.profile ?? 'mempool' };
  const chains = new Map<string, DevnetChain>([['main', new DevnetChain('main', startHeight, defaults)]]);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 50_000 });
  let baseUrl = '';
  const lightning = new LightningServices(() => baseUrl);

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
    const answer = async (): Promise<Answer | null> => {
      if (url.pathname === '/health') return { status: 200, headers: corsOf(chain), body: 'ok' };
      const lightningAnswer = lightning.answer(url.pathname, url.searchParams);
      if (lightningAnswer) return lightningAnswer;
      if (url.pathname.startsWith('/lightning/')) return controlLightning(url.pathname, request);
      if (!chain) return { status: 404, headers: corsOf(chain), body: 'No such chain' };
      if (rest.startsWith('/control')) return answerControl(chain, rest.slice('/control'.length), request, { createChain, links });
      if (!rest.startsWith('/api/')) return { status: 404, headers: corsOf(chain), body: 'Not found' };
      return answerRest(chain, request, url, rest.slice('/api'.length));
    };
    const sent = await answer();
    if (!sent) return;
    response.writeHead(sent.status, sent.headers);
    response.end(sent.body);
  }

  /**
   * The Lightning services' control, for tests and the demo page: `POST /lightning/services`
   * (options in the body) makes one, `POST /lightning/settle` ({pr} or {paymentHash}) pays an
   * invoice, `GET /lightning/services/<name>` reads its counts.
   */
  async function controlLightning(path: string, request: IncomingMessage): Promise<Answer> {
    const json = (status: number, body: unknown): Answer => ({
      status,
      headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (request.method === 'OPTIONS') {
      return { status: 204, headers: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST' }, body: '' };
    }
    const body = request.method === 'POST' ? JSON.parse((await readBody(request, 100_000)) || '{}') : {};
    if (path === '/lightning/services' && request.method === 'POST') return json(200, lightning.create(body));
    if (path === '/lightning/settle' && request.method === 'POST') {
      const settled = lightning.settle(body);
      return settled ? json(200, settled) : json(404, { error: 'no such invoice' });
    }
    const name = /^\/lightning\/services\/([^/]+)$/.exec(path)?.[1];
    const stats = name ? lightning.stats(name) : null;
    if (stats) return json(200, stats);
    return json(404, { error: 'no such Lightning control' });
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
    lightning,
    async close() {
      for (const chain of chains.values()) chain.disconnectAll();
      wss.close();
      await listening.close();
    },
  };
}

export { DevnetChain, DEFAULT_PRICES, type ChainOptions, type ChainStats, type Client, type Fault } from './devnet-chain.js';
