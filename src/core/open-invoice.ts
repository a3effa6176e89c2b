/**
 * Making a new invoice: which address (the page's index, one from the merchant's server, or
 * allocation), which amount (a fiat price converted, an amount tag on a shared address), and
 * the terms it is watched by.
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { deriveAddress, isChildIndex } from './account.js';
import { allocateIndex, holdIndex, releaseIndex } from './allocate.js';
import { formatDecimal, MAX_SATS } from './amount.js';
import { createRestClient, HttpError, type RestClient } from './http.js';
import type { CheckoutConfig } from './config.js';
import type { Clock, FetchLike, Timers } from './effects.js';
import type { DeviceClaims } from './claims.js';
import { CheckoutError } from './errors.js';
import { amountTag, type FiatPrice, type InvoiceBase, type InvoicePolicy } from './invoice.js';
import { newKept, parseKept, receiverIdOf, restoreInvoice, storeNewInvoice, type KeptInvoice } from './kept-invoice.js';
import { fetchPrice, fiatToSats } from './rates.js';
import type { Store } from './store.js';

export interface OpenInvoiceDeps extends Clock, Partial<Timers> {
  rest: RestClient;
  fetch: FetchLike;
  store: Store;
  claims: DeviceClaims;
  random(): number;
  randomBytes(length: number): Uint8Array;
  /** Runs a task until it succeeds, telling the buyer why it waits. */
  retrying<T>(task: () => Promise<T>): Promise<T>;
  /** Waits, to pace requests under an API's rate limit. */
  sleep?(ms: number): Promise<void>;
}

export interface OpenedInvoice {
  readonly base: InvoiceBase;
  readonly policy: InvoicePolicy;
  /** Gives back an allocated address when the invoice is not used after all. */
  release(): void;
  /** When allocation's scan, asked at this time (Unix ms), found the address unused; null without a scan. */
  readonly scannedUnusedAt: number | null;
}

const ACCOUNT_KEY = 'btc-checkout:account:';

/**
 * Asks the merchant's server for this buyer's own receive index: `POST index-url` with a JSON
 * body `{orderId, network}` sent as text/plain (a CORS simple request), answered with
 * `{"index": 17}` and optionally `"address"`, which must be the one this key derives there (so a
 * server configured with another key is caught before anyone pays).
 */
export async function fetchIndex(
  config: CheckoutConfig,
  deps: Pick<OpenInvoiceDeps, 'fetch' | 'now' | 'setTimeout' | 'clearTimeout'>,
): Promise<number> {
  const { receiver } = config;
  if (receiver.kind !== 'account' || !receiver.indexUrl) throw new TypeError('fetchIndex needs a key and an index-url');
  const server = createRestClient([receiver.indexUrl], deps, 'index-url');
  let answer: { index?: unknown; address?: unknown } | null;
  try {
    answer = JSON.parse(await server.post('', JSON.stringify({ orderId: config.orderId, network: config.network })));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    answer = null;
  }
  if (!answer || !isChildIndex(answer.index)) {
    throw new CheckoutError('index-url', 'invalid', 'index-url did not answer with a receive index such as {"index": 17}.');
  }
  if (answer.address !== undefined && answer.address !== deriveAddress(receiver.account, answer.index)) {
    // Not retried: the server and the page are configured with different keys.
    throw new CheckoutError(
      'index-url',
      'conflict',
      `index-url gave index ${answer.index} for another address than this key derives there: the server and the page use different keys.`,
    );
  }
  return answer.index;
}

/**
 * The address hold of an invoice whose index allocation chose (null for any other): given back
 * when its checkout closes with nothing paid (D02b: abandoned checkouts would otherwise hold the
 * whole window), and taken again when the invoice is shown again.
 */
export function allocationHold(
  config: CheckoutConfig,
  base: InvoiceBase,
  policy: InvoicePolicy,
  deps: Pick<OpenInvoiceDeps, 'store' | 'claims' | 'now'>,
): { release(): Promise<void>; renew(): Promise<boolean> } | null {
  const { receiver } = config;
  if (receiver.kind !== 'account' || receiver.index !== null || receiver.indexUrl !== null || base.index === null) return null;
  const memory = { store: deps.store, key: `${ACCOUNT_KEY}${receiverIdOf(config)}`, claims: deps.claims, token: base.id, now: deps.now };
  const index = base.index;
  return {
    release: () => releaseIndex(memory, index).catch(() => undefined),
    renew: () => holdIndex(memory, index, policy.expiresAt ?? deps.now() + 24 * 3_600_000).catch(() => false),
  };
}

/** Creates the invoice for `config`: address, amount and terms. */
export async function openInvoice(config: CheckoutConfig, deps: OpenInvoiceDeps): Promise<OpenedInvoice> {
  const { receiver } = config;
  const id = bytesToHex(deps.randomBytes(16));
  let index = receiver.kind === 'account' ? receiver.index : null;
  let release = (): void => undefined;
  let scannedUnusedAt: number | null = null;
  if (receiver.kind === 'account' && index === null) {
    if (receiver.indexUrl) {
      index = await deps.retrying(() => fetchIndex(config, deps));
    } else {
      const { account } = receiver;
      // The address is held with the invoice's id, so that only this invoice can give it back.
      const memory = { store: deps.store, key: `${ACCOUNT_KEY}${receiverIdOf(config)}`, claims: deps.claims, token: id };
      const allocation = await deps.retrying(() => {
        scannedUnusedAt = deps.now();
        return allocateIndex(deps.rest, {
          ...memory,
          api: config.apis.join(' '),
          gapLimit: config.gapLimit,
          now: deps.now,
          random: deps.random,
          derive: (i) => deriveAddress(account, i),
          holdMs: config.expiresMs,
          sleep: deps.sleep,
        });
      });
      index = allocation.index;
      release = () => void releaseIndex(memory, allocation.index).catch(() => undefined);
    }
  }
  try {
    let expectedSats = config.amountSats ?? 0;
    let fiat: FiatPrice | null = null;
    if (config.fiat) {
      const { currency, amount, text } = config.fiat;
      // Prices only where they are served: a base that answers 404 (an Esplora in a mixed list) is passed over.
      const prices = config.ratesUrl
        ? createRestClient([config.ratesUrl], deps, 'rates')
        : createRestClient(config.apis, deps, 'rates', { failOverOn: [404] });
      const price = await deps.retrying(() => fetchPrice(prices, config.ratesUrl ? '' : '/v1/prices', currency));
      expectedSats = fiatToSats(amount, price);
      if (expectedSats > MAX_SATS) throw new CheckoutError('amount', 'out-of-range', `${text} ${currency} is more than 21 million BTC.`);
      fiat = { currency, amount: text, rate: formatDecimal(price) };
    }
    // Buyers shown the same address are told apart by their amounts: a random tag makes two
    // buyers at the same price differ too, so (address, amount) names one invoice.
    const tagSats = config.shared && expectedSats ? amountTag(deps.random) : 0;
    const createdAt = deps.now();
    const base: InvoiceBase = {
      id,
      address: receiver.kind === 'account' ? deriveAddress(receiver.account, index!) : receiver.address,
      index,
      network: config.network,
      orderId: config.orderId,
      item: config.item,
      priceToken: config.priceToken,
      createdAt,
      tagSats,
      fiat,
    };
    const policy: InvoicePolicy = {
      expectedSats: expectedSats + tagSats,
      confirmations: config.confirmations,
      toleranceBasisPoints: config.toleranceBasisPoints,
      expiresAt: config.expiresMs === null ? null : createdAt + config.expiresMs,
      tagSats,
      shared: config.shared,
    };
    return { base, policy, release, scannedUnusedAt };
  } catch (error) {
    release();
    throw error;
  }
}

/** How long the claim on creating an order's invoice lasts: long enough for the other tabs' storage to show it. */
const CREATION_CLAIM_MS = 10_000;

export interface Opening {
  readonly kept: KeptInvoice;
  /** It was kept on the device already (a reload, another tab, a return visit). */
  readonly restored: boolean;
  /** When allocation's scan, asked at this time (Unix ms), found its address unused; null without one. */
  readonly scannedUnusedAt: number | null;
}

/**
 * The buyer's invoice for this order, kept on the device; or a new one. Two tabs opening the same
 * order at once both prepare one, and the first to claim the order wins: the other adopts its
 * invoice and gives its own address back. Null when the checkout was stopped meanwhile.
 */
export async function restoreOrOpen(
  config: CheckoutConfig,
  deps: OpenInvoiceDeps & { readonly key: string; alive(): boolean },
): Promise<Opening | null> {
  const { store, key } = deps;
  const kept = restoreInvoice(store, config, deps.now());
  if (kept) return { kept, restored: true, scannedUnusedAt: null };
  const opened = await openInvoice(config, deps);
  if (!deps.alive()) return (opened.release(), null);
  const fresh = JSON.stringify(newKept(config, opened.base, opened.policy));
  const now = deps.now();
  const holder = await deps.claims.claim(`invoice:${key}`, fresh, now + CREATION_CLAIM_MS, now);
  // A tab that took long to prepare (allocation waiting out a rate limit) may find that another
  // one, long since, made this order's invoice and the buyer paid it: that one is kept, never
  // replaced by a new request (soak, seed 42).
  const theirs = restoreInvoice(store, config, deps.now()) ?? (holder === fresh ? null : parseKept(holder));
  const chosen = theirs && theirs.receiver === receiverIdOf(config) ? theirs : storeNewInvoice(store, key, parseKept(fresh)!);
  const ours = chosen.base.id === opened.base.id;
  if (!ours) opened.release();
  if (!deps.alive()) return null;
  return { kept: chosen, restored: false, scannedUnusedAt: ours ? opened.scannedUnusedAt : null };
}
