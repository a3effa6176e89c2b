/**
 * The reference receiver's rules for money: which terms a call is checked against, when an
 * invoice is registered, how a payment settles one invoice (and only one), and the re-checks
 * that catch what a lost call never said. server.ts wires them to HTTP; callbacks.ts reads the
 * three webhook formats into them.
 * @module
 */
import type { ReceiveAccount } from '../../src/core/account.js';
import type { RestClient } from '../../src/core/http.js';
import type { Price } from '../../src/core/price-token.js';
import { verifyPayment, type VerifyOptions, type VerifyResult } from '../../src/core/verify.js';
import type { LogEntry, ReceiverStore, StoredInvoice } from './store.js';
import type { ReceiverLimits, ReceiverOptions } from './server.js';

/** How far along each status is, for "the chain shows at least what the call claims". */
const PROGRESS: Record<string, number> = { awaiting: 0, expired: 0, underpaid: 1, unconfirmed: 2, confirming: 3, paid: 4 };
/** An invoice is watched for a day after its deadline, and a week at most, as BTCPay watches late payments. */
const MONITOR_MS = 24 * 3_600_000;
export const MAX_LIFE_MS = 7 * 24 * 3_600_000;
/** Re-checks back off: 1 min, 2, 4 … up to an hour. */
export const RECHECK_FIRST_MS = 60_000;
const RECHECK_MAX_MS = 3_600_000;
/** What one check of a call costs at most, in API requests (tip, a few transactions, a rate). */
export const CHECK_COST = 4;
/** The "invoice" a transaction matching several invoices alike is set aside for. */
const DISPUTED = '(disputed)';

/** What the rules work with: the receiver's options, store, clock, budget and chain access. */
export interface ReceiverContext {
  options: ReceiverOptions;
  store: ReceiverStore;
  now: () => number;
  limits: ReceiverLimits;
  account: ReceiveAccount;
  prices: Record<string, Price>;
  confirmations: number;
  lookahead: number;
  recheckAfter: number;
  budget: { has(n: number): boolean; take(): boolean };
  rest: RestClient;
  /** The receive addresses up to the lookahead, and their indices. */
  indexOf: Map<string, number>;
  /** What every check shares: the account, the API, confirmations, lookahead, fetch and clock. */
  verifyBase: Omit<VerifyOptions, 'payload'>;
  /** The chain's tip height, cached a few seconds; null when the API cannot say. */
  tip(): Promise<number | null>;
  record(entry: Omit<LogEntry, 'time'>): Promise<void>;
}

/** Checks `payload` against a registered invoice's own terms: its amount, whether its address is its own, its date. */
export const verifyInvoice = (
  ctx: ReceiverContext,
  invoice: StoredInvoice,
  payload: unknown,
  exclusive = invoice.exclusive,
): Promise<VerifyResult> =>
  verifyPayment({
    ...ctx.verifyBase,
    payload,
    expectedSats: invoice.expectedSats,
    exclusive,
    createdAt: invoice.createdAt,
    createdAtHeight: invoice.createdAtHeight ?? undefined,
  });

/** Whether the chain shows at least what the call claims (`claimed`, a status), and whether the order is paid. */
export const outcome = (result: VerifyResult, claimed: string, paid: boolean) => {
  const verified =
    result.ok || (!result.contradicted && claimed !== 'paid' && (PROGRESS[result.status] ?? -1) >= (PROGRESS[claimed] ?? 99));
  return { verified, paid, status: result.status, reason: result.reason };
};

/** The merchant's price for a call: its signed token, or the price list by item, then order. */
export const priceOf = (
  { options, prices }: ReceiverContext,
  payload: Record<string, unknown>,
): Pick<VerifyOptions, 'price' | 'priceKey'> | null => {
  if (options.priceKey && typeof payload.priceToken === 'string') return { priceKey: options.priceKey };
  const listed =
    (typeof payload.item === 'string' && prices[payload.item]) || (typeof payload.orderId === 'string' && prices[payload.orderId]) || null;
  if (listed) return { price: listed };
  return options.priceKey ? { priceKey: options.priceKey } : null;
};

/**
 * Settles `invoice` with what `result` found: unless the payment also matches another open
 * invoice alike (the same amount at the same shared address), when neither is paid and the
 * transaction is set aside for the merchant; or it already paid another invoice. `invoice` may
 * be one that was not registered (caps): it is settled all the same, durably, once.
 */
export async function settle(
  ctx: ReceiverContext,
  invoice: Pick<StoredInvoice, 'id' | 'address' | 'expectedSats' | 'exclusive'>,
  result: VerifyResult,
  registered: boolean,
): Promise<VerifyResult> {
  const { now, store } = ctx;
  if (!result.ok) return result;
  // A Lightning payment is its payment hash: one hash settles one invoice, as one transaction does.
  const lightning = result.method === 'lightning';
  const payments = lightning ? [`lightning:${result.paymentHash}`] : result.txids;
  if (!invoice.exclusive && !lightning) {
    const twins = await store.twins({ ...(invoice as StoredInvoice), closesAt: Infinity }, now());
    if (twins.length) {
      for (const id of [invoice.id, ...twins.map((twin) => twin.id)]) await store.updateInvoice(id, { state: 'review' });
      // Set aside, so that no later call or re-check can take it for one of them.
      await store.settle(DISPUTED, payments, now());
      return {
        ...result,
        ok: false,
        reason: `Its payment ${result.txids.join(', ')} matches invoice ${twins.map((twin) => twin.id).join(', ')} too (the same amount at the same address): settle it by hand.`,
      };
    }
  }
  const taken = await store.settle(invoice.id, payments, now());
  if (taken === DISPUTED)
    return {
      ...result,
      ok: false,
      reason: `${payments.join(', ')} matches several invoices alike: it waits for the merchant to settle it by hand.`,
    };
  if (taken) return { ...result, ok: false, reason: `${payments.join(', ')} already paid invoice ${taken}.` };
  if (registered) await store.updateInvoice(invoice.id, { state: 'paid' });
  return result;
}

/**
 * The invoice a call is about, registered with the merchant's terms on first sight. Past the
 * caps it is not registered (its own calls are still checked and settled), except when it
 * asks the same amount at the same address as one open invoice: then it must be, so that a
 * payment matching both is seen to match both.
 */
export async function invoiceFor(
  ctx: ReceiverContext,
  payload: Record<string, unknown>,
  id: string,
  result: VerifyResult,
  createdAtHeight: number | null,
  createdAt: number,
): Promise<StoredInvoice | null> {
  const { limits, now, recheckAfter, store } = ctx;
  const known = await store.invoice(id);
  if (known) return known;
  if (result.expectedSats === null || result.address === null || (result.contradicted && result.status === 'error')) return null;
  const time = now();
  const index = typeof payload.index === 'number' ? payload.index : null;
  const issued = index === null ? null : await store.issued(index);
  if (issued && (await store.bindIssued(index!, id)) !== id) return null;
  const deadline = typeof payload.expiresAt === 'number' ? Math.min(payload.expiresAt, time + MAX_LIFE_MS) : time;
  const invoice: StoredInvoice = {
    id,
    orderId: typeof payload.orderId === 'string' ? payload.orderId.slice(0, 128) : null,
    address: result.address,
    index,
    expectedSats: result.expectedSats,
    exclusive: issued !== null,
    createdAt: issued?.at ?? createdAt,
    createdAtHeight: issued?.height ?? createdAtHeight,
    closesAt: Math.min(Math.max(deadline, time) + MONITOR_MS, time + MAX_LIFE_MS),
    state: 'open',
    nextCheck: time + recheckAfter,
    checks: 0,
  };
  const twins = invoice.exclusive ? [] : await store.twins(invoice, time);
  const withinCaps = (await store.countOpen(time, invoice.address)) < limits.openPerAddress && (await store.countOpen(time)) < limits.open;
  if (!(withinCaps || twins.length === 1)) return null;
  return store.addInvoice(invoice);
}

/** Terms to check a call with: the stored invoice's, or on first sight the merchant's price. */
export async function check(
  ctx: ReceiverContext,
  payload: Record<string, unknown>,
  invoice: StoredInvoice | null,
  createdAtHeight: number | null,
  createdAt: number,
): Promise<VerifyResult> {
  const { store, verifyBase } = ctx;
  if (invoice) return verifyInvoice(ctx, invoice, payload);
  const price = priceOf(ctx, payload);
  const index = typeof payload.index === 'number' ? payload.index : null;
  const issued = index === null ? null : await store.issued(index);
  if (!price) {
    return {
      ok: false,
      status: 'error',
      address: null,
      expectedSats: null,
      receivedSats: 0,
      confirmedSats: 0,
      confirmations: 0,
      txids: [],
      reason: 'No price for this order: it has no price token, and neither its item nor its order reference is in the price list.',
      contradicted: false,
    };
  }
  return verifyPayment({
    ...verifyBase,
    payload,
    ...price,
    exclusive: issued !== null && (issued.invoiceId === null || issued.invoiceId === payload.invoiceId),
    createdAt: issued?.at ?? createdAt,
    createdAtHeight: issued?.height ?? createdAtHeight ?? undefined,
  });
}

/** Re-checks due invoices, a few at a time and one per address, so that a flood cannot make it hammer the API. */
export async function recheckDue(ctx: ReceiverContext): Promise<void> {
  const { account, budget, limits, now, recheckAfter, record, store } = ctx;
  const seen = new Set<string>();
  for (const invoice of await store.due(now(), limits.rechecksPerPass * 5)) {
    if (seen.size >= limits.rechecksPerPass || !budget.has(CHECK_COST)) break;
    if (seen.has(invoice.address)) continue;
    seen.add(invoice.address);
    const checks = invoice.checks + 1;
    await store.updateInvoice(invoice.id, { checks, nextCheck: now() + Math.min(recheckAfter * 2 ** checks, RECHECK_MAX_MS) });
    const payload = { address: invoice.address, index: invoice.index, network: account.network };
    const result = await settle(ctx, invoice, await verifyInvoice(ctx, invoice, payload), true);
    if (result.ok || result.reason?.startsWith('Its payment')) {
      await record({
        via: 'recheck',
        claim: 'no new call',
        orderId: invoice.orderId,
        address: invoice.address,
        ...outcome(result, 'paid', result.ok),
        answer: '',
      });
    }
  }
}
