/**
 * How a devnet chain behaves: as the real servers do, or (`lenient`, the old devnet) kinder.
 *
 * Each behaviour below cites the server source it imitates. `m-rest.rs` is mempool/electrs'
 * `src/rest.rs` @80758ea (which serves `https://mempool.space/api/*`), `b-rest.rs` Blockstream/
 * electrs' `src/rest.rs` @abfbce7, `ws.ts` mempool/mempool's `backend/src/api/websocket-handler.ts`
 * @3b6ed8b, `nginx.conf.in` Blockstream/esplora's `contrib/nginx.conf.in` @a51df73.
 * @module
 */

export type ProfileName = 'lenient' | 'mempool' | 'esplora' | 'mempool-electrum';
export const PROFILES: readonly ProfileName[] = ['lenient', 'mempool', 'esplora', 'mempool-electrum'];

export interface DevnetProfile {
  readonly name: ProfileName;
  /** The mempool websocket at `/api/v1/ws`; without it the upgrade gets a plain 404. */
  readonly websocket: boolean;
  /** `/v1/prices` and `/v1/historical-price` (the mempool Node backend's routes). */
  readonly prices: boolean;
  /** `POST /addresses/txs` (mempool/electrs only). */
  readonly batch: boolean;
  /**
   * `GET /address/:a/txs`: `esplora` lists up to 50 mempool + 25 confirmed and ignores paging
   * parameters; `electrs` up to 50 in total, mempool first, with `?after_txid=` and `?max_txs=`;
   * `electrum` 10 per page with `?after_txid=`.
   */
  readonly addressPage: 'esplora' | 'electrs' | 'electrum';
  /** `GET /address/:a/txs/chain/:last_seen_txid`, 25 confirmed per page. */
  readonly chainPaging: boolean;
  /** Volatile GETs (tip, address, listings) are served from a cache this long (ms), stale while the socket pushes at once. */
  readonly cacheMs: number;
  /** A per-client rate limit on the REST API: requests per second and burst; null for none. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | null;
  /** What a rate-limited answer looks like. */
  readonly tooManyRequests: { readonly cors: boolean; readonly retryAfter: boolean; readonly body: string; readonly type: string };
  /** The status internal errors get (mempool/electrs maps them to 400). */
  readonly internalErrorStatus: number;
  /** Addresses of another network are refused (400), and dropped from a batch. */
  readonly strictNetwork: boolean;
  /** On a test network every price is -1 with time 0 (the price updater never runs there). */
  readonly noTestnetPrices: boolean;
  /** `Access-Control-Expose-Headers: Retry-After` on every answer (only the lenient devnet exposes it). */
  readonly exposeRetryAfter: boolean;
}

const NGINX_429 =
  '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>';

export const DEVNET_PROFILES: Readonly<Record<ProfileName, DevnetProfile>> = {
  // The devnet as it was: everything served, nothing cached or limited, 429s readable.
  lenient: {
    name: 'lenient',
    websocket: true,
    prices: true,
    batch: true,
    addressPage: 'esplora',
    chainPaging: true,
    cacheMs: 0,
    rateLimit: null,
    tooManyRequests: { cors: true, retryAfter: true, body: NGINX_429, type: 'text/html' },
    internalErrorStatus: 500,
    strictNetwork: false,
    noTestnetPrices: false,
    exposeRetryAfter: true,
  },
  // mempool.space: nginx in front of the Node backend (/api/v1) and mempool/electrs (/api).
  mempool: {
    name: 'mempool',
    websocket: true,
    // prices.routes.ts:8, registered unconditionally (index.ts:381).
    prices: true,
    // m-rest.rs:973-1063.
    batch: true,
    // m-rest.rs:904-971: max_txs (default 50, config.rs:240-251) in total, mempool first; after_txid pages.
    addressPage: 'electrs',
    chainPaging: true,
    // nginx proxy_cache on /api/* (location-api.conf:181-195) honouring electrs' Cache-Control:
    // public, max-age=10 (m-rest.rs:1798-1817).
    cacheMs: 10_000,
    // Not public; the 429 is nginx's own page, without the CORS header electrs adds to its own answers.
    rateLimit: null,
    tooManyRequests: { cors: false, retryAfter: false, body: NGINX_429, type: 'text/html' },
    // From<errors::Error> → 400 (m-rest.rs:1986-1996).
    internalErrorStatus: 400,
    // 400 "Address on invalid network" (m-rest.rs:1894-1922); the batch drops them (m-rest.rs:998-1003).
    strictNetwork: true,
    // price-updater.ts:139-143: no updates on testnet, testnet4, signet, regtest.
    noTestnetPrices: true,
    exposeRetryAfter: false,
  },
  // blockstream.info: Blockstream/electrs behind esplora's nginx.
  esplora: {
    name: 'esplora',
    // /api/v1/ws is proxied to electrs as a plain GET → 404 (nginx.conf.in:69-75; b-rest.rs:1152).
    websocket: false,
    // No /v1 routes: 404 "endpoint does not exist".
    prices: false,
    batch: false,
    // 50 mempool + 25 confirmed (b-rest.rs:767-804), /txs/chain/:last_seen for more.
    addressPage: 'esplora',
    chainPaging: true,
    cacheMs: 0,
    // limit_req 5 r/s, burst 10 nodelay, limit_req_status 429 (nginx.conf.in:21-26,69-71).
    rateLimit: { perSecond: 5, burst: 10 },
    // add_header Access-Control-Allow-Origin * always; no Retry-After (esplora#449).
    tooManyRequests: {
      cors: true,
      retryAfter: false,
      body: '{"message":"Blockstream Explorer API NOTICE: Your request rate exceeds the current limit."}',
      type: 'application/json',
    },
    internalErrorStatus: 500,
    strictNetwork: true,
    noTestnetPrices: false,
    exposeRetryAfter: false,
  },
  // A self-hosted mempool (Umbrel, Start9) with the electrum backend: /api/ → /api/v1/ (nginx-mempool.conf:67).
  'mempool-electrum': {
    name: 'mempool-electrum',
    websocket: true,
    prices: true,
    // No batch route on the Node backend (bitcoin.routes.ts).
    batch: false,
    // 10 per page, ?after_txid= (electrum-api.ts:100; bitcoin.routes.ts getAddressTransactions).
    addressPage: 'electrum',
    chainPaging: false,
    cacheMs: 0,
    rateLimit: null,
    tooManyRequests: { cors: true, retryAfter: false, body: '{"error":"Too Many Requests"}', type: 'application/json' },
    internalErrorStatus: 500,
    strictNetwork: true,
    noTestnetPrices: true,
    exposeRetryAfter: false,
  },
};

/** A token bucket per client: `perSecond` refill, `burst` at most. */
export function rateLimiter(limit: { perSecond: number; burst: number }, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (client: string): boolean => {
    const time = now();
    const bucket = buckets.get(client) ?? { tokens: limit.burst, at: time };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((time - bucket.at) / 1000) * limit.perSecond);
    bucket.at = time;
    buckets.set(client, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  };
}
