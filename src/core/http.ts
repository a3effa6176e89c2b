/**
 * REST access to one or more Esplora / mempool.space API bases, tried in order.
 * @module
 */
import { CheckoutError, type ErrorSource } from './errors.js';
import type { Clock, FetchLike, RequestInitLike, ResponseLike, Timers } from './effects.js';

/** An HTTP failure; `retryAfterMs` is set when the server asked to wait (429, 503). */
export class HttpError extends CheckoutError {
  readonly status: number;
  readonly retryAfterMs: number | null;
  constructor(status: number, message: string, retryAfterMs: number | null = null, source: ErrorSource = 'chain') {
    super(source, status ? 'http' : 'unavailable', message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface RestClient {
  /** GET `path` (e.g. `/blocks/tip/height`) and return the body text. */
  get(path: string): Promise<string>;
  /** POST `body` as text/plain: a CORS "simple request", so no preflight. */
  post(path: string, body: string): Promise<string>;
  /** Forgets every cool-down: the network is back. */
  reset?(): void;
}

/** The error for an answer that is not what an Esplora API sends (a proxy's HTML page, say). */
export const notEsploraData = (): HttpError => new HttpError(0, 'The API answered something that is not Esplora data.');

/** Parses an API's JSON answer; anything else is {@link notEsploraData}. */
export function parseApiJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notEsploraData();
  }
}

/** When the server gave no Retry-After (or hid it behind CORS), wait this long before trying that base again. */
export const DEFAULT_COOLDOWN_MS = 30_000;

/** The longest rest any server's Retry-After gets: an hour (past 2^31 ms, timers would fire at once). */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * An HTTP-date Retry-After is read against the server's clock (its Date header) when it sent one;
 * else against ours, which may be hours off (D16), so it is then believed for this long at most.
 */
export const MAX_DATE_RETRY_AFTER_MS = 300_000;

/**
 * Reads Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3), at most
 * {@link MAX_RETRY_AFTER_MS}. `serverDate` is the answer's Date header, if any.
 */
export function retryAfterMs(value: string | null, now: number, serverDate: string | null = null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  const reference = serverDate ? Date.parse(serverDate) : NaN;
  return Number.isNaN(reference)
    ? Math.min(Math.max(date - now, 0), MAX_DATE_RETRY_AFTER_MS)
    : Math.min(Math.max(date - reference, 0), MAX_RETRY_AFTER_MS);
}

/** The platform's AbortController (browsers, Node 16+), typed here as the core has no DOM types. */
type AbortLike = new () => { readonly signal: unknown; abort(): void };
export const Abort: AbortLike | undefined = (globalThis as { AbortController?: AbortLike }).AbortController;

/**
 * A request that has not answered after this long is given up and the base rested, as for a
 * network error (B19, B20): browsers let a stalled request hang for many minutes.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/**
 * `fetch(url, init)` given up (and cancelled) after {@link REQUEST_TIMEOUT_MS}, head and body
 * alike, when `effects` has timers; the body is read at once when `readBody` says so. Answers a
 * response whose `text()` is already in hand.
 */
export async function fetchWithin(
  effects: Partial<Timers> & { fetch: FetchLike },
  url: string,
  init: RequestInitLike,
  readBody: (response: ResponseLike) => boolean = () => true,
): Promise<ResponseLike> {
  if (!effects.setTimeout || !effects.clearTimeout) return effects.fetch(url, init);
  const abort = Abort ? new Abort() : null;
  let timer: unknown = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = effects.setTimeout!(() => {
      abort?.abort();
      reject(new Error('timed out'));
    }, REQUEST_TIMEOUT_MS);
  });
  try {
    const response = await Promise.race([effects.fetch(url, abort ? { ...init, signal: abort.signal } : init), timeout]);
    // The body can stall as well as the head: read it under the same timeout.
    const text = readBody(response) ? await Promise.race([response.text(), timeout]) : '';
    return { ok: response.ok, status: response.status, headers: response.headers, text: () => Promise.resolve(text) };
  } finally {
    effects.clearTimeout!(timer);
  }
}

/**
 * A 400 that says the request itself is wrong (an address, a hash), as Esplora and electrs word
 * it; any other 400 is mempool/electrs' answer to an internal error (m-rest.rs:1986-1996), and
 * is worth another try.
 */
const REQUEST_REFUSED = /^(invalid|address on invalid network|transaction not found|block not found)/i;

export interface RestClientOptions {
  /** Statuses that mean "this base has no such route": try the next base (prices on a mixed list). */
  failOverOn?: readonly number[];
}

/**
 * A client over `bases`, tried in order. A base that fails (network error, 5xx, 408, 429, and a
 * 400 that is an internal error) is skipped until its cool-down ends, honouring Retry-After; the
 * last base that answered is tried first next time. A failure that cannot be read (a network
 * error, which is also what a 429 without CORS looks like) rests the base as a 429 would.
 * Other 4xx answers (a 404 for an unknown transaction, say) are returned as errors without
 * fail-over: every base would say the same. Errors name `source` (the API is `chain`; a price
 * source `rates`) and never repeat what the server said: it is shown to the buyer.
 */
export function createRestClient(
  bases: readonly string[],
  effects: { fetch: FetchLike } & Clock & Partial<Timers>,
  source: ErrorSource = 'chain',
  options: RestClientOptions = {},
): RestClient {
  /** Each resting base: from when, until when. */
  const resting = new Map<string, { readonly from: number; readonly until: number }>();
  const rest = (base: string, now: number, ms: number): void => void resting.set(base, { from: now, until: now + ms });
  /** How much longer `base` rests; a clock that went back ends the rest (it would last as long again). */
  const restLeft = (base: string, now: number): number => {
    const entry = resting.get(base);
    return entry && entry.from <= now ? Math.max(entry.until - now, 0) : 0;
  };
  let preferred = 0;
  // Some runtimes (Cloudflare Workers before 2024-11-11) refuse the cache option: then go without.
  let cacheOption = true;

  async function attempt(url: string, init: RequestInitLike = {}) {
    try {
      return await effects.fetch(url, cacheOption ? { ...init, cache: 'no-store' } : init);
    } catch (error) {
      if (!cacheOption || !/cache/i.test(String((error as Error)?.message))) throw error;
      cacheOption = false;
      return effects.fetch(url, init);
    }
  }

  /** {@link attempt}, given up after {@link REQUEST_TIMEOUT_MS} when the host passed timers. */
  const attemptWithin = (url: string, init: RequestInitLike) =>
    fetchWithin({ ...effects, fetch: attempt }, url, init, (response) => response.ok || response.status === 400);

  async function request(path: string, init: { method?: string; body?: string; headers?: Record<string, string> }): Promise<string> {
    let lastError: HttpError | null = null;
    for (let i = 0; i < bases.length; i++) {
      const index = (preferred + i) % bases.length;
      const base = bases[index]!;
      const now = effects.now();
      const left = restLeft(base, now);
      if (left > 0) {
        lastError ??= new HttpError(429, `${base} asked to wait.`, left, source);
        continue;
      }
      let response;
      try {
        response = await attemptWithin(base + path, init);
      } catch {
        lastError = new HttpError(0, `Cannot reach ${base}.`, DEFAULT_COOLDOWN_MS, source);
        rest(base, now, DEFAULT_COOLDOWN_MS);
        continue;
      }
      if (response.ok) {
        preferred = index;
        return response.text();
      }
      const { status } = response;
      const wait = retryAfterMs(response.headers.get('retry-after'), now, response.headers.get('date'));
      const detail = status === 400 ? (await response.text().catch(() => '')).trim() : '';
      // The API serves another network than the address's (m-rest.rs:1894-1922): the page's api is wrong.
      if (/^address on invalid network/i.test(detail)) {
        throw new CheckoutError(
          'api',
          'network-mismatch',
          `${base} serves another network than this checkout's: set api to an API of that network.`,
        );
      }
      const refused = status === 400 && REQUEST_REFUSED.test(detail);
      if (status === 429 || status === 408 || status >= 500 || (status === 400 && !refused)) {
        const restMs = wait ?? (status === 429 ? DEFAULT_COOLDOWN_MS : 2_000);
        rest(base, now, restMs);
        lastError = new HttpError(
          status,
          status === 429 ? `${base} asked to wait (rate limit).` : `${base} answered HTTP ${status}.`,
          restMs,
          source,
        );
        continue;
      }
      if (options.failOverOn?.includes(status)) {
        // This base lacks the route: leave it alone for an hour.
        rest(base, now, MAX_RETRY_AFTER_MS);
        lastError = new HttpError(status, `${base} has no ${path.split('?')[0]}.`, null, source);
        continue;
      }
      throw new HttpError(
        status,
        `${base}${path.replace(/\/(address|tx)\/[^/?]+/, '/$1/…').split('?')[0]} answered HTTP ${status}.`,
        null,
        source,
      );
    }
    throw lastError ?? new HttpError(0, 'No API to ask.', null, source);
  }

  return {
    get: (path) => request(path, {}),
    post: (path, body) => request(path, { method: 'POST', body, headers: { 'content-type': 'text/plain' } }),
    reset: () => resting.clear(),
  };
}
