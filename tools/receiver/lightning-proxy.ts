/**
 * A same-origin way to a Lightning Address service that sends no CORS headers (many do not, and
 * then a browser may not read its answers). The shop's own receiver forwards the three GETs a
 * checkout makes (LUD-16's pay request, LUD-06's callback, LUD-21's verify) to the merchant's
 * Lightning Address service, and to nowhere else: `GET /lightning?url=<the service's URL>`.
 * The checkout's Lightning session takes it as `proxy` (src/core/lightning-session.ts).
 * @module
 */
import { originOf, parseLightningAddress } from '../../src/core/lightning.js';
import type { FetchLike } from '../../src/core/effects.js';

/** The largest answer forwarded: a pay request, an invoice or a verify answer is a few KB. */
const MAX_ANSWER = 64_000;

export interface ProxyAnswer {
  status: number;
  body: string;
}

export interface LightningProxy {
  forward(target: string | null): Promise<ProxyAnswer>;
}

/**
 * Forwards to `address`'s service only: the origin of its pay request URL, and the origin of the
 * callback it names (LUD-06 allows the callback elsewhere), once the pay request has been read.
 */
export function createLightningProxy(address: string, fetch: FetchLike, timeoutMs = 10_000): LightningProxy {
  const lightning = parseLightningAddress(address);
  const allowed = new Set([originOf(lightning.url)!]);
  return {
    async forward(target) {
      const origin = target ? originOf(target) : null;
      if (!target || !origin || !allowed.has(origin) || /[\s#]/.test(target))
        return {
          status: 403,
          body: JSON.stringify({ status: 'ERROR', reason: 'This proxy forwards to the shop’s Lightning Address only.' }),
        };
      let response;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        response = await fetch(target, { signal: controller.signal, cache: 'no-store' });
        const body = await response.text();
        if (body.length > MAX_ANSWER)
          return { status: 502, body: JSON.stringify({ status: 'ERROR', reason: 'The Lightning Address service answered too much.' }) };
        // The pay request names its callback: from now on, that origin is the service's too.
        if (target === lightning.url && response.ok) {
          try {
            const callback = originOf(String(JSON.parse(body).callback ?? ''));
            if (callback) allowed.add(callback);
          } catch {
            // Not JSON: the checkout says what is wrong with it.
          }
        }
        return { status: response.status, body };
      } catch {
        return { status: 502, body: JSON.stringify({ status: 'ERROR', reason: 'The Lightning Address service cannot be reached.' }) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
