/**
 * The one bridge between the element and the core: it turns the element's attributes into a
 * core checkout, gives it the browser's effects (fetch, WebSocket, timers, page visibility),
 * mirrors its state onto the element, fires the element's events, and tears everything down when
 * the element leaves the page.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { attributeOf, parseConfig, type CheckoutConfig, type CheckoutInput } from '../core/config.js';
import { createCheckout, LOADING, toCheckoutError, type Checkout, type CheckoutEffects, type CheckoutState } from '../core/checkout.js';
import type { CheckoutError } from '../core/errors.js';
import type { FetchLike, LockFn, SocketLike } from '../core/effects.js';
import { isPrivateKeyError } from '../core/keys.js';
import { safeStore, type Store } from '../core/store.js';
import { storeClaims, type DeviceClaims } from '../core/claims.js';
import { indexedDbClaims } from './device-claims.js';
import { loadableLocales, loadLocale } from './locale-files.js';
import { loadLightning } from 'virtual:btc-checkout-lightning';
import { catalogueOf, en, pickLanguage, type Messages } from './messages.js';
import {
  BtcCheckoutClaimEvent,
  BtcCheckoutErrorEvent,
  BtcCheckoutPaidEvent,
  BtcCheckoutStatusEvent,
  BtcCheckoutUnmatchedEvent,
  BtcCheckoutWebhookEvent,
} from './events.js';

export interface CheckoutHost extends ReactiveControllerHost, EventTarget {
  /** Effects to use instead of the browser's (tests, advanced embedding). */
  readonly effects?: Partial<CheckoutEffects> | null;
  /** Removes private key material the page put in an input (a property and its attribute): it must not stay in the DOM. */
  scrubPrivateInput(field: keyof CheckoutInput): void;
}

/** Calls `listener` when the page comes back: tab visible again, restored from the back/forward cache, or online. */
function onWake(listener: () => void): () => void {
  const visible = (): void => void (document.visibilityState === 'visible' && listener());
  document.addEventListener('visibilitychange', visible);
  addEventListener('pageshow', listener);
  addEventListener('online', listener);
  return () => {
    document.removeEventListener('visibilitychange', visible);
    removeEventListener('pageshow', listener);
    removeEventListener('online', listener);
  };
}

/**
 * One store and one set of claims for every checkout of the page: where localStorage is refused,
 * its memory fallback must still be shared, or two checkouts of one page could hold the same
 * address.
 */
let pageStore: Store | null = null;
let pageClaims: DeviceClaims | null = null;

/**
 * The Web Locks API, exclusive across the origin's tabs. Where it is missing (an insecure
 * context, an old browser), a synchronous task is still atomic within the page.
 */
const lock: LockFn = (name, task) => {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks?.request ? locks.request(`btc-checkout:${name}`, task) : Promise.resolve().then(task);
};

/** The browser's fetch, as the core's effects take it. */
const browserFetch: FetchLike = (url, init) => fetch(url, init as RequestInit);

const browserEffects = (): CheckoutEffects => {
  const store = (pageStore ??= safeStore(() => localStorage));
  return {
    now: () => Date.now(),
    random: Math.random,
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    fetch: browserFetch,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as number),
    onWake,
    store,
    lock,
    claims: (pageClaims ??= indexedDbClaims(storeClaims(store, lock))),
    beacon: (url, body) => navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' })),
    onStoreChange(key, listener) {
      // Fired in the other pages of the origin when one writes localStorage (null key: cleared).
      const changed = (event: StorageEvent): void => void ((event.key === key || event.key === null) && listener());
      addEventListener('storage', changed);
      return () => removeEventListener('storage', changed);
    },
    onLeave(listener) {
      addEventListener('pagehide', listener);
      return () => removeEventListener('pagehide', listener);
    },
    loadLightning,
  };
};

export class CheckoutController implements ReactiveController {
  /** What the element renders. */
  state: CheckoutState = LOADING;
  /** The clock the checkout uses (for the countdown). */
  now: () => number = Date.now;

  private readonly host: CheckoutHost;
  private checkout: Checkout | null = null;
  private unsubscribe: (() => void) | null = null;
  private config: CheckoutConfig | null = null;
  private inputKey = '';
  private connected = false;
  /** After a refusal: the attributes as they are once the private material is gone from them. */
  private refusedKey: string | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private cancel: AbortController | null = null;
  private readonly tickListeners = new Set<() => void>();
  private readonly queued: Event[] = [];
  /** The page switches language (`lang` on the element or an ancestor): the words follow at once. */
  private readonly languageWatch = new MutationObserver(() => this.host.requestUpdate());

  constructor(host: CheckoutHost) {
    this.host = host;
    host.addController(this);
  }

  /** Called by the element before each update with its current attributes. */
  configure(input: CheckoutInput): void {
    const key = JSON.stringify(input);
    if (key === this.inputKey) return;
    // After a private key was removed from the page, its now-empty attribute must not replace
    // the refusal with a "missing key" message: keep the refusal until something new is set.
    if (key === this.refusedKey) return;
    // The setup is read at once, so a mistake in it shows before anything starts. Private
    // material is refused first of all (parseConfig checks it before anything else), before
    // anything keeps it: not the checkout, not this controller, not the page.
    try {
      this.config = parseConfig(input);
    } catch (error) {
      this.config = null;
      this.teardown();
      if (isPrivateKeyError(error)) {
        const { source } = error as CheckoutError;
        const field = (Object.keys(input) as (keyof CheckoutInput)[]).find((name) => attributeOf(name) === source)!;
        this.refusedKey = JSON.stringify({ ...input, [field]: null });
        this.inputKey = '';
        this.setState({ ...LOADING, status: 'error', error: error as CheckoutError });
        this.host.scrubPrivateInput(field);
      } else {
        this.refusedKey = null;
        this.inputKey = key;
        this.setState({ ...LOADING, status: 'error', error: toCheckoutError(error) });
      }
      return;
    }
    this.refusedKey = null;
    this.inputKey = key;
    if (this.connected) this.restart();
  }

  hostConnected(): void {
    this.connected = true;
    // The whole document: the element's own lang and any ancestor's (a page's language switch).
    this.languageWatch.observe(document, { attributeFilter: ['lang'], subtree: true });
    if (this.config && !this.checkout) this.restart();
  }

  /** A render failed (a QR too large for its data, say): the checkout stops and says so, instead of "Preparing…" forever. */
  renderFailed(error: CheckoutError): void {
    if (this.state.error) return;
    this.teardown();
    this.setState({ ...this.state, status: 'error', invoice: null, payment: null, error });
  }

  hostDisconnected(): void {
    this.connected = false;
    this.languageWatch.disconnect();
    this.teardown();
  }

  /**
   * The catalogue and locale for the first of `candidates` (language tags, most wanted first)
   * this page has or can load; English meanwhile while one loads, and if it cannot be had.
   */
  language(candidates: readonly (string | null | undefined)[]): { messages: Messages; locale: string } {
    const { tag, locale } = pickLanguage(candidates, loadableLocales);
    const messages = catalogueOf(tag);
    if (messages) return { messages, locale };
    void loadLocale(tag, this.host.effects?.fetch ?? browserFetch).then((loaded) => loaded && this.host.requestUpdate());
    return { messages: en, locale: 'en' };
  }

  /** The page for `txid` on the site of the configured API (…/api → …/tx/<txid>), for the receipt. */
  txUrl(txid: string): string | null {
    const api = this.config?.apis[0];
    return api ? `${api.replace(/\/api$/, '')}/tx/${txid}` : null;
  }

  /** The checkout as configured (null until valid): the loading skeleton's shape, the receipt's way back to the shop. */
  get setup(): CheckoutConfig | null {
    return this.config;
  }

  /** The buyer says an unmatched payment was theirs (see {@link Checkout.claim}). */
  claim(txid: string): boolean {
    const payment = this.state.invoice?.unmatched.find((candidate) => candidate.txid === txid);
    if (!payment || !this.checkout?.claim(txid)) return false;
    this.queued.push(new BtcCheckoutClaimEvent({ payment, invoice: this.state.invoice! }));
    this.host.requestUpdate();
    return true;
  }

  hostUpdated(): void {
    // Events go out after the render, so listeners see the page already showing the new state.
    for (const event of this.queued.splice(0)) this.host.dispatchEvent(event);
  }

  private restart(): void {
    this.teardown();
    if (this.state.status !== 'loading') this.setState(LOADING);
    const effects = { ...browserEffects(), ...this.host.effects };
    // A store of its own (a test's other device, an embedding) brings claims of its own.
    if (this.host.effects?.store && !this.host.effects.claims) effects.claims = storeClaims(effects.store!, effects.lock);
    this.now = effects.now;
    // Reads from the API still on their way when the element goes are cancelled with it: a
    // stalled API would otherwise hold the browser's few connections to its host for up to 20 s
    // each. Webhook calls are left to finish: the outbox counts on them.
    const { fetch } = effects;
    const cancel = (this.cancel = new AbortController()).signal;
    effects.fetch = (url, init) =>
      fetch(
        url,
        this.config!.apis.some((api) => url.startsWith(api))
          ? // AbortSignal.any is missing before Safari 17.4: there, only the timeout cancels.
            { ...init, signal: init?.signal ? (AbortSignal.any?.([init.signal as AbortSignal, cancel]) ?? init.signal) : cancel }
          : init,
      );
    const checkout = createCheckout(this.config!, effects);
    this.checkout = checkout;
    this.unsubscribe = checkout.subscribe((state) => this.setState(state));
    checkout.start();
  }

  private teardown(): void {
    this.cancel?.abort();
    this.unsubscribe?.();
    this.checkout?.stop();
    this.unsubscribe = this.checkout = null;
    this.tick(false);
  }

  /** Calls `listener` every second while a countdown is on screen (see countdown.ts). */
  onTick(listener: () => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** Ticks every second while a countdown is on screen: only the countdown updates. */
  private tick(on: boolean): void {
    if (on && !this.ticker) this.ticker = setInterval(() => this.tickListeners.forEach((listener) => listener()), 1000);
    if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private setState(next: CheckoutState): void {
    const previous = this.state;
    this.state = next;
    const { invoice } = next;
    if (next.status !== previous.status) {
      this.queued.push(new BtcCheckoutStatusEvent({ status: next.status, previous: previous.status, invoice }));
    }
    if (invoice && next.firstPaid && !previous.firstPaid) this.queued.push(new BtcCheckoutPaidEvent(invoice));
    for (const payment of invoice?.unmatched ?? []) {
      if (!previous.invoice?.unmatched.some((old) => old.txid === payment.txid))
        this.queued.push(new BtcCheckoutUnmatchedEvent({ payment, invoice: invoice! }));
    }
    for (const record of next.deliveries) {
      if (previous.deliveries.includes(record)) continue;
      this.queued.push(new BtcCheckoutWebhookEvent(record));
      if (record.outcome === 'failed') {
        this.queued.push(
          new BtcCheckoutErrorEvent({
            message: `Webhook ${record.url} failed: HTTP ${record.status} ${record.response}`.trim(),
            source: 'webhook',
            code: 'http',
          }),
        );
      }
    }
    for (const [problem, before] of [
      [next.error, previous.error],
      [next.notice, previous.notice],
      // Lightning not offered (the service unreachable, without CORS or verify, a wrong invoice):
      // the buyer still pays on-chain; the merchant hears why.
      [next.lightningError, previous.lightningError],
    ] as const) {
      if (problem && problem !== before) {
        this.queued.push(new BtcCheckoutErrorEvent({ message: problem.message, source: problem.source, code: problem.code }));
        // The screen says it in plain words; the merchant reads what went wrong here.
        console.warn(`btc-checkout: ${problem.source}/${problem.code}: ${problem.message}`);
      }
    }
    this.tick(!!invoice?.expiresAt && (next.status === 'awaiting' || next.status === 'underpaid'));
    this.host.requestUpdate();
  }
}
