/**
 * `btc-checkout/verify`: check a webhook against the chain instead of trusting it.
 *
 * A browser cannot sign anything, so a webhook is a hint that anyone could have sent, with any
 * amount the buyer's page was edited to ask. A receiver calls {@link verifyPayment} with what only
 * it knows: its key (the address must be the one the key derives at the claimed index, within the
 * wallet's lookahead), and the price, from its own records or a price token it signed. The
 * amount and confirmations are read from the chain, never from the call. Which payments count
 * follows the widget's own rule ({@link attributePayments}): on an address other buyers may
 * share, only one transaction of exactly the amount asked. Runs on Node 20+ and edge runtimes.
 *
 * @example
 * ```js
 * import { verifyPayment } from 'btc-checkout/verify';
 * const result = await verifyPayment({ xpub: process.env.SHOP_XPUB, payload, api: 'https://mempool.space/api', priceKey: process.env.PRICE_KEY });
 * if (result.ok) shipOrder(payload.orderId); // and let one transaction pay one order
 * ```
 * @module
 */
import { deriveAddress, isChildIndex, parseAccount, type ReceiveAccount } from './account.js';
import { parseAddress } from './address.js';
import { formatDecimal, parseAmount, parseDecimal, sameDecimal } from './amount.js';
import { fetchAddressTxs, fetchTipHeight, fetchTx, type DatedTx } from './chain/esplora.js';
import { createRestClient, type RestClient } from './http.js';
import type { FetchLike } from './effects.js';
import type { NetworkName } from './networks.js';
import { CheckoutError } from './errors.js';
import { attributePayments, summarizeInvoice, TAG_MAX_SATS, type InvoiceStatus } from './invoice.js';
import { verifyPriceToken, type Price } from './price-token.js';
import { fetchHistoricalPrice, fiatToSats } from './rates.js';
import {
  decodeBolt11,
  invoiceNetwork,
  metadataHash,
  originOf,
  parseLightningAddress,
  preimageMatches,
  readPayRequest,
  readVerify,
} from './lightning.js';

export interface VerifyOptions {
  /** Your extended public key or descriptor, from your server's configuration: never from the call. */
  xpub?: string;
  /** Or, for a checkout with a fixed `address`: that address, from your configuration (with both, calls with no index are checked against it). */
  address?: string;
  /** The webhook's JSON body, or for the GET formats an object with `address`, `index` and `txids`. */
  payload: unknown;
  /** Esplora / mempool REST API base URL(s), tried in order. */
  api: string | readonly string[];
  /** Confirmations you require. Default 1 (never the payload's own figure). */
  confirmations?: number;
  /**
   * The price, from you, never from the call. One of:
   * - `expectedSats`: exactly what the invoice must receive, in sats (amount tag included);
   * - `price`: your price for this order (`{amount, currency}`, from your price list): the amount
   *   tag (at most 99 sats) is read from the call, and a fiat price's rate is checked against the
   *   price history;
   * - `priceKey`: your price-token key: the price is the one the call's `priceToken` states, if
   *   you signed it.
   */
  expectedSats?: number;
  price?: Price;
  priceKey?: string | Uint8Array;
  /** A base answering mempool's `/v1/historical-price`, to check fiat rates; by default the `api`. */
  rates?: string;
  /** How much above the price history the page's rate may be, in hundredths of a percent (default 200: 2 %). */
  rateToleranceBasisPoints?: number;
  /**
   * The address is this buyer's alone: your server handed out its index (`index-url`, or an
   * `index` it never gives anyone else). From your own records, never from the call. Then every
   * payment to it counts, and `toleranceBasisPoints` applies. Default false: as on a page that
   * chooses the address itself (or shows a fixed `address`), other buyers may have been shown
   * it, so only one transaction of exactly the amount counts.
   */
  exclusive?: boolean;
  /** Accepted shortfall in hundredths of a percent, on an exclusive address only. */
  toleranceBasisPoints?: number;
  /** The highest receive index your wallet looks at (its lookahead); beyond it funds would go unseen. Default 1000. */
  maxIndex?: number;
  /**
   * When the invoice was created, from your records (when you first heard of it; Unix ms). A
   * payment in a block more than two hours older (block times may lag that much) is not its.
   * Fiat rates are checked at this time rather than at the call's `createdAt`.
   */
  createdAt?: number;
  /** The chain's tip height when the invoice was created, from your records: a payment in a block at or below it is not the invoice's. */
  createdAtHeight?: number;
  /** Network and address type, as on the element; by default the key's. */
  network?: string;
  addressType?: string;
  /**
   * Your Lightning Address (`name@domain`), from your configuration: a claim paid by Lightning
   * (`method: "lightning"`) is checked against it. Without it, such a claim is refused.
   */
  lightning?: string;
  fetch?: FetchLike;
  /** The clock (price-token expiry); default `Date.now`. */
  now?: () => number;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** The status the chain supports (`paid` when ok). */
  readonly status: InvoiceStatus;
  readonly address: string | null;
  /** The amount the invoice must receive, from your price (tag included); null when unknown. */
  readonly expectedSats: number | null;
  readonly receivedSats: number;
  readonly confirmedSats: number;
  readonly confirmations: number;
  readonly txids: readonly string[];
  /** Why it is not ok, in words; null when ok. */
  readonly reason: string | null;
  /**
   * The call says something the chain or your records contradict: an address the key does not
   * derive, a price that is not yours, a transaction the chain does not show, another buyer's
   * payment, more sats than were paid. Treat it as forged. False when the payment is only not
   * there yet (too few confirmations, underpaid), or when it could not be checked.
   */
  readonly contradicted: boolean;
  /** How it was paid: on-chain, or by Lightning (then `txids` is empty and `paymentHash` is set). */
  readonly method?: 'onchain' | 'lightning';
  readonly paymentHash?: string;
}

/** Claimed transactions read one by one at most; more is not a call the widget makes. */
const MAX_CLAIMED = 20;
/** How far a block's timestamp may lag the time it was mined (Bitcoin's median-time-past rule allows about this). */
const BLOCK_TIME_SLACK_MS = 2 * 3_600_000;

const refuse = (reason: string, address: string | null = null, contradicted = true, expectedSats: number | null = null): VerifyResult => ({
  ok: false,
  status: 'error',
  address,
  expectedSats,
  receivedSats: 0,
  confirmedSats: 0,
  confirmations: 0,
  txids: [],
  reason,
  contradicted,
});

const whole = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);

/** The address the call may speak of, from your key or fixed address; or why not. */
function addressOf(
  options: VerifyOptions,
  payload: Record<string, unknown>,
): { address: string; account: ReceiveAccount | null } | VerifyResult {
  if (!options.xpub && !options.address) return refuse('Pass your key (xpub) or your fixed address.', null, false);
  let account: ReceiveAccount | null = null;
  let network: string;
  // A merchant with both (keyed checkouts and a fixed-address one) is asked about the latter by
  // calls with no index: both are the merchant's, so the call may choose between them.
  const fixed = !!options.address && (!options.xpub || payload.index === null || payload.index === undefined);
  try {
    if (!fixed) {
      account = parseAccount(options.xpub!, { network: options.network, addressType: options.addressType });
      network = account.network;
    } else {
      network = parseAddress(options.address!, options.network).network;
    }
  } catch (error) {
    return refuse(
      `Your ${fixed ? 'address' : 'key'} cannot be used: ${error instanceof CheckoutError ? error.message : 'unreadable'}`,
      null,
      false,
    );
  }
  // The network is yours, not the call's: a call naming another is not from your checkout.
  if (payload.network !== undefined && payload.network !== network)
    return refuse(`The call names network ${String(payload.network)}; your ${account ? 'key' : 'address'} is for ${network}.`);
  if (!account) {
    const fixed = parseAddress(options.address!, options.network).address;
    if (payload.address !== fixed) return refuse(`The call names ${String(payload.address)}, not your address ${fixed}.`, fixed);
    return { address: fixed, account };
  }
  const index = payload.index;
  if (!isChildIndex(index)) return refuse('The payload has no valid index.');
  const maxIndex = options.maxIndex ?? 1000;
  if (index > maxIndex)
    return refuse(`Index ${index} is beyond your wallet's lookahead (${maxIndex}): your wallet would never see a payment there.`);
  const address = deriveAddress(account, index);
  if (payload.address !== address) return refuse(`Your key does not derive ${String(payload.address)} at index ${String(index)}.`, address);
  return { address, account };
}

/** The amount the invoice must receive, from the merchant's price; or why it cannot be trusted. */
async function expectedOf(
  options: VerifyOptions,
  payload: Record<string, unknown>,
  rest: RestClient,
  now: number,
): Promise<number | VerifyResult> {
  if (options.expectedSats !== undefined) return options.expectedSats;
  let price = options.price ?? null;
  if (!price && options.priceKey) {
    const checked = verifyPriceToken(payload.priceToken, options.priceKey, now);
    if (!checked.price) return refuse(checked.reason);
    price = checked.price;
  }
  if (!price)
    return refuse(
      "No price from your records: pass expectedSats, price (your price list) or priceKey (your price tokens). The call's own amount is whatever the buyer's page was edited to ask.",
      null,
      false,
    );
  if (payload.item !== undefined && payload.item !== null && price.item !== undefined && payload.item !== price.item) {
    return refuse(`The call is for item ${String(payload.item)}, your price for ${price.item}.`);
  }
  // The amount tag is the page's to choose, within its range: a few sats at most, never less.
  const tag = whole(payload.tagSats) ?? 0;
  if (tag > TAG_MAX_SATS) return refuse(`The call's amount tag is ${tag} sats; a tag is at most ${TAG_MAX_SATS}.`);
  let base: number;
  if (price.currency === 'BTC' || price.currency === 'sats') {
    base = parseAmount(price.amount, price.currency);
  } else {
    const fiat = payload.fiat as { currency?: unknown; amount?: unknown; rate?: unknown } | null;
    let rate;
    try {
      if (
        !fiat ||
        fiat.currency !== price.currency ||
        typeof fiat.amount !== 'string' ||
        !sameDecimal(fiat.amount, price.amount) ||
        typeof fiat.rate !== 'string'
      ) {
        return refuse(`The call's price is not your price of ${price.amount} ${price.currency}.`);
      }
      rate = parseDecimal(fiat.rate, 'rates');
    } catch {
      return refuse(`The call's price is not your price of ${price.amount} ${price.currency}.`);
    }
    // The page locked a rate; the price history says what it was then. A rate above it means
    // fewer sats than the price is worth.
    const at = options.createdAt ?? whole(payload.createdAt);
    if (at === null) return refuse('The call has no creation time to check its rate at.');
    let history;
    try {
      history = await fetchHistoricalPrice(
        options.rates ? createRestClient([options.rates], { fetch: options.fetch ?? globalFetch(), now: () => now }, 'rates') : rest,
        price.currency,
        at,
      );
    } catch (error) {
      return refuse(`The rate cannot be checked: ${(error as Error).message}`, null, false);
    }
    const tolerance = BigInt(10_000 + (options.rateToleranceBasisPoints ?? 200));
    // rate ≤ history × (1 + tolerance), in integers: rate × 10⁴ × 10^hs ≤ history × (10⁴ + t) × 10^rs.
    if (rate.units * 10_000n * 10n ** BigInt(history.scale) > history.units * tolerance * 10n ** BigInt(rate.scale)) {
      return refuse(
        `The page's rate of ${formatDecimal(rate)} ${price.currency}/BTC is above the price history's ${formatDecimal(history)} at the invoice's creation.`,
      );
    }
    base = fiatToSats(parseDecimal(price.amount), rate);
  }
  const expected = base + tag;
  const asked = whole(payload.expectedSats);
  if (asked !== null && asked !== expected)
    return refuse(`The call asks ${asked} sats; your price with its tag is ${expected}.`, null, true, expected);
  return expected;
}

const globalFetch = (): FetchLike => (globalThis as { fetch?: FetchLike }).fetch!;

/** GETs JSON from an LNURL service; throws with a reason a merchant can read. */
async function getJson(fetch: FetchLike, url: string): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-store' });
  return JSON.parse(await response.text());
}

/**
 * A claim paid by Lightning. Everything is checked against what the call cannot choose: the
 * invoice must be for your price to the millisatoshi and committed to the metadata your Lightning
 * Address serves (so made through it), and your service itself, asked at a verify URL on its
 * own host, must say it is settled, with the preimage of the invoice's payment hash. A buyer's
 * own invoice, naming your metadata, is unknown to your service: refused.
 */
async function verifyLightning(
  options: VerifyOptions,
  payload: Record<string, unknown>,
  fetch: FetchLike,
  now: number,
): Promise<VerifyResult> {
  const lightning = (payload.lightning ?? {}) as Record<string, unknown>;
  const refuseLightning = (reason: string, contradicted = true, expectedSats: number | null = null): VerifyResult => ({
    ...refuse(reason, null, contradicted, expectedSats),
    method: 'lightning',
  });
  if (!options.lightning)
    return refuseLightning('The call says it was paid by Lightning; you passed no Lightning Address (options.lightning).');
  const rest = createRestClient(typeof options.api === 'string' ? [options.api] : options.api, { fetch, now: () => now });
  const expected = await expectedOf(options, payload, rest, now);
  if (typeof expected !== 'number') return { ...expected, method: 'lightning' };
  let invoice;
  try {
    invoice = decodeBolt11(String(lightning.bolt11 ?? ''));
  } catch (error) {
    return refuseLightning(`The call's Lightning invoice cannot be read: ${(error as Error).message}`, true, expected);
  }
  const network = options.network ?? (options.xpub ? parseAccount(options.xpub).network : null);
  if (network && invoice.network !== invoiceNetwork(network as NetworkName))
    return refuseLightning(`The Lightning invoice is for ${invoice.network}, your checkout for ${network}.`, true, expected);
  if (invoice.amountMsat !== BigInt(expected) * 1000n)
    return refuseLightning(
      `The Lightning invoice asks ${String(invoice.amountMsat)} msat; your price is ${expected} sats.`,
      true,
      expected,
    );
  if (lightning.paymentHash !== undefined && lightning.paymentHash !== invoice.paymentHash)
    return refuseLightning('The call names another payment hash than its invoice.', true, expected);
  let address;
  let payRequest;
  try {
    address = parseLightningAddress(options.lightning);
    payRequest = readPayRequest(await getJson(fetch, address.url), address);
  } catch (error) {
    return refuseLightning(`Your Lightning Address cannot be read: ${(error as Error).message}`, false, expected);
  }
  if (invoice.descriptionHash !== metadataHash(payRequest.metadata))
    return refuseLightning(
      'The Lightning invoice was not made through your Lightning Address (its description hash is not over your metadata).',
      true,
      expected,
    );
  // The verify URL must be your service's own: anyone can serve "settled" for an invoice they made.
  const verify = typeof lightning.verify === 'string' ? lightning.verify : '';
  // A URL that is not http(s) has no origin, and is refused as well.
  if (![originOf(address.url), originOf(payRequest.callback)].includes(originOf(verify)))
    return refuseLightning("The call's verify URL is not on your Lightning Address service.", true, expected);
  let answer;
  try {
    answer = readVerify(await getJson(fetch, verify), { pr: String(lightning.bolt11), paymentHash: invoice.paymentHash });
  } catch (error) {
    // Your service answered, but not "settled" with this invoice's preimage: it does not know the
    // invoice (an error answer) or was named for another one. A garbled or missing answer proves nothing.
    const lie = error instanceof CheckoutError && (error.code === 'mismatch' || error.code === 'unavailable');
    return refuseLightning(`Your Lightning service's verify answer: ${(error as Error).message}`, lie, expected);
  }
  if (!answer.settled) return refuseLightning('Your Lightning service says the invoice is not settled.', false, expected);
  if (lightning.preimage !== undefined && lightning.preimage !== null && !preimageMatches(lightning.preimage, invoice.paymentHash))
    return refuseLightning("The call's preimage is not the preimage of its invoice.", true, expected);
  return {
    ok: true,
    status: 'paid',
    address: null,
    expectedSats: expected,
    receivedSats: expected,
    confirmedSats: expected,
    confirmations: 0,
    txids: [],
    reason: null,
    contradicted: false,
    method: 'lightning',
    paymentHash: invoice.paymentHash,
  };
}

export async function verifyPayment(options: VerifyOptions): Promise<VerifyResult> {
  if (!options.payload || typeof options.payload !== 'object' || Array.isArray(options.payload))
    return refuse('The call has no JSON object body.');
  const payload = options.payload as Record<string, unknown>;
  const fetch = options.fetch ?? globalFetch();
  if (!fetch) return refuse('No fetch: pass options.fetch.', null, false);
  const now = (options.now ?? Date.now)();
  if (payload.method === 'lightning') return verifyLightning(options, payload, fetch, now);
  const receiver = addressOf(options, payload);
  if ('ok' in receiver) return receiver;
  const { address } = receiver;
  const rest = createRestClient(typeof options.api === 'string' ? [options.api] : options.api, { fetch, now: () => now });
  const expected = await expectedOf(options, payload, rest, now);
  if (typeof expected !== 'number') return { ...expected, address };

  // Only the transactions the call names count (older history on the address does not), read
  // one by one; a call that names none is checked against everything since the invoice.
  const claimed = Array.isArray(payload.txids) ? [...new Set((payload.txids as unknown[]).map(String))] : null;
  if (claimed && claimed.length > MAX_CLAIMED)
    return refuse(`The call names ${claimed.length} transactions; a checkout's payment is at most ${MAX_CLAIMED}.`, address);
  let tipHeight: number;
  let onChain: DatedTx[];
  const missing: string[] = [];
  try {
    tipHeight = await fetchTipHeight(rest);
    if (claimed) {
      const found = await Promise.all(claimed.map((txid) => (/^[0-9a-f]{64}$/.test(txid) ? fetchTx(rest, txid, address) : null)));
      onChain = found.filter((tx): tx is DatedTx => tx !== null);
      missing.push(...claimed.filter((_, i) => !found[i] || found[i]!.valueSats <= 0));
    } else {
      const since = options.createdAtHeight;
      onChain = (
        await fetchAddressTxs(rest, address, { stopAt: since === undefined ? undefined : (tx) => tx.height !== null && tx.height <= since })
      ).txs;
    }
  } catch (error) {
    return refuse(`The API could not be read: ${(error as Error).message}`, address, false, expected);
  }
  // A payment older than the invoice is not its payment, whoever names it.
  const older = (tx: DatedTx): boolean =>
    (tx.height !== null && options.createdAtHeight !== undefined && tx.height <= options.createdAtHeight) ||
    (tx.blockTime !== null && options.createdAt !== undefined && tx.blockTime * 1000 < options.createdAt - BLOCK_TIME_SLACK_MS);
  const paying = onChain.filter((tx) => tx.valueSats > 0);
  const old = paying.filter(older);
  const shared = !options.exclusive;
  const policy = {
    expectedSats: expected,
    shared,
    confirmations: options.confirmations ?? 1,
    toleranceBasisPoints: options.toleranceBasisPoints ?? 0,
    expiresAt: null,
  };
  const { counted, unmatched } = attributePayments(
    paying.filter((tx) => !older(tx)),
    policy,
  );
  // The widget never names a payment that does not count: one that is named is another buyer's.
  const othersNamed = claimed ? unmatched : [];
  const invoice = summarizeInvoice(
    { id: '', address, index: null, network: 'mainnet', orderId: null, item: null, priceToken: null, createdAt: 0, tagSats: 0, fiat: null },
    policy,
    { baseline: [], txs: counted, tipHeight, expired: false },
  );
  const claimedSats = whole(payload.receivedSats) ?? 0;
  const oldNamed = claimed ? old : [];
  const contradicted = missing.length > 0 || oldNamed.length > 0 || othersNamed.length > 0 || claimedSats > invoice.receivedSats;
  let reason: string | null = null;
  if (missing.length) reason = `The chain does not show ${missing.join(', ')} paying ${address}.`;
  else if (oldNamed.length)
    reason = `${oldNamed.map((tx) => tx.txid).join(', ')} was paid before the invoice was created: it is another order's payment.`;
  else if (othersNamed.length) {
    const paid = othersNamed.map((tx) => `${tx.txid} pays ${tx.valueSats} sats`).join('; ');
    reason = `${paid}, not exactly the ${expected} this invoice asks: on an address other buyers may share, only the exact amount counts (another buyer's payment, or a wrong amount to settle by hand).`;
  } else if (claimedSats > invoice.receivedSats) reason = `The call claims ${claimedSats} sats; the chain shows ${invoice.receivedSats}.`;
  else if (shared && !expected) reason = 'An open amount on an address other buyers may share cannot be told apart from their payments.';
  else if (invoice.status === 'underpaid' || invoice.status === 'awaiting')
    reason = `Underpaid: ${invoice.receivedSats} of ${expected} sats.`;
  else if (invoice.status !== 'paid') reason = `${invoice.confirmations} of ${invoice.requiredConfirmations} confirmations.`;
  return {
    ok: reason === null,
    status: invoice.status,
    address,
    expectedSats: expected,
    receivedSats: invoice.receivedSats,
    confirmedSats: invoice.confirmedSats,
    confirmations: invoice.confirmations,
    txids: invoice.txids,
    reason,
    contradicted,
  };
}
