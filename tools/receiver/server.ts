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
 * Routes: `POST /index`, `POST /json`, `GET /blockonomics`, `GET /blockchain-info`, `GET /log`.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { findLastUsed } from '../../src/core/allocate.js';
import { fetchTipHeight } from '../../src/core/chain/esplora.js';
import { createRestClient } from '../../src/core/http.js';
import type { FetchLike } from '../../src/core/effects.js';
import { readPriceToken, type Price } from '../../src/core/price-token.js';
import { memoryStore } from '../../src/core/store.js';
import { verifyPayment, type VerifyOptions, type VerifyResult } from '../../src/core/verify.js';
import { listen, readBody } from '../http.js';
import { memoryReceiverStore, type LogEntry, type ReceiverStore, type StoredInvoice } from './store.js';
import { sqliteReceiverStore } from './sqlite-store.js';

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

/** How far along each status is, for "the chain shows at least what the call claims". */
const PROGRESS: Record<string, number> = { awaiting: 0, expired: 0, underpaid: 1, unconfirmed: 2, confirming: 3, paid: 4 };
/** An invoice is watched for a day after its deadline, and a week at most, as BTCPay watches late payments. */
const MONITOR_MS = 24 * 3_600_000;
const MAX_LIFE_MS = 7 * 24 * 3_600_000;
/** How far back an invoice first heard of after its creation may say it was created. */
const LATE_FIRST_CALL_MS = 3_600_000;
/** Re-checks back off: 1 min, 2, 4 … up to an hour. */
const RECHECK_FIRST_MS = 60_000;
const RECHECK_MAX_MS = 3_600_000;
/** What one check of a call costs at most, in API requests (tip, a few transactions, a rate). */
const CHECK_COST = 4;
/** The "invoice" a transaction matching several invoices alike is set aside for. */
const DISPUTED = '(disputed)';

class BadRequest extends Error {}

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
  const confirmations = options.confirmations ?? 1;
  const verifyBase = {
    xpub: options.xpub,
    network: options.network,
    addressType: options.addressType,
    api: options.api,
    confirmations,
    maxIndex: lookahead,
    fetch: fetchWithin,
    now,
  };
  /** Checks `payload` against a registered invoice's own terms: its amount, whether its address is its own, its date. */
  const verifyInvoice = (invoice: StoredInvoice, payload: unknown, exclusive = invoice.exclusive): Promise<VerifyResult> =>
    verifyPayment({
      ...verifyBase,
      payload,
      expectedSats: invoice.expectedSats,
      exclusive,
      createdAt: invoice.createdAt,
      createdAtHeight: invoice.createdAtHeight ?? undefined,
    });
  // The GET formats say which address was paid, not its index: look it up.
  const indexOf = new Map<string, number>();
  for (let index = 0; index <= lookahead; index++) indexOf.set(deriveAddress(account, index), index);

  const record = (entry: Omit<LogEntry, 'time'>): Promise<void> => store.appendLog({ time: now(), ...entry }, limits.log);

  /** Whether the chain shows at least what the call claims (`claimed`, a status), and whether the order is paid. */
  const outcome = (result: VerifyResult, claimed: string, paid: boolean) => {
    const verified =
      result.ok || (!result.contradicted && claimed !== 'paid' && (PROGRESS[result.status] ?? -1) >= (PROGRESS[claimed] ?? 99));
    return { verified, paid, status: result.status, reason: result.reason };
  };

  /** The merchant's price for a call: its signed token, or the price list by item, then order. */
  const priceOf = (payload: Record<string, unknown>): Pick<VerifyOptions, 'price' | 'priceKey'> | null => {
    if (options.priceKey && typeof payload.priceToken === 'string') return { priceKey: options.priceKey };
    const listed =
      (typeof payload.item === 'string' && prices[payload.item]) ||
      (typeof payload.orderId === 'string' && prices[payload.orderId]) ||
      null;
    if (listed) return { price: listed };
    return options.priceKey ? { priceKey: options.priceKey } : null;
  };

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

  /**
   * Settles `invoice` with what `result` found: unless the payment also matches another open
   * invoice alike (the same amount at the same shared address), when neither is paid and the
   * transaction is set aside for the merchant; or it already paid another invoice. `invoice` may
   * be one that was not registered (caps): it is settled all the same, durably, once.
   */
  async function settle(
    invoice: Pick<StoredInvoice, 'id' | 'address' | 'expectedSats' | 'exclusive'>,
    result: VerifyResult,
    registered: boolean,
  ): Promise<VerifyResult> {
    if (!result.ok) return result;
    if (!invoice.exclusive) {
      const twins = await store.twins({ ...(invoice as StoredInvoice), closesAt: Infinity }, now());
      if (twins.length) {
        for (const id of [invoice.id, ...twins.map((twin) => twin.id)]) await store.updateInvoice(id, { state: 'review' });
        // Set aside, so that no later call or re-check can take it for one of them.
        await store.settle(DISPUTED, result.txids, now());
        return {
          ...result,
          ok: false,
          reason: `Its payment ${result.txids.join(', ')} matches invoice ${twins.map((twin) => twin.id).join(', ')} too (the same amount at the same address): settle it by hand.`,
        };
      }
    }
    const taken = await store.settle(invoice.id, result.txids, now());
    if (taken === DISPUTED)
      return {
        ...result,
        ok: false,
        reason: `${result.txids.join(', ')} matches several invoices alike: it waits for the merchant to settle it by hand.`,
      };
    if (taken) return { ...result, ok: false, reason: `${result.txids.join(', ')} already paid invoice ${taken}.` };
    if (registered) await store.updateInvoice(invoice.id, { state: 'paid' });
    return result;
  }

  /**
   * The invoice a call is about, registered with the merchant's terms on first sight. Past the
   * caps it is not registered (its own calls are still checked and settled), except when it
   * asks the same amount at the same address as one open invoice: then it must be, so that a
   * payment matching both is seen to match both.
   */
  async function invoiceFor(
    payload: Record<string, unknown>,
    id: string,
    result: VerifyResult,
    createdAtHeight: number | null,
    createdAt: number,
  ): Promise<StoredInvoice | null> {
    const known = await store.invoice(id);
    if (known) return known;
    if (result.expectedSats === null || result.address === null || (result.contradicted && result.status === 'error')) return null;
    const time = now();
    const index = typeof payload.index === 'number' ? payload.index : null;
    const issued = index === null ? null : await store.issued(index);
    if (issued && (await store.bindIssued(index!, id)) !== id) return null;
    const deadline = typeof payload.expiresAt === 'number' ? Math.min(payload.expiresAt, time + MAX_LIFE_MS) : time;
    const invoice: StoredInvoice = {
      id,
      orderId: typeof payload.orderId === 'string' ? payload.orderId.slice(0, 128) : null,
      address: result.address,
      index,
      expectedSats: result.expectedSats,
      exclusive: issued !== null,
      createdAt: issued?.at ?? createdAt,
      createdAtHeight: issued?.height ?? createdAtHeight,
      closesAt: Math.min(Math.max(deadline, time) + MONITOR_MS, time + MAX_LIFE_MS),
      state: 'open',
      nextCheck: time + recheckAfter,
      checks: 0,
    };
    const twins = invoice.exclusive ? [] : await store.twins(invoice, time);
    const withinCaps =
      (await store.countOpen(time, invoice.address)) < limits.openPerAddress && (await store.countOpen(time)) < limits.open;
    if (!(withinCaps || twins.length === 1)) return null;
    return store.addInvoice(invoice);
  }

  /** Terms to check a call with: the stored invoice's, or on first sight the merchant's price. */
  async function check(
    payload: Record<string, unknown>,
    invoice: StoredInvoice | null,
    createdAtHeight: number | null,
    createdAt: number,
  ): Promise<VerifyResult> {
    if (invoice) return verifyInvoice(invoice, payload);
    const price = priceOf(payload);
    const index = typeof payload.index === 'number' ? payload.index : null;
    const issued = index === null ? null : await store.issued(index);
    if (!price) {
      return {
        ok: false,
        status: 'error',
        address: null,
        expectedSats: null,
        receivedSats: 0,
        confirmedSats: 0,
        confirmations: 0,
        txids: [],
        reason: 'No price for this order: it has no price token, and neither its item nor its order reference is in the price list.',
        contradicted: false,
      };
    }
    return verifyPayment({
      ...verifyBase,
      payload,
      ...price,
      exclusive: issued !== null && (issued.invoiceId === null || issued.invoiceId === payload.invoiceId),
      createdAt: issued?.at ?? createdAt,
      createdAtHeight: issued?.height ?? createdAtHeight ?? undefined,
    });
  }

  async function onJson(body: string): Promise<string> {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body);
    } catch {
      throw new BadRequest('not JSON');
    }
    if (
      !payload ||
      typeof payload !== 'object' ||
      Array.isArray(payload) ||
      typeof payload.invoiceId !== 'string' ||
      !/^[\w-]{1,64}$/.test(payload.invoiceId)
    ) {
      throw new BadRequest('not a btc-checkout webhook');
    }
    const id = payload.invoiceId;
    const stored = await store.invoice(id);
    // First heard of at its creation (the `awaiting` call), an invoice's payments must come after
    // this moment: remember the tip. Heard of later (that call was lost), its payments may be
    // older than now: then only their blocks' times are checked against its creation, and its
    // fiat rate at that time, as the call states it, but never more than an hour back.
    const fresh = !stored && payload.status === 'awaiting';
    const height = stored ? stored.createdAtHeight : fresh ? await tip() : null;
    const stated = typeof payload.createdAt === 'number' ? payload.createdAt : now();
    const createdAt = stored?.createdAt ?? (fresh ? now() : Math.min(Math.max(stated, now() - LATE_FIRST_CALL_MS), now()));
    let result = await check(payload, stored, height, createdAt);
    const invoice = await invoiceFor(payload, id, result, height, createdAt);
    const claimed = String(payload.status);
    if (invoice) {
      result = await settle(invoice, result, true);
    } else if (result.ok && result.address !== null && result.expectedSats !== null) {
      const index = typeof payload.index === 'number' ? payload.index : null;
      const issued = index === null ? null : await store.issued(index);
      // An index another invoice took is not this one's to be paid on.
      if (issued && issued.invoiceId !== null && issued.invoiceId !== id)
        result = { ...result, ok: false, contradicted: true, reason: `Index ${index} was handed out to invoice ${issued.invoiceId}.` };
      else
        result = await settle(
          { id, address: result.address, expectedSats: result.expectedSats, exclusive: issued !== null },
          result,
          false,
        );
    }
    await record({
      via: 'json',
      claim: claimed,
      orderId: typeof payload.orderId === 'string' ? payload.orderId : null,
      address: typeof payload.address === 'string' ? payload.address : null,
      ...outcome(result, claimed, result.ok),
      answer: 'ok',
    });
    return 'ok';
  }

  /**
   * The GET formats name an order by its address (as Blockonomics' and Blockchain.com's own
   * servers gave each order its own address): accepted only for an address this receiver handed
   * out, for the order it handed it to, at the merchant's price.
   */
  async function onGet(
    via: 'blockonomics' | 'blockchain-info',
    query: URLSearchParams,
    address: string,
    txid: string | null,
    claimed: string,
  ): Promise<VerifyResult> {
    const orderId = query.get('order_id') ?? query.get('invoice_id');
    const index = indexOf.get(address);
    const issued = index === undefined ? null : await store.issued(index);
    const refuse = (reason: string): VerifyResult => ({
      ok: false,
      status: 'error',
      address,
      expectedSats: null,
      receivedSats: 0,
      confirmedSats: 0,
      confirmations: 0,
      txids: [],
      reason,
      contradicted: true,
    });
    if (!issued)
      return refuse(
        `${address} was not handed out by this receiver: a ${via} callback names its order by its address, so it needs index-url.`,
      );
    if (issued.orderId !== null && query.get('order_id') !== null && issued.orderId !== query.get('order_id'))
      return refuse(`${address} was handed out for order ${issued.orderId}, not ${query.get('order_id')}.`);
    const id = `${via}:${index}`;
    const stored = await store.invoice(id);
    const payload = {
      address,
      index,
      network: account.network,
      txids: txid ? [txid] : undefined,
      status: claimed,
      orderId,
      item: query.get('item') ?? undefined,
      priceToken: query.get('price_token') ?? undefined,
    };
    const price = priceOf(payload);
    if (!stored && !price) return refuse('No price for this order: a price token or a price list entry is needed.');
    // On an address of its own, every payment to it since it was handed out counts.
    let result = stored
      ? await verifyInvoice(stored, { ...payload, txids: undefined }, true)
      : await verifyPayment({
          ...verifyBase,
          payload: { ...payload, txids: undefined },
          ...price,
          exclusive: true,
          createdAt: issued.at,
          createdAtHeight: issued.height ?? undefined,
        });
    if (result.ok && txid && !result.txids.includes(txid))
      result = refuse(`${txid} is not a payment to ${address} since it was handed out.`);
    const invoice =
      stored ??
      (result.expectedSats !== null ? await invoiceFor({ ...payload, invoiceId: id }, id, result, issued.height, issued.at) : null);
    if (invoice) result = await settle(invoice, result, true);
    return result;
  }

  /** Blockonomics: status 0/1/2, addr, value, txid. Success is any HTTP 200. */
  async function onBlockonomics(query: URLSearchParams): Promise<string> {
    const address = query.get('addr') ?? '';
    // Status 0 claims an unconfirmed payment, 1 a partly confirmed one, 2 a confirmed one.
    const claimed = ({ 0: 'unconfirmed', 1: 'confirming', 2: 'paid' } as Record<string, string>)[query.get('status') ?? ''] ?? 'paid';
    const result = await onGet('blockonomics', query, address, query.get('txid'), claimed);
    await record({
      via: 'blockonomics',
      claim: `status ${query.get('status')}, ${query.get('value')} sats`,
      orderId: query.get('order_id'),
      address,
      ...outcome(result, claimed, result.ok),
      answer: 'ok',
    });
    return 'ok';
  }

  /** Blockchain.com: answer `*ok*` only once the order is paid, or it calls again at the next block. */
  async function onBlockchainInfo(query: URLSearchParams): Promise<string> {
    const address = query.get('address') ?? '';
    const depth = Math.max(Number(query.get('confirmations')) || 0, 0);
    const claimed = depth >= confirmations ? 'paid' : depth >= 1 ? 'confirming' : 'unconfirmed';
    const result = await onGet('blockchain-info', query, address, query.get('transaction_hash'), claimed);
    const answer = result.ok ? '*ok*' : 'waiting';
    await record({
      via: 'blockchain-info',
      claim: `${depth} confirmations, ${query.get('value')} sats`,
      orderId: query.get('order_id') ?? query.get('invoice_id'),
      address,
      ...outcome(result, claimed, result.ok),
      answer,
    });
    return answer;
  }

  /** `POST /index`: the next receive index, never handed out before, for `index-url`. */
  async function onIndex(body: string): Promise<string> {
    let request: { orderId?: unknown } = {};
    try {
      request = JSON.parse(body || '{}') ?? {};
    } catch {
      throw new BadRequest('not JSON');
    }
    const first = async (): Promise<number> =>
      1 +
      (await findLastUsed(rest, {
        api: options.api,
        gapLimit: options.gapLimit ?? 20,
        store: memoryStore(),
        key: 'receiver',
        derive: (index) => deriveAddress(account, index),
        now,
      }));
    const index = await store.issueIndex(first, {
      orderId: typeof request.orderId === 'string' ? request.orderId.slice(0, 128) : null,
      at: now(),
      height: await tip(),
    });
    if (index > lookahead) throw new Error(`Index ${index} is beyond the lookahead (${lookahead}): raise it, and your wallet's gap limit.`);
    return JSON.stringify({ index, address: deriveAddress(account, index) });
  }

  let rechecking = false;
  /** Re-checks due invoices, a few at a time and one per address, so that a flood cannot make it hammer the API. */
  async function recheck(): Promise<void> {
    if (rechecking) return;
    rechecking = true;
    try {
      const seen = new Set<string>();
      for (const invoice of await store.due(now(), limits.rechecksPerPass * 5)) {
        if (seen.size >= limits.rechecksPerPass || !budget.has(CHECK_COST)) break;
        if (seen.has(invoice.address)) continue;
        seen.add(invoice.address);
        const checks = invoice.checks + 1;
        await store.updateInvoice(invoice.id, { checks, nextCheck: now() + Math.min(recheckAfter * 2 ** checks, RECHECK_MAX_MS) });
        const payload = { address: invoice.address, index: invoice.index, network: account.network };
        const result = await settle(invoice, await verifyInvoice(invoice, payload), true);
        if (result.ok || result.reason?.startsWith('Its payment')) {
          await record({
            via: 'recheck',
            claim: 'no new call',
            orderId: invoice.orderId,
            address: invoice.address,
            ...outcome(result, 'paid', result.ok),
            answer: '',
          });
        }
      }
    } finally {
      rechecking = false;
    }
  }

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
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST' });
      return void response.end();
    }
    const routes: Record<string, () => Promise<string>> = {
      'POST /index': async () => onIndex(await readBody(request, 10_000)),
      'POST /json': async () => onJson(await readBody(request, 100_000)),
      'GET /blockonomics': () => onBlockonomics(url.searchParams),
      'GET /blockchain-info': () => onBlockchainInfo(url.searchParams),
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
