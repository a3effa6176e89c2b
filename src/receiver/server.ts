/**
 * A reference webhook receiver, in plain Node (no framework): copy it, or read it to write
 * yours. It logs every call, checks it against the chain with `verifyPayment` instead of trusting
 * it, answers each format the way its original service expects, and re-checks the invoices it
 * knows on a timer, so a payment is confirmed even when no later webhook comes (the buyer closed
 * the tab).
 *
 * It also hands out receive indices (`POST /index`, for the element's `index-url`), one per
 * buyer, never twice: the addresses it gives are exclusive, so every payment to them counts and
 * tolerance applies. The indices handed out are kept in `stateFile`, so a restart cannot give
 * one again.
 *
 * Routes: `POST /index`, `POST /json`, `GET /blockonomics`, `GET /blockchain-info`, `GET /log`.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { deriveAddress, parseAccount } from '../core/account.js';
import { findLastUsed } from '../core/allocate.js';
import { createRestClient } from '../core/chain/http.js';
import { memoryStore } from '../core/store.js';
import { verifyPayment, type VerifyResult } from '../core/verify.js';
import { listen, readBody } from '../server/http.js';

export interface ReceiverOptions {
  /** The shop's extended public key or descriptor (the same one its pages show). */
  xpub: string;
  network?: string;
  addressType?: string;
  /** Esplora / mempool REST API to check payments against. */
  api: string;
  /** Confirmations an order needs. */
  confirmations?: number;
  /** How often to re-check invoices that are not paid yet. */
  recheckMs?: number;
  /** How many receive addresses to recognise in the GET formats, which carry no index. */
  lookahead?: number;
  /** The wallet's gap limit, for finding the last used index before handing out the first (default 20). */
  gapLimit?: number;
  /**
   * A JSON file where the indices handed out by `POST /index` are kept, so that a restart never
   * hands one out again. Without it they are kept in memory only (tests, demos).
   */
  stateFile?: string;
  port?: number;
  host?: string;
}

export interface LogEntry {
  readonly time: number;
  readonly via: 'json' | 'blockonomics' | 'blockchain-info' | 'recheck';
  /** The status the call claimed (json), or the call's own fields. */
  readonly claim: string;
  readonly orderId: string | null;
  readonly address: string | null;
  /** The chain shows at least what the call claims (an `awaiting` call for an unpaid invoice is true). */
  readonly verified: boolean;
  /** The chain shows the order paid: the amount, with the confirmations this receiver requires. */
  readonly paid: boolean;
  /** The status the chain supports. */
  readonly status: string;
  /** Why the claim is not verified, or why the order is not paid yet. */
  readonly reason: string | null;
  readonly answer: string;
}

/** How far along each status is, for "the chain shows at least what the call claims". */
const PROGRESS: Record<string, number> = { awaiting: 0, expired: 0, underpaid: 1, unconfirmed: 2, confirming: 3, paid: 4 };

interface Order {
  invoiceId: string;
  orderId: string | null;
  address: string;
  index: number;
  /** From the first call for this invoice: later calls cannot change it. Your shop would use its own order amount. */
  expectedSats: number;
  paid: boolean;
}

/** What the receiver keeps across restarts: the next index to hand out, and the ranges it handed out. */
interface IndexState {
  nextIndex: number | null;
  /** Half-open ranges [from, to) of indices handed out by `POST /index`. */
  issued: [number, number][];
}

function loadState(file: string | undefined): IndexState {
  if (!file) return { nextIndex: null, issued: [] };
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as IndexState;
    if ((state.nextIndex === null || Number.isSafeInteger(state.nextIndex)) && Array.isArray(state.issued)) return state;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { nextIndex: null, issued: [] };
  }
  // Never start over on a file it cannot read: that could hand out an index twice.
  throw new Error(`${file} is not a btc-checkout receiver state file; move it away to start afresh.`);
}

export interface Receiver {
  readonly url: string;
  readonly log: readonly LogEntry[];
  /** Re-checks every invoice that is not paid yet (the timer does this too). */
  recheck(): Promise<void>;
  close(): Promise<void>;
}

const CORS = { 'access-control-allow-origin': '*' };

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const log: LogEntry[] = [];
  const orders = new Map<string, Order>();
  const account = parseAccount(options.xpub, { network: options.network, addressType: options.addressType });
  const confirmations = options.confirmations ?? 1;
  const verifyOptions = { xpub: options.xpub, network: options.network, addressType: options.addressType, api: options.api, confirmations };
  const state = loadState(options.stateFile);
  /** Whether this receiver handed out `index` (so no other buyer was ever shown its address). */
  const exclusive = (index: number | undefined): boolean => index !== undefined && state.issued.some(([from, to]) => index >= from && index < to);
  const saveState = (): void => {
    if (!options.stateFile) return;
    // Written to a temporary file and renamed, so a crash never leaves half a file.
    writeFileSync(`${options.stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${options.stateFile}.tmp`, options.stateFile);
  };
  let firstIndex: Promise<number> | null = null;

  /** The next receive index, never handed out before: after the last one used on chain, or the last one given. */
  async function nextIndex(): Promise<number> {
    if (state.nextIndex === null) {
      firstIndex ??= findLastUsed(createRestClient([options.api], { fetch, now: Date.now }), {
        api: options.api,
        gapLimit: options.gapLimit ?? 20,
        store: memoryStore(),
        key: 'receiver',
        derive: (index) => deriveAddress(account, index),
        now: Date.now,
      }).then((last) => last + 1);
      const first = await firstIndex;
      state.nextIndex ??= first;
    }
    const index = state.nextIndex;
    state.nextIndex = index + 1;
    const lastRange = state.issued.at(-1);
    if (lastRange && lastRange[1] === index) lastRange[1] = index + 1;
    else state.issued.push([index, index + 1]);
    saveState();
    return index;
  }
  // The GET formats say which address was paid, not its index: look it up.
  const indexOf = new Map<string, number>();
  for (let index = 0; index < (options.lookahead ?? 1000); index++) indexOf.set(deriveAddress(account, index), index);

  const record = (entry: Omit<LogEntry, 'time'>): void => {
    log.push({ time: Date.now(), ...entry });
    if (log.length > 500) log.shift();
  };

  /** Whether the chain shows at least what the call claims (`claimed`, a status), and whether the order is paid. */
  const outcome = (result: VerifyResult, claimed: string) => {
    const verified = result.ok || (!result.contradicted && claimed !== 'paid' && (PROGRESS[result.status] ?? -1) >= (PROGRESS[claimed] ?? 99));
    return { verified, paid: result.ok, status: result.status, reason: result.reason };
  };

  // Buyers may share an address (their amounts differ by the tag): one transaction settles one
  // invoice at most, so a call naming a transaction another invoice was paid by is refused.
  const settledBy = new Map<string, string>();
  const settle = (invoiceId: string, result: VerifyResult): VerifyResult => {
    if (!result.ok) return result;
    const taken = result.txids.find((txid) => (settledBy.get(txid) ?? invoiceId) !== invoiceId);
    if (taken) return { ...result, ok: false, reason: `${taken} already paid invoice ${settledBy.get(taken)}.` };
    for (const txid of result.txids) settledBy.set(txid, invoiceId);
    return result;
  };

  async function onJson(body: string): Promise<string> {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body);
    } catch {
      record({ via: 'json', claim: 'unreadable', orderId: null, address: null, verified: false, paid: false, status: 'error', reason: 'not JSON', answer: 'ok' });
      return 'ok';
    }
    const invoiceId = String(payload.invoiceId);
    if (!orders.has(invoiceId) && typeof payload.index === 'number' && typeof payload.address === 'string') {
      orders.set(invoiceId, { invoiceId, orderId: (payload.orderId as string) ?? null, address: payload.address, index: payload.index, expectedSats: Number(payload.expectedSats) || 0, paid: false });
    }
    const order = orders.get(invoiceId);
    const index = typeof payload.index === 'number' ? payload.index : undefined;
    const result = settle(invoiceId, await verifyPayment({ ...verifyOptions, payload, expectedSats: order?.expectedSats, exclusive: exclusive(index) }));
    if (order && result.ok) order.paid = true;
    record({ via: 'json', claim: String(payload.status), orderId: (payload.orderId as string) ?? null, address: String(payload.address), ...outcome(result, String(payload.status)), answer: 'ok' });
    return 'ok';
  }

  /** What a GET call claims, as a payload verifyPayment reads: one transaction paying `value` sats to `address`. */
  const getCallPayload = (address: string, txid: string | null, value: number) =>
    ({ address, index: indexOf.get(address), txids: [txid], receivedSats: value, expectedSats: value });

  /** Blockonomics: status 0/1/2, addr, value, txid. Success is any HTTP 200. */
  async function onBlockonomics(query: URLSearchParams): Promise<string> {
    const address = query.get('addr') ?? '';
    const value = Number(query.get('value'));
    const payload = getCallPayload(address, query.get('txid'), value);
    // Status 0 claims an unconfirmed payment, 1 a partly confirmed one, 2 a confirmed one.
    const claimed = ({ 0: 'unconfirmed', 1: 'confirming', 2: 'paid' } as Record<string, string>)[query.get('status') ?? ''] ?? 'paid';
    const result = await verifyPayment({ ...verifyOptions, payload, exclusive: exclusive(payload.index) });
    record({ via: 'blockonomics', claim: `status ${query.get('status')}, ${value} sats`, orderId: query.get('order_id'), address, ...outcome(result, claimed), answer: 'ok' });
    return 'ok';
  }

  /** Blockchain.com: answer `*ok*` only once the payment is confirmed enough, or it calls again at the next block. */
  async function onBlockchainInfo(query: URLSearchParams): Promise<string> {
    const address = query.get('address') ?? '';
    const value = Number(query.get('value'));
    const payload = getCallPayload(address, query.get('transaction_hash'), value);
    const depth = Math.max(Number(query.get('confirmations')) || 0, 0);
    const result = await verifyPayment({ ...verifyOptions, payload, exclusive: exclusive(payload.index) });
    const answer = result.ok ? '*ok*' : 'waiting';
    const claimed = depth >= confirmations ? 'paid' : depth >= 1 ? 'confirming' : 'unconfirmed';
    record({ via: 'blockchain-info', claim: `${depth} confirmations, ${value} sats`, orderId: query.get('order_id') ?? query.get('invoice_id'), address, ...outcome(result, claimed), answer });
    return answer;
  }

  async function recheck(): Promise<void> {
    for (const order of orders.values()) {
      if (order.paid) continue;
      const result = settle(order.invoiceId, await verifyPayment({ ...verifyOptions, payload: { address: order.address, index: order.index }, expectedSats: order.expectedSats, exclusive: exclusive(order.index) }));
      if (!result.ok) continue;
      order.paid = true;
      record({ via: 'recheck', claim: 'no new call', orderId: order.orderId, address: order.address, ...outcome(result, 'paid'), answer: '' });
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://receiver');
    const reply = (status: number, body: string, type = 'text/plain'): void => {
      response.writeHead(status, { ...CORS, 'content-type': type });
      response.end(body);
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { ...CORS, 'access-control-allow-methods': 'GET, POST' });
      return void response.end();
    }
    if (url.pathname === '/log') return reply(200, JSON.stringify(log), 'application/json');
    if (url.pathname === '/index' && request.method === 'POST') {
      await readBody(request, 10_000);
      const index = await nextIndex();
      return reply(200, JSON.stringify({ index, address: deriveAddress(account, index) }), 'application/json');
    }
    if (url.pathname === '/json' && request.method === 'POST') return reply(200, await onJson(await readBody(request, 100_000)));
    if (url.pathname === '/blockonomics') return reply(200, await onBlockonomics(url.searchParams));
    if (url.pathname === '/blockchain-info') return reply(200, await onBlockchainInfo(url.searchParams));
    reply(404, 'not found');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      if (!response.headersSent) response.writeHead(500, CORS);
      response.end(String((error as Error)?.message ?? error));
    });
  });
  const listening = await listen(server, options.port, options.host);
  const timer = setInterval(() => void recheck(), options.recheckMs ?? 30_000);
  return {
    url: listening.url,
    log,
    recheck,
    close() {
      clearInterval(timer);
      return listening.close();
    },
  };
}
