/**
 * REST access to one or more Esplora / mempool.space API bases, tried in order.
 * @module
 */
import { CheckoutError, type ErrorSource } from '../errors.js';
import type { Clock, FetchLike } from '../effects.js';

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

/** Reads Retry-After: delta-seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(date - now, 0);
}

/**
 * A client over `bases`, tried in order. A base that fails (network error, 5xx, 408, 429) is
 * skipped until its cool-down ends, honouring Retry-After; the last base that answered is tried
 * first next time. Other 4xx answers (a 404 for an unknown transaction, say) are returned as
 * errors without fail-over: every base would say the same. Errors name `source` (the API is
 * `chain`; a price source `rates`).
 */
export function createRestClient(bases: readonly string[], effects: { fetch: FetchLike } & Clock, source: ErrorSource = 'chain'): RestClient {
  const coolUntil = new Map<string, number>();
  let preferred = 0;

  async function request(path: string, init: { method?: string; body?: string; headers?: Record<string, string> }): Promise<string> {
    let lastError: HttpError | null = null;
    for (let i = 0; i < bases.length; i++) {
      const index = (preferred + i) % bases.length;
      const base = bases[index]!;
      const now = effects.now();
      if ((coolUntil.get(base) ?? 0) > now) {
        lastError ??= new HttpError(429, `${base} asked to wait (rate limit).`, coolUntil.get(base)! - now, source);
        continue;
      }
      let response;
      try {
        response = await effects.fetch(base + path, { ...init, cache: 'no-store' });
      } catch {
        lastError = new HttpError(0, `Cannot reach ${base}.`, null, source);
        coolUntil.set(base, now + 2_000);
        continue;
      }
      if (response.ok) {
        preferred = index;
        return response.text();
      }
      const { status } = response;
      const wait = retryAfterMs(response.headers.get('retry-after'), now);
      if (status === 429 || status === 408 || status >= 500) {
        coolUntil.set(base, now + (wait ?? (status === 429 ? DEFAULT_COOLDOWN_MS : 2_000)));
        lastError = new HttpError(status, `${base} answered HTTP ${status}.`, wait ?? (status === 429 ? DEFAULT_COOLDOWN_MS : null), source);
        continue;
      }
      throw new HttpError(status, `${base}${path.replace(/\/(address|tx)\/[^/]+/, '/$1/…')} answered HTTP ${status}: ${(await response.text()).slice(0, 120)}`, null, source);
    }
    throw lastError ?? new HttpError(0, 'No API to ask.', null, source);
  }

  return {
    get: (path) => request(path, {}),
    post: (path, body) => request(path, { method: 'POST', body, headers: { 'content-type': 'text/plain' } }),
  };
}
