/**
 * The reference receiver's routes, one function each: the btc-checkout JSON call, Blockonomics'
 * and Blockchain.com's GET callbacks (the formats of ../shared/seeds), and `POST /index`. Each
 * reads its request into the rules of ledger.ts and logs what it found.
 * @module
 */
import { deriveAddress } from '../../src/core/account.js';
import { findLastUsed } from '../../src/core/allocate.js';
import { memoryStore } from '../../src/core/store.js';
import { verifyPayment, type VerifyResult } from '../../src/core/verify.js';
import { check, invoiceFor, outcome, priceOf, settle, verifyInvoice, type ReceiverContext } from './ledger.js';

/** A request that is not what the route takes: answered 400 with this message. */
export class BadRequest extends Error {}

/** How far back an invoice first heard of after its creation may say it was created. */
const LATE_FIRST_CALL_MS = 3_600_000;

export async function onJson(ctx: ReceiverContext, body: string): Promise<string> {
  const { now, record, store, tip } = ctx;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new BadRequest('not JSON');
  }
  if (
    !payload ||
    typeof payload !== 'object' ||
    Array.isArray(payload) ||
    typeof payload.invoiceId !== 'string' ||
    !/^[\w-]{1,64}$/.test(payload.invoiceId)
  ) {
    throw new BadRequest('not a btc-checkout webhook');
  }
  const id = payload.invoiceId;
  const stored = await store.invoice(id);
  // First heard of at its creation (the `awaiting` call), an invoice's payments must come after
  // this moment: remember the tip. Heard of later (that call was lost), its payments may be
  // older than now: then only their blocks' times are checked against its creation, and its
  // fiat rate at that time, as the call states it, but never more than an hour back.
  const fresh = !stored && payload.status === 'awaiting';
  const height = stored ? stored.createdAtHeight : fresh ? await tip() : null;
  const stated = typeof payload.createdAt === 'number' ? payload.createdAt : now();
  const createdAt = stored?.createdAt ?? (fresh ? now() : Math.min(Math.max(stated, now() - LATE_FIRST_CALL_MS), now()));
  let result = await check(ctx, payload, stored, height, createdAt);
  const invoice = await invoiceFor(ctx, payload, id, result, height, createdAt);
  const claimed = String(payload.status);
  if (invoice) {
    result = await settle(ctx, invoice, result, true);
  } else if (result.ok && result.method === 'lightning' && result.expectedSats !== null) {
    // Paid by Lightning, its earlier calls lost: the payment hash is the order's alone.
    result = await settle(ctx, { id, address: '', expectedSats: result.expectedSats, exclusive: true }, result, false);
  } else if (result.ok && result.address !== null && result.expectedSats !== null) {
    const index = typeof payload.index === 'number' ? payload.index : null;
    const issued = index === null ? null : await store.issued(index);
    // An index another invoice took is not this one's to be paid on.
    if (issued && issued.invoiceId !== null && issued.invoiceId !== id)
      result = { ...result, ok: false, contradicted: true, reason: `Index ${index} was handed out to invoice ${issued.invoiceId}.` };
    else
      result = await settle(
        ctx,
        { id, address: result.address, expectedSats: result.expectedSats, exclusive: issued !== null },
        result,
        false,
      );
  }
  await record({
    via: 'json',
    claim: claimed,
    orderId: typeof payload.orderId === 'string' ? payload.orderId : null,
    address: typeof payload.address === 'string' ? payload.address : null,
    ...outcome(result, claimed, result.ok),
    answer: 'ok',
  });
  return 'ok';
}

/**
 * The GET formats name an order by its address (as Blockonomics' and Blockchain.com's own
 * servers gave each order its own address): accepted only for an address this receiver handed
 * out, for the order it handed it to, at the merchant's price.
 */
export async function onGet(
  ctx: ReceiverContext,
  via: 'blockonomics' | 'blockchain-info',
  query: URLSearchParams,
  address: string,
  txid: string | null,
  claimed: string,
): Promise<VerifyResult> {
  const { account, indexOf, store, verifyBase } = ctx;
  const orderId = query.get('order_id') ?? query.get('invoice_id');
  const index = indexOf.get(address);
  const issued = index === undefined ? null : await store.issued(index);
  const refuse = (reason: string): VerifyResult => ({
    ok: false,
    status: 'error',
    address,
    expectedSats: null,
    receivedSats: 0,
    confirmedSats: 0,
    confirmations: 0,
    txids: [],
    reason,
    contradicted: true,
  });
  if (!issued)
    return refuse(
      `${address} was not handed out by this receiver: a ${via} callback names its order by its address, so it needs index-url.`,
    );
  if (issued.orderId !== null && query.get('order_id') !== null && issued.orderId !== query.get('order_id'))
    return refuse(`${address} was handed out for order ${issued.orderId}, not ${query.get('order_id')}.`);
  const id = `${via}:${index}`;
  const stored = await store.invoice(id);
  const payload = {
    address,
    index,
    network: account.network,
    txids: txid ? [txid] : undefined,
    status: claimed,
    orderId,
    item: query.get('item') ?? undefined,
    priceToken: query.get('price_token') ?? undefined,
  };
  const price = priceOf(ctx, payload);
  if (!stored && !price) return refuse('No price for this order: a price token or a price list entry is needed.');
  // On an address of its own, every payment to it since it was handed out counts.
  let result = stored
    ? await verifyInvoice(ctx, stored, { ...payload, txids: undefined }, true)
    : await verifyPayment({
        ...verifyBase,
        payload: { ...payload, txids: undefined },
        ...price,
        exclusive: true,
        createdAt: issued.at,
        createdAtHeight: issued.height ?? undefined,
      });
  if (result.ok && txid && !result.txids.includes(txid)) result = refuse(`${txid} is not a payment to ${address} since it was handed out.`);
  const invoice =
    stored ??
    (result.expectedSats !== null ? await invoiceFor(ctx, { ...payload, invoiceId: id }, id, result, issued.height, issued.at) : null);
  if (invoice) result = await settle(ctx, invoice, result, true);
  return result;
}

/** Blockonomics: status 0/1/2, addr, value, txid. Success is any HTTP 200. */
export async function onBlockonomics(ctx: ReceiverContext, query: URLSearchParams): Promise<string> {
  const { record } = ctx;
  const address = query.get('addr') ?? '';
  // Status 0 claims an unconfirmed payment, 1 a partly confirmed one, 2 a confirmed one.
  const claimed = ({ 0: 'unconfirmed', 1: 'confirming', 2: 'paid' } as Record<string, string>)[query.get('status') ?? ''] ?? 'paid';
  const result = await onGet(ctx, 'blockonomics', query, address, query.get('txid'), claimed);
  await record({
    via: 'blockonomics',
    claim: `status ${query.get('status')}, ${query.get('value')} sats`,
    orderId: query.get('order_id'),
    address,
    ...outcome(result, claimed, result.ok),
    answer: 'ok',
  });
  return 'ok';
}

/** Blockchain.com: answer `*ok*` only once the order is paid, or it calls again at the next block. */
export async function onBlockchainInfo(ctx: ReceiverContext, query: URLSearchParams): Promise<string> {
  const { confirmations, record } = ctx;
  const address = query.get('address') ?? '';
  const depth = Math.max(Number(query.get('confirmations')) || 0, 0);
  const claimed = depth >= confirmations ? 'paid' : depth >= 1 ? 'confirming' : 'unconfirmed';
  const result = await onGet(ctx, 'blockchain-info', query, address, query.get('transaction_hash'), claimed);
  const answer = result.ok ? '*ok*' : 'waiting';
  await record({
    via: 'blockchain-info',
    claim: `${depth} confirmations, ${query.get('value')} sats`,
    orderId: query.get('order_id') ?? query.get('invoice_id'),
    address,
    ...outcome(result, claimed, result.ok),
    answer,
  });
  return answer;
}

/** `POST /index`: the next receive index, never handed out before, for `index-url`. */
export async function onIndex(ctx: ReceiverContext, body: string): Promise<string> {
  const { account, lookahead, now, options, rest, store, tip } = ctx;
  let request: { orderId?: unknown } = {};
  try {
    request = JSON.parse(body || '{}') ?? {};
  } catch {
    throw new BadRequest('not JSON');
  }
  const first = async (): Promise<number> =>
    1 +
    (await findLastUsed(rest, {
      api: options.api,
      gapLimit: options.gapLimit ?? 20,
      store: memoryStore(),
      key: 'receiver',
      derive: (index) => deriveAddress(account, index),
      now,
    }));
  const index = await store.issueIndex(first, {
    orderId: typeof request.orderId === 'string' ? request.orderId.slice(0, 128) : null,
    at: now(),
    height: await tip(),
  });
  if (index > lookahead) throw new Error(`Index ${index} is beyond the lookahead (${lookahead}): raise it, and your wallet's gap limit.`);
  return JSON.stringify({ index, address: deriveAddress(account, index) });
}
