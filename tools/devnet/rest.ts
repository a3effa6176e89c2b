/**
 * The devnet's Esplora REST API: what a request to a chain's `/api/...` answers, after the
 * chain's profile, its injected faults, its rate limit and its server-side cache have had their
 * say, as the real backends and their front ends answer (docs/protocol.md §2).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { scriptOf, type DevTx } from './chain.js';
import type { DevnetChain } from './devnet-chain.js';
import type { DevnetProfile } from './profiles.js';
import { readBody } from '../http.js';

/** An HTTP answer, decided when the request arrives and sent after the chain's latency. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** CORS as the chain's front end sends it: any origin, and Retry-After readable where it is exposed. */
export const corsOf = (chain: DevnetChain | undefined): Record<string, string> => ({
  'access-control-allow-origin': '*',
  ...(chain?.profile.exposeRetryAfter ? { 'access-control-expose-headers': 'Retry-After' } : {}),
});

/** Resets the connection, as a backend that is down does: no answer at all. */
const resetBy = (request: IncomingMessage): null => {
  request.socket.destroy();
  return null;
};

/**
 * The answer to `request` for `path` (below `/api`) on `chain`; null when the connection was
 * reset instead (the backend is down, or a fault says so).
 */
export async function answerRest(chain: DevnetChain, request: IncomingMessage, url: URL, path: string): Promise<Answer | null> {
  const cors = (): Record<string, string> => corsOf(chain);
  let answer: Answer;
  if (chain.downUntil > Date.now()) return resetBy(request);
  // Esplora's nginx does not answer preflights (esplora#505): a request that needs one fails
  // here as it would there.
  if (request.method === 'OPTIONS') return { status: 405, headers: {}, body: '' };
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
    if (fault.kind === 'reset') return resetBy(request);
    if (fault.kind === 'hang') {
      // Accepted and never answered, until the connection is given up or `ms` pass.
      await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 60_000));
      return resetBy(request);
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
    answer = await esploraAnswer(chain, request, path, url);
    if (cacheable)
      chain.cache.set(key, { at: Date.now(), status: answer.status, type: answer.headers['content-type']!, body: answer.body });
  }
  // The answer was fixed on arrival; the latency is its way back. An answer still on its way
  // does not keep a devnet that has closed alive.
  if (chain.latencyMs) await new Promise((resolve) => setTimeout(resolve, chain.latencyMs).unref());
  logged.status = answer.status;
  return answer;
}

/** What the Esplora route itself answers, with no fault, limit or cache in the way. */
async function esploraAnswer(target: DevnetChain, request: IncomingMessage, path: string, url: URL): Promise<Answer> {
  const text = (status: number, body: string): Answer => ({ status, headers: { ...corsOf(target), 'content-type': 'text/plain' }, body });
  const json = (status: number, body: unknown): Answer => ({
    status,
    headers: { ...corsOf(target), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
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
