/**
 * A reference webhook receiver, in plain Node (no framework), safe to expose to the internet:
 * copy it, or read it to write yours.
 *
 * - **The price is the merchant's.** A call's amount is whatever the buyer's page was edited to
 *   ask, so an invoice is held to the merchant's price: the price token the merchant signed
 *   (`priceKey`), or its price list (`prices`, by item or order reference). No price, no sale.
 * - **The chain decides, once.** Every call is checked with `verifyPayment`; one transaction
 *   settles one invoice, durably (a restart forgets nothing); a payment that matches two open
 *   invoices alike is left for the merchant to settle by hand, never given to the first to ask.
 * - **Bounded.** Open invoices are capped per address and in all, re-checks and API requests are
 *   rate-limited, so a flood of forged calls can neither hammer the API nor grow the database.
 * - **Private log.** `GET /log` answers the merchant only: a bearer token, or from this machine.
 * - It hands out receive indices (`POST /index`, for the element's `index-url`), each once: those
 *   addresses are exclusive, and the GET formats (which name an order by its address) are only
 *   accepted for them.
 *
 * Routes: `POST /index`, `POST /json`, `GET /blockonomics`, `GET /blockchain-info`, `GET /log`,
 * `GET /lightning` (with `lightning`).
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { fetchTipHeight } from '../../src/core/chain/esplora.js';
import { createRestClient } from '../../src/core/http.js';
import type { FetchLike } from '../../src/core/effects.js';
import { readPriceToken, type Price } from '../../src/core/price-token.js';
import { listen, readBody } from '../http.js';
import { BadRequest, onBlockchainInfo, onBlockonomics, onIndex, onJson } from './callbacks.js';
import { CHECK_COST, RECHECK_FIRST_MS, recheckDue, type ReceiverContext } from './ledger.js';
import { memoryReceiverStore, type LogEntry, type ReceiverStore } from './store.js';
import { sqliteReceiverStore } from './sqlite-store.js';
import { createLightningProxy } from './lightning-proxy.js';

export interface ReceiverOptions {
  /** The shop's extended public key or descriptor (the same one its pages show). */
  xpub: string;
  network?: string;
  addressType?: string;
  /** Esplora / mempool REST API to check payments against. */
  api: string;
  /** Confirmations an order needs. */
  confirmations?: number;
  /** The merchant's price-token key (64 hex digits, `btc-checkout-price --new-key`). */
  priceKey?: string;
  /** The merchant's price list: item or order reference → price; or the path of a JSON file of it. */
  prices?: Record<string, Price> | string;
  /**
   * Where the receiver keeps its records: an SQLite file (default `btc-checkout-receiver.db` in
   * the working directory; `:memory:` forgets at exit), or a store of your own.
   */
  database?: string;
  store?: ReceiverStore;
  /** `GET /log` with `Authorization: Bearer <logToken>`; without one, only from this machine. */
  logToken?: string;
  /** How often the re-check loop runs (default 30 s). */
  recheckMs?: number;
  /** How long after registration an invoice is first re-checked (default 60 s); each later re-check waits twice as long, up to an hour. */
  recheckAfterMs?: number;
  /** How many receive addresses the merchant's wallet looks at (default 1000): no index beyond. */
  lookahead?: number;
  /**
   * The shop's Lightning Address: `GET /lightning?url=…` forwards a checkout's requests to its
   * service, for services that send no CORS headers (see lightning-proxy.ts).
   */
  lightning?: string;
  /** The wallet's gap limit, for finding the last used index before handing out the first (default 20). */
  gapLimit?: number;
  /** Caps on what a flood can cost. */
  limits?: Partial<ReceiverLimits>;
  fetch?: FetchLike;
  now?: () => number;
  port?: number;
  host?: string;
}

export interface ReceiverLimits {
  /** Open invoices per address (default 20) and in all (default 10,000); past them, calls are still checked but not registered. */
  openPerAddress: number;
  open: number;
  /** API requests per minute for checking calls and re-checks (default 120). Past it, calls get 503 and a Retry-After. */
  apiPerMinute: number;
  /** Invoices re-checked per pass (default 20). */
  rechecksPerPass: number;
  /** Log entries kept (default 5,000). */
  log: number;
}

export interface Receiver {
  readonly url: string;
  /** The latest log entries (oldest first). */
  log(limit?: number): Promise<LogEntry[]>;
  /** API requests made so far. */
  readonly apiRequests: number;
  /** Re-checks the invoices that are due (the timer does this too). */
  recheck(): Promise<void>;
  readonly store: ReceiverStore;
  close(): Promise<void>;
}

/** A token bucket: `perMinute` tokens a minute, as many at once at most. */
function bucket(perMinute: number, now: () => number) {
  let tokens = perMinute;
  let at = now();
  const refill = (): void => {
    const time = now();
    tokens = Math.min(perMinute, tokens + ((time - at) * perMinute) / 60_000);
    at = time;
  };
  return {
    has(n: number): boolean {
      refill();
      return tokens >= n;
    },
    take(): boolean {
      refill();
      if (tokens < 1) return false;
      tokens--;
      return true;
    },
  };
}

function loadPrices(prices: ReceiverOptions['prices']): Record<string, Price> {
  if (!prices) return {};
  const list = typeof prices === 'string' ? (JSON.parse(readFileSync(prices, 'utf8')) as Record<string, Price>) : prices;
  for (const [reference, price] of Object.entries(list)) {
    if (!price || typeof price.amount !== 'string' || typeof price.currency !== 'string')
      throw new Error(`The price of ${reference} needs an amount and a currency, as text.`);
  }
  return list;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const now = options.now ?? Date.now;
  const limits: ReceiverLimits = {
    openPerAddress: 20,
    open: 10_000,
    apiPerMinute: 120,
    rechecksPerPass: 20,
    log: 5_000,
    ...options.limits,
  };
  const account = parseAccount(options.xpub, { network: options.network, addressType: options.addressType });
  const prices = loadPrices(options.prices);
  const lookahead = options.lookahead ?? 1000;
  const recheckAfter = options.recheckAfterMs ?? RECHECK_FIRST_MS;
  const store = options.store ?? (await sqliteReceiverStore(options.database ?? 'btc-checkout-receiver.db'));
  const budget = bucket(limits.apiPerMinute, now);
  let apiRequests = 0;
  const baseFetch = options.fetch ?? ((url, init) => fetch(url, init as RequestInit));
  // Every API request is counted against the budget; past it, it fails as an unreachable API would.
  const fetchWithin: FetchLike = (url, init) => {
    if (!budget.take()) return Promise.reject(new Error('API budget exhausted'));
    apiRequests++;
    return baseFetch(url, init);
  };
  const rest = createRestClient([options.api], { fetch: fetchWithin, now });
  const lightningProxy = options.lightning ? createLightningProxy(options.lightning, baseFetch) : null;
  const confirmations = options.confirmations ?? 1;
  const verifyBase = {
    xpub: options.xpub,
    network: options.network,
    addressType: options.addressType,
    api: options.api,
    confirmations,
    maxIndex: lookahead,
    lightning: options.lightning,
    fetch: fetchWithin,
    now,
  };
  // The GET formats say which address was paid, not its index: look it up.
  const indexOf = new Map<string, number>();
  for (let index = 0; index <= lookahead; index++) indexOf.set(deriveAddress(account, index), index);

  const record = (entry: Omit<LogEntry, 'time'>): Promise<void> => store.appendLog({ time: now(), ...entry }, limits.log);

  let tipCache: { height: number; at: number } | null = null;
  const tip = async (): Promise<number | null> => {
    if (tipCache && now() - tipCache.at < 10_000) return tipCache.height;
    try {
      tipCache = { height: await fetchTipHeight(rest), at: now() };
      return tipCache.height;
    } catch {
      return null;
    }
  };

  const ctx: ReceiverContext = {
    options,
    store,
    now,
    limits,
    account,
    prices,
    confirmations,
    lookahead,
    recheckAfter,
    budget,
    rest,
    indexOf,
    verifyBase,
    tip,
    record,
  };

  let rechecking = false;
  /** Re-checks due invoices, one pass at a time. */
  const recheck = async (): Promise<void> => {
    if (rechecking) return;
    rechecking = true;
    try {
      await recheckDue(ctx);
    } finally {
      rechecking = false;
    }
  };

  const fromThisMachine = (request: IncomingMessage): boolean =>
    ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress ?? '');

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://receiver');
    // Webhooks come from the buyers' browsers: any origin may call them, and read "ok".
    const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'access-control-allow-origin': '*', 'content-type': 'text/plain', ...headers });
      response.end(body);
    };
    if (url.pathname === '/log' && request.method === 'GET') {
      const token = options.logToken;
      const allowed = token ? request.headers.authorization === `Bearer ${token}` : fromThisMachine(request);
      // No CORS header: no other site's page can read it.
      response.writeHead(allowed ? 200 : 403, { 'content-type': allowed ? 'application/json' : 'text/plain', 'cache-control': 'no-store' });
      return void response.end(allowed ? JSON.stringify(await store.log(500)) : 'forbidden');
    }
    if (url.pathname === '/lightning' && request.method === 'GET') {
      if (!lightningProxy) return reply(404, 'not found');
      const forwarded = await lightningProxy.forward(url.searchParams.get('url'));
      return reply(forwarded.status, forwarded.body, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST' });
      return void response.end();
    }
    const routes: Record<string, () => Promise<string>> = {
      'POST /index': async () => onIndex(ctx, await readBody(request, 10_000)),
      'POST /json': async () => onJson(ctx, await readBody(request, 100_000)),
      'GET /blockonomics': () => onBlockonomics(ctx, url.searchParams),
      'GET /blockchain-info': () => onBlockchainInfo(ctx, url.searchParams),
    };
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) return reply(404, 'not found');
    // Checking a call costs API requests: past the budget, the caller retries later (the widget does).
    if (url.pathname !== '/index' && !budget.has(CHECK_COST)) return reply(503, 'busy', { 'retry-after': '60' });
    const body = await route();
    reply(200, body, url.pathname === '/index' ? { 'content-type': 'application/json' } : {});
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      if (response.headersSent) return void response.end();
      // Never the internals: a bad request says so, anything else is a plain 500.
      const bad = error instanceof BadRequest;
      response.writeHead(bad ? 400 : 500, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      response.end(bad ? `bad request: ${error.message}` : 'internal error');
    });
  });
  const listening = await listen(server, options.port, options.host);
  const timer = setInterval(() => void recheck().catch(() => undefined), options.recheckMs ?? 30_000);
  return {
    url: listening.url,
    log: (limit = 500) => store.log(limit),
    get apiRequests() {
      return apiRequests;
    },
    recheck,
    store,
    async close() {
      clearInterval(timer);
      await listening.close();
      if (!options.store) await store.close();
    },
  };
}

export { memoryReceiverStore, sqliteReceiverStore, readPriceToken };
export type { IssuedIndex, LogEntry, ReceiverStore, StoredInvoice } from './store.js';
