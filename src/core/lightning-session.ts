/**
 * One buyer's Lightning payment through the merchant's Lightning Address: asks the service for
 * an invoice of exactly the amount due, checks it (lightning.ts), then asks the service's LUD-21
 * `verify` URL, politely and backing off, until it is settled with the preimage of the invoice's
 * hash; an invoice that expires while the checkout is open is replaced by a new one.
 *
 * Every effect is passed in (fetch, timers, clock), as everywhere in the core.
 * @module
 */
import type { Clock, FetchLike, Timers } from './effects.js';
import { CheckoutError } from './errors.js';
import { Abort } from './http.js';
import {
  checkInvoice,
  invoiceRequestUrl,
  parseLightningAddress,
  readInvoiceResponse,
  readPayRequest,
  readVerify,
  sendableMsat,
  type PayRequest,
} from './lightning.js';
import type { NetworkName } from './networks.js';

/** The invoice on offer. */
export interface LightningOffer {
  readonly pr: string;
  readonly paymentHash: string;
  readonly amountMsat: number;
  /** Unix ms. */
  readonly expiresAt: number;
  /** Unix ms: when it is replaced by a new one. */
  readonly renewAt: number;
  /** LUD-21; null when the service offers none, so a payment cannot be seen here. */
  readonly verify: string | null;
}

export type LightningState =
  | { readonly status: 'idle' }
  | { readonly status: 'requesting' }
  | { readonly status: 'offered'; readonly offer: LightningOffer; readonly renewals: number }
  | { readonly status: 'settled'; readonly offer: LightningOffer; readonly preimage: string; readonly settledAt: number }
  | { readonly status: 'failed'; readonly error: CheckoutError };

export interface LightningSessionOptions {
  /** The merchant's Lightning Address (LUD-16). */
  readonly address: string;
  readonly sats: number;
  readonly network: NetworkName;
  /** The first wait between two `verify` requests (default 2 s). */
  readonly firstPollMs?: number;
  /** The longest (default 10 s): while waiting, at most 6 requests a minute, after the first few. */
  readonly maxPollMs?: number;
  /** An invoice is replaced this long before it expires (default 30 s), so no wallet pays one at its last second. */
  readonly renewBeforeMs?: number;
  /** A request to the service unanswered this long (default 10 s) is given up, and asked again at the next poll. */
  readonly requestTimeoutMs?: number;
  /**
   * Withdrawn, the invoice is watched until it expires, but no longer than this (default 10
   * minutes): services hand out invoices valid for a day, and a wallet that scanned it pays
   * within minutes.
   */
  readonly withdrawnWatchMs?: number;
  /**
   * A same-origin forwarder for services that send no CORS headers: each request goes to
   * `proxy` + the encoded URL (the reference receiver's `/lightning?url=`). The answers are
   * checked all the same.
   */
  readonly proxy?: string;
  /**
   * The invoice this buyer was shown before (a reload, another tab): offered again while a wallet
   * can still pay it, and asked about once more before a new one replaces it, so a payment made
   * just before a reload is not missed.
   */
  readonly resume?: LightningOffer | null;
}

export interface LightningSessionEffects extends Timers, Clock {
  readonly fetch: FetchLike;
}

export interface LightningSession {
  readonly state: LightningState;
  subscribe(listener: (state: LightningState) => void): () => void;
  start(): void;
  /**
   * The invoice leaves the screen (paid on-chain, expired): no new one is asked for, but the one
   * on offer is still watched until it expires, since a wallet may have scanned it already.
   * Then the state becomes `idle`. `start` offers again.
   */
  withdraw(): void;
  stop(): void;
}

/** Each unanswered poll waits this much longer than the one before, up to the ceiling. */
const BACKOFF = 1.5;
/** Waits before asking again for an invoice the service could not give. */
const RETRY_MS = [2_000, 5_000];

/**
 * A fetch failure (network down, or the service sends no CORS headers, which a browser reports
 * the same way) in words a merchant can act on.
 */
function unreachable(what: string): CheckoutError {
  return new CheckoutError(
    'lightning',
    'unavailable',
    `Cannot reach the Lightning Address service (${what}). It may be down, or it may not allow this site (CORS: the service must send Access-Control-Allow-Origin).`,
  );
}

export function createLightningSession(options: LightningSessionOptions, effects: LightningSessionEffects): LightningSession {
  const firstPollMs = options.firstPollMs ?? 2_000;
  const maxPollMs = options.maxPollMs ?? 10_000;
  const renewBeforeMs = options.renewBeforeMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const withdrawnWatchMs = options.withdrawnWatchMs ?? 600_000;
  /** Withdrawn: watched until then (Unix ms). */
  let watchUntil = Infinity;
  let state: LightningState = { status: 'idle' };
  const listeners = new Set<(state: LightningState) => void>();
  let timer: unknown = null;
  /** Bumped by stop(): answers to an earlier run are dropped. */
  let run = 0;
  let withdrawn = false;
  /** The latest invoice offered (or the one to resume): offered again by `start` while it can be paid. */
  let latest = options.resume ?? null;

  const set = (next: LightningState): void => {
    state = next;
    for (const listener of listeners) listener(state);
  };
  const later = (ms: number, task: () => Promise<void>): void => {
    const mine = run;
    timer = effects.setTimeout(() => {
      if (mine === run) void task();
    }, ms);
  };

  async function getJson(url: string, what: string): Promise<unknown> {
    // A service that never answers must not hold the session: the next poll asks again.
    const abort = Abort ? new Abort() : null;
    const deadline = effects.setTimeout(() => abort?.abort(), requestTimeoutMs);
    let response;
    let text;
    try {
      response = await effects.fetch(options.proxy ? `${options.proxy}${encodeURIComponent(url)}` : url, {
        cache: 'no-store',
        signal: abort?.signal,
      });
      text = await response.text();
    } catch {
      throw unreachable(what);
    } finally {
      effects.clearTimeout(deadline);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new CheckoutError(
        'lightning',
        'invalid',
        `The Lightning Address service's ${what} answered HTTP ${response.status}, not JSON.`,
      );
    }
  }

  let payRequest: PayRequest | null = null;

  async function offer(renewals: number, attempt = 0): Promise<void> {
    const mine = run;
    try {
      const address = parseLightningAddress(options.address);
      payRequest ??= readPayRequest(await getJson(address.url, 'pay request'), address);
      const msat = sendableMsat(payRequest, options.sats);
      const answer = readInvoiceResponse(await getJson(invoiceRequestUrl(payRequest, msat), 'invoice'));
      const invoice = checkInvoice(answer.pr, {
        amountMsat: msat,
        network: options.network,
        metadata: payRequest.metadata,
        now: effects.now(),
      });
      if (mine !== run) return;
      // Withdrawn while it was asked for: no wallet has seen it, so there is nothing to watch.
      if (withdrawn) return set({ status: 'idle' });
      const offered: LightningOffer = {
        pr: answer.pr,
        paymentHash: invoice.paymentHash,
        amountMsat: msat,
        expiresAt: invoice.expiresAt,
        // Before its end, yet never sooner than halfway through its life nor within a second:
        // a service handing out short-lived invoices is not asked again and again.
        renewAt: Math.max(invoice.expiresAt - renewBeforeMs, (effects.now() + invoice.expiresAt) / 2, effects.now() + 1_000),
        verify: answer.verify,
      };
      latest = offered;
      set({ status: 'offered', offer: offered, renewals });
      watch(offered, firstPollMs);
    } catch (error) {
      if (mine !== run) return;
      // Unreachable or refusing for a moment (a blip, a restart): asked again twice before
      // Lightning is given up for this checkout. A wrong answer is not asked again.
      const passing = !(error instanceof CheckoutError) || error.code === 'unavailable';
      if (passing && attempt < RETRY_MS.length) return later(RETRY_MS[attempt]!, () => offer(renewals, attempt + 1));
      set({ status: 'failed', error: error instanceof CheckoutError ? error : unreachable('invoice') });
    }
  }

  /** Polls `verify` until settled, backing off; renews the invoice before it expires. */
  function watch(offered: LightningOffer, waitMs: number): void {
    // Withdrawn, it is watched to its very end: a wallet may pay it until then.
    const untilRenewal = (withdrawn ? Math.min(offered.expiresAt, watchUntil) : offered.renewAt) - effects.now();
    if (!offered.verify) {
      // Nothing to ask: only keep an invoice a wallet can still pay on offer.
      if (withdrawn) return set({ status: 'idle' });
      later(Math.max(0, untilRenewal), () => renew(offered));
      return;
    }
    if (untilRenewal <= 0) return void renew(offered);
    later(Math.min(waitMs, untilRenewal), async () => {
      const mine = run;
      try {
        if (await settled(offered)) return;
      } catch (error) {
        // A settled claim without its preimage is a lie, not a hiccup: say so.
        if (error instanceof CheckoutError && error.code === 'mismatch') return set({ status: 'failed', error });
        // Anything else (the service down a moment, a 5xx) is asked again, later.
      }
      if (mine === run) watch(offered, Math.min(waitMs * BACKOFF, maxPollMs));
    });
  }

  /**
   * Asks `verify` once whether `offered` was paid, and settles the session if it was. True when
   * there is nothing more to do: settled, or this run was stopped meanwhile.
   */
  async function settled(offered: LightningOffer): Promise<boolean> {
    const mine = run;
    const answer = readVerify(await getJson(offered.verify!, 'verify'), offered);
    if (mine !== run) return true;
    if (answer.settled) set({ status: 'settled', offer: offered, preimage: answer.preimage, settledAt: effects.now() });
    return answer.settled;
  }

  /** A last look at the old invoice (a payment at its last moment), then a new one. */
  async function renew(previous: LightningOffer): Promise<void> {
    const mine = run;
    if (previous.verify) {
      try {
        if (await settled(previous)) return;
      } catch {
        // Renewing is what this is for; the old invoice is no longer offered either way.
      }
    }
    if (mine !== run) return;
    if (withdrawn) return set({ status: 'idle' });
    await offer(state.status === 'offered' ? state.renewals + 1 : 0);
  }

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      withdrawn = false;
      if (state.status === 'requesting' || state.status === 'offered' || state.status === 'settled') return;
      run++;
      const resume = latest;
      if (resume && resume.expiresAt - effects.now() > 1_000) {
        set({ status: 'offered', offer: resume, renewals: 0 });
        return watch(resume, 0);
      }
      set({ status: 'requesting' });
      void (resume ? renew(resume) : offer(0));
    },
    withdraw() {
      if (withdrawn) return;
      withdrawn = true;
      watchUntil = effects.now() + withdrawnWatchMs;
      // Nothing offered yet: nothing a wallet could have scanned. A resumed invoice is still asked
      // about once (renew), then the session goes idle.
      if (state.status === 'requesting' && !latest) {
        run++;
        set({ status: 'idle' });
      }
    },
    stop() {
      run++;
      if (timer !== null) effects.clearTimeout(timer);
      timer = null;
      if (state.status !== 'settled') set({ status: 'idle' });
    },
  };
}
