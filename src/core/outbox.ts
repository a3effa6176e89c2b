/**
 * The webhook outbox: the calls {@link planWebhooks} plans, kept in the device's storage until
 * the merchant's receiver takes them. Any page of the site that loads the checkout sends what is
 * waiting, with leases so that two tabs do not send one call at once, retries with backoff, and
 * the page's last moments handed to sendBeacon.
 * @module
 */
import type { Clock, FetchLike, RequestInitLike, Timers } from './effects.js';
import { fetchWithin, retryAfterMs } from './http.js';
import { readJson, type Store } from './store.js';
import { WEBHOOK_FORMATS, type Delivery, type WebhookFormat } from './webhook.js';

/** One attempt, as the delivery log and the `btc-checkout-webhook` event report it. */
export interface DeliveryRecord {
  readonly time: number;
  readonly id: string;
  readonly url: string;
  readonly format: WebhookFormat;
  readonly attempt: number;
  /** HTTP status; 0 when the request failed (network, CORS) or was handed to sendBeacon. */
  readonly status: number;
  /** The start of the answer's body. */
  readonly response: string;
  readonly outcome: 'delivered' | 'acknowledged' | 'retry' | 'failed' | 'beacon';
}

const OUTBOX = 'btc-checkout:outbox';
const ACKED = 'btc-checkout:acked';
/** The ids of the calls lately finished (sent, refused or given up), so a page knows a call it added was not lost. */
const FINISHED = 'btc-checkout:outbox-finished';
/** How many finished ids are remembered: far more than the calls any set of open tabs has in hand. */
const FINISHED_KEPT = 500;
/** A page sending a delivery holds it this long; if that page dies, another sends it after. */
const LEASE_MS = 60_000;
/**
 * Deliveries older than this, and tried at least {@link MIN_ATTEMPTS} times, are dropped, loudly:
 * the receiver must re-check by itself. Both, so that a clock jumping days ahead does not drop
 * a call never sent (D15).
 */
export const MAX_AGE_MS: number = 7 * 24 * 3_600_000;
export const MIN_ATTEMPTS = 10;
const BACKOFF_FIRST_MS = 5_000;
const BACKOFF_MAX_MS = 3_600_000;

/**
 * Whether a delivery may be sent now: its time has come, or it was set further ahead than any
 * backoff can reach, by a clock that has since gone back.
 */
const isDue = (entry: Delivery, now: number): boolean => entry.due <= now || entry.due - now > BACKOFF_MAX_MS + LEASE_MS;

/** The answers of a receiver that is away (down, or its proxy says so), not of one refusing this call. */
const AWAY_STATUSES: readonly number[] = [0, 502, 503, 504];

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Whether a stored entry is a delivery this version can send. */
function isDelivery(value: unknown): value is Delivery {
  const entry = value as Delivery | null;
  return (
    !!entry &&
    typeof entry === 'object' &&
    typeof entry.id === 'string' &&
    typeof entry.url === 'string' &&
    /^https?:\/\//i.test(entry.url) &&
    WEBHOOK_FORMATS.includes(entry.format) &&
    (entry.body === null || typeof entry.body === 'string') &&
    (entry.txid === null || typeof entry.txid === 'string') &&
    Number.isFinite(entry.createdAt) &&
    Number.isSafeInteger(entry.attempt) &&
    Number.isFinite(entry.due)
  );
}

/** A delivery's request: GET for the query formats, else a text/plain POST (a CORS simple request, no preflight). */
const requestOf = (entry: Delivery): RequestInitLike =>
  entry.body === null ? {} : { method: 'POST', body: entry.body, headers: { 'content-type': 'text/plain' } };

export interface OutboxEffects extends Timers, Clock {
  fetch: FetchLike;
  store: Store;
  /** navigator.sendBeacon: queues a POST that survives the page closing. */
  beacon?(url: string, body: string): boolean;
  /**
   * Subscribes to changes another page makes to `key` of the store (the storage event); returns
   * unsubscribe. A call another tab added, then closed or froze before sending, is sent from here.
   */
  onStoreChange?(key: string, listener: () => void): () => void;
}

export interface Outbox {
  /** Adds deliveries (ignoring ids already waiting) and sends what is due. */
  add(deliveries: readonly Delivery[]): void;
  /** Hands every waiting delivery to the browser as the page goes away; they stay in the outbox. */
  flushOnLeave(): void;
  /** Transactions whose blockchain-info calls were acknowledged with `*ok*`. */
  acked(): Set<string>;
  stop(): void;
}

/**
 * The persisted outbox: any page of the site that loads the checkout sends what is waiting, with
 * retries on network errors, 5xx, 408 and 429 (honouring Retry-After). At least once; never lost
 * silently: what is dropped (a 4xx answer, or older than 7 days) is reported.
 */
export function createOutbox(effects: OutboxEffects, report: (record: DeliveryRecord) => void): Outbox {
  const { store } = effects;
  let timer: unknown = null;
  let sending = false;
  let stopped = false;
  // Storage is shared with other scripts and versions: anything unreadable is left out, never
  // thrown (D10, D11): one bad entry must not stop the other calls or the frame being handled.
  const load = (): Delivery[] => listOf(readJson<unknown>(store, OUTBOX, [])).filter(isDelivery);
  const save = (list: Delivery[]): void => (list.length ? store.set(OUTBOX, JSON.stringify(list)) : store.remove(OUTBOX));
  const update = (change: (list: Delivery[]) => Delivery[]): void => save(change(load()));
  /** The strings of the list kept under `key`; anything else there is left out. */
  const strings = (key: string): string[] =>
    listOf(readJson<unknown>(store, key, [])).filter((value): value is string => typeof value === 'string');
  const acked = (): Set<string> => new Set(strings(ACKED));
  const finishedIds = (): string[] => strings(FINISHED);
  /**
   * The calls this page added and has not seen finished. Tabs write the outbox in turn, and a
   * write made from an older copy (another tab's, or a script's) can drop a call: until a call is
   * known finished, the page that added it puts it back.
   */
  const mine = new Map<string, Delivery>();
  /**
   * When this page last sent each call, by its own clock. Tabs whose clocks disagree (or a
   * receiver taking other calls while turning this one away) could otherwise have a call sent
   * again and again within milliseconds: a page never sends one call twice within the first
   * backoff step, whatever the shared outbox says.
   */
  const sentAt = new Map<string, number>();
  /** When this page may send `entry`: when it is due, but not sooner than the first step after its own last try. */
  const readyAt = (entry: Delivery, now: number): number => {
    const due = isDue(entry, now) ? now : entry.due;
    const sent = sentAt.get(entry.id);
    return sent === undefined || sent > now ? due : Math.max(due, sent + BACKOFF_FIRST_MS);
  };
  const finish = (id: string): void => {
    mine.delete(id);
    sentAt.delete(id);
    store.set(FINISHED, JSON.stringify([...finishedIds().filter((other) => other !== id), id].slice(-FINISHED_KEPT)));
  };
  /** Puts back what this page added that the outbox lost; forgets what another page finished. */
  const restore = (): void => {
    if (!mine.size) return;
    const list = load();
    const finished = new Set(finishedIds());
    const lost: Delivery[] = [];
    for (const [id, entry] of mine) {
      if (finished.has(id)) mine.delete(id);
      else if (!list.some((candidate) => candidate.id === id)) lost.push(entry);
    }
    if (lost.length) save([...list, ...lost]);
  };

  const schedule = (): void => {
    if (timer !== null) effects.clearTimeout(timer);
    timer = null;
    restore();
    const now = effects.now();
    const next = Math.min(...load().map((entry) => readyAt(entry, now)));
    if (!stopped && Number.isFinite(next)) timer = effects.setTimeout(pump, Math.min(Math.max(next - effects.now(), 0), BACKOFF_MAX_MS));
  };

  // Another tab added or leased a call: this one's timer follows it (sending, it reschedules anyway).
  const unsubscribe = effects.onStoreChange?.(OUTBOX, () => void (!sending && !stopped && schedule())) ?? (() => undefined);

  async function pump(): Promise<void> {
    // Called by add() as well as by the timer: a pending timer is cleared, never orphaned (D01).
    if (timer !== null) effects.clearTimeout(timer);
    timer = null;
    if (sending || stopped) return;
    sending = true;
    try {
      restore();
      for (;;) {
        const now = effects.now();
        const entry = load().find((candidate) => readyAt(candidate, now) <= now);
        if (!entry) break;
        if (now - entry.createdAt > MAX_AGE_MS && entry.attempt >= MIN_ATTEMPTS) {
          update((list) => list.filter((candidate) => candidate.id !== entry.id));
          finish(entry.id);
          report({
            time: now,
            id: entry.id,
            url: entry.url,
            format: entry.format,
            attempt: entry.attempt,
            status: 0,
            response: 'gave up after 7 days',
            outcome: 'failed',
          });
          continue;
        }
        // Lease it, so another tab leaves it alone while this one sends it.
        update((list) => list.map((candidate) => (candidate.id === entry.id ? { ...candidate, due: now + LEASE_MS } : candidate)));
        await send(entry);
      }
    } finally {
      sending = false;
      schedule();
    }
  }

  /**
   * Whether `candidate` waits out a long backoff because the receiver at `url` was away: once that
   * receiver answers again, it goes now, not in an hour. A call the receiver refused on its own
   * (a 500 for it alone) keeps its backoff, or it would be sent after every other call.
   */
  const isBackingOffFrom = (candidate: Delivery, url: string): boolean =>
    candidate.url === url &&
    candidate.attempt > 0 &&
    AWAY_STATUSES.includes(candidate.status ?? 0) &&
    candidate.due > effects.now() + LEASE_MS;

  async function send(entry: Delivery): Promise<void> {
    const attempt = entry.attempt + 1;
    sentAt.set(entry.id, effects.now());
    let status = 0;
    let response = '';
    let wait: number | null = null;
    try {
      // A receiver that never answers must not hold this page's outbox: given up after 20 s, retried.
      const answer = await fetchWithin(effects, entry.url, requestOf(entry));
      status = answer.status;
      response = (await answer.text()).slice(0, 200);
      wait = retryAfterMs(answer.headers.get('retry-after'), effects.now(), answer.headers.get('date'));
    } catch (error) {
      // Network failure, or a receiver that does not send Access-Control-Allow-Origin.
      response = String((error as Error)?.message ?? error).slice(0, 200);
    }
    const retry = status === 0 || status === 408 || status === 429 || status >= 500;
    const acknowledged = entry.txid !== null && status >= 200 && status < 300 && response.trim() === '*ok*';
    const outcome: DeliveryRecord['outcome'] = acknowledged
      ? 'acknowledged'
      : status >= 200 && status < 300
        ? 'delivered'
        : retry
          ? 'retry'
          : 'failed';
    if (acknowledged) store.set(ACKED, JSON.stringify([...acked(), entry.txid]));
    const answered = status >= 200 && status < 300;
    update((list) =>
      outcome === 'retry'
        ? list.map((candidate) =>
            candidate.id === entry.id
              ? {
                  ...candidate,
                  attempt,
                  status,
                  due: effects.now() + Math.max(wait ?? 0, Math.min(BACKOFF_FIRST_MS * 3 ** entry.attempt, BACKOFF_MAX_MS)),
                }
              : candidate,
          )
        : list
            .filter((candidate) => candidate.id !== entry.id)
            .map((candidate) => (answered && isBackingOffFrom(candidate, entry.url) ? { ...candidate, due: effects.now() } : candidate)),
    );
    if (outcome === 'retry') {
      if (mine.has(entry.id)) mine.set(entry.id, load().find((candidate) => candidate.id === entry.id) ?? mine.get(entry.id)!);
    } else {
      finish(entry.id);
    }
    report({ time: effects.now(), id: entry.id, url: entry.url, format: entry.format, attempt, status, response, outcome });
  }

  return {
    add(deliveries) {
      if (deliveries.length) {
        // A call another tab already finished is not sent twice.
        const finished = new Set(finishedIds());
        const fresh = deliveries.filter((delivery) => !finished.has(delivery.id));
        for (const delivery of fresh) mine.set(delivery.id, delivery);
        update((list) => [...list, ...fresh.filter((delivery) => !list.some((entry) => entry.id === delivery.id))]);
      }
      void pump();
    },
    flushOnLeave() {
      for (const entry of load()) {
        // sendBeacon can only POST; a GET callback (or a browser without it) gets a keepalive fetch.
        const handed =
          entry.body !== null && effects.beacon
            ? effects.beacon(entry.url, entry.body)
            : (void effects.fetch(entry.url, { ...requestOf(entry), keepalive: true }).catch(() => undefined), true);
        if (handed)
          report({
            time: effects.now(),
            id: entry.id,
            url: entry.url,
            format: entry.format,
            attempt: entry.attempt + 1,
            status: 0,
            response: '',
            outcome: 'beacon',
          });
      }
    },
    acked,
    stop() {
      stopped = true;
      unsubscribe();
      if (timer !== null) effects.clearTimeout(timer);
    },
  };
}
