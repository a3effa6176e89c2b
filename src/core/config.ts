/**
 * The checkout's configuration: raw attribute text in, a validated configuration out.
 * Every problem becomes a {@link CheckoutError} naming the attribute to fix.
 * @module
 */
import { checkIndex, parseAccount, type ReceiveAccount } from './account.js';
import { parseAddress } from './address.js';
import { parseAmount, parseCurrency, parseDecimal, sameDecimal, type Decimal } from './amount.js';
import { fail, type ErrorSource } from './errors.js';
import { refusePrivateMaterial } from './keys.js';
export { parseCurrency };
import { NETWORKS, type NetworkName } from './networks.js';
import { readPriceToken } from './price-token.js';
import { parseLightningAddress } from './lightning.js';
import { WEBHOOK_FORMATS, withQuery, type Webhook, type WebhookFormat } from './webhook.js';

/** Attribute values as the page wrote them; `null` or `''` means absent. */
export interface CheckoutInput {
  readonly xpub?: string | null;
  readonly address?: string | null;
  readonly addressType?: string | null;
  readonly network?: string | null;
  readonly index?: string | null;
  /** A URL of the merchant's server that hands out receive indices (see {@link fetchIndex}). */
  readonly indexUrl?: string | null;
  readonly amount?: string | null;
  readonly currency?: string | null;
  /** The price signed by the merchant (see {@link readPriceToken}): amount and currency come from it. */
  readonly priceToken?: string | null;
  /** The merchant's reference for what is sold, for its price list. */
  readonly item?: string | null;
  readonly label?: string | null;
  readonly message?: string | null;
  readonly api?: string | null;
  readonly ws?: string | null;
  readonly confirmations?: string | null;
  readonly tolerance?: string | null;
  readonly expires?: string | null;
  readonly orderId?: string | null;
  readonly webhook?: string | null;
  readonly webhookFormat?: string | null;
  /** Where the buyer's "Back to the shop" link goes once paid. */
  readonly returnUrl?: string | null;
  readonly gapLimit?: string | null;
  /** Present (true) to ask for exactly `amount`, without an amount tag. */
  readonly exactAmount?: boolean | null;
  readonly rates?: string | null;
  /** The merchant's Lightning Address (LUD-16), offered beside the address in one QR. */
  readonly lightning?: string | null;
  /** A same-origin forwarder for Lightning services that send no CORS headers (the reference receiver's `/lightning?url=`). */
  readonly lightningProxy?: string | null;
  /** `hide` (default) or `show`: what to do when the service has no LUD-21 verify URL, so this page cannot see a payment. */
  readonly lightningUnverified?: string | null;
  /**
   * The page is served over https: an http:// API, socket or webhook other than this machine's is
   * then blocked by the browser as mixed content, which a merchant should hear about at once.
   */
  readonly pageSecure?: boolean | null;
}

/**
 * Where payments go: a key's receive address (at a given index, one the merchant's server hands
 * out from `indexUrl`, or one chosen by allocation when both are null), or a fixed address.
 */
export type Receiver =
  | { readonly kind: 'account'; readonly account: ReceiveAccount; readonly index: number | null; readonly indexUrl: string | null }
  | { readonly kind: 'address'; readonly address: string };

export interface CheckoutConfig {
  readonly receiver: Receiver;
  readonly network: NetworkName;
  /**
   * Other buyers may be shown the same address: a fixed address, or one chosen by allocation.
   * Then only a single payment of exactly the (tagged) amount counts for the invoice. False when
   * the merchant's server gives every buyer their own index (`index`, `index-url`).
   */
  readonly shared: boolean;
  /** Amount asked for in BTC or sats, or null for an open amount (a donation) or a fiat price. */
  readonly amountSats: number | null;
  /** A price in a fiat currency, converted at the rate of the moment the invoice is made. */
  readonly fiat: { readonly currency: string; readonly amount: Decimal; readonly text: string } | null;
  /** Where fiat prices come from: a REST path of the API, or a URL. */
  readonly ratesUrl: string | null;
  readonly gapLimit: number;
  /** No amount tag: exactly `amount` (an exclusive address needs none). */
  readonly exactAmount: boolean;
  readonly label: string | null;
  readonly message: string | null;
  /** REST API bases, tried in order (no trailing slash). */
  readonly apis: readonly string[];
  /** WebSocket URL, or null for REST polling only. */
  readonly wsUrl: string | null;
  /** The socket URL was derived from the first API's, not given: if it never opens, there is none. */
  readonly wsDerived: boolean;
  readonly confirmations: number;
  /** Accepted shortfall in hundredths of a percent. */
  readonly toleranceBasisPoints: number;
  /** Invoice lifetime in milliseconds, or null for never. */
  readonly expiresMs: number | null;
  readonly orderId: string | null;
  /** The merchant's reference for what is sold (the token's, or the `item` attribute). */
  readonly item: string | null;
  /** The signed price the amount comes from, sent with every webhook; null without. */
  readonly priceToken: string | null;
  /** When the signed price stops being accepted (Unix ms), or null. */
  readonly priceExpiresAt: number | null;
  readonly webhook: Webhook | null;
  /** The Lightning Address, as read (`name@domain`), or null without Lightning. */
  readonly lightning: string | null;
  readonly lightningProxy: string | null;
  /** Offer an invoice whose payment only the merchant can see (no verify URL), for them to reconcile by hand. */
  readonly lightningUnverified: boolean;
  /** The shop's page the paid receipt links back to; null for no link. */
  readonly returnUrl: string | null;
}

const present = (value: string | null | undefined): value is string => value != null && value.trim() !== '';

/** The attribute a {@link CheckoutInput} field comes from (`orderId` is `order-id`). */
export const attributeOf = (field: string): ErrorSource => field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`) as ErrorSource;

/** Parses the `index` attribute: a whole number 0 ≤ i < 2^31, or null when absent. */
export function parseIndex(text: string | null | undefined): number | null {
  return present(text) ? checkIndex(/^\s*\d+\s*$/.test(text) ? Number(text) : NaN) : null;
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i;
const WS_URL = /^wss?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i;
/** Hosts a browser trusts over plain http:// even from an https page (Secure Contexts §3.2). */
const LOCAL_HOST = /^(localhost|[^.]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks what the syntax check cannot: a URL with a user name or password, which fetch() and
 * WebSocket refuse to open (A81, A82), and a plain http:// or ws:// URL on an https page, which
 * the browser blocks as mixed content (A95). Both would leave the buyer with "Cannot reach…".
 */
function checkReachable(text: string, source: ErrorSource, pageSecure: boolean | null | undefined): void {
  const [, scheme = '', authority = ''] = /^([a-z]+):\/\/([^/?#]*)/i.exec(text) ?? [];
  if (authority.includes('@'))
    fail(source, 'credentials', `${source} must not carry a user name or password: browsers refuse to open such URLs.`);
  const host = authority.replace(/:\d*$/, '');
  const plain = scheme.toLowerCase() === 'http' || scheme.toLowerCase() === 'ws';
  if (pageSecure && plain && !LOCAL_HOST.test(host)) {
    fail(
      source,
      'insecure',
      `${source} is a plain ${scheme}:// URL on an https page: the browser blocks it as mixed content. Use ${scheme.toLowerCase() === 'http' ? 'https' : 'wss'}://.`,
    );
  }
}

/** The longest `label` or `message`: with both, and any script, the request still fits a QR code. */
export const MAX_TEXT = 200;

/** `label` and `message`: shown as text and put in the BIP 21 URI; at most {@link MAX_TEXT} characters. */
function parseText(text: string | null | undefined, source: 'label' | 'message'): string | null {
  if (!present(text)) return null;
  if ([...text.trim()].length > MAX_TEXT)
    fail(source, 'out-of-range', `${source} is at most ${MAX_TEXT} characters, so that the request fits in a QR code.`);
  return text.trim();
}

/** `api`: one or more http(s) base URLs separated by spaces; by default mempool.space's for the network. */
export function parseApis(text: string | null | undefined, network: NetworkName, pageSecure?: boolean | null): string[] {
  if (!present(text)) {
    const path = NETWORKS[network].mempoolPath;
    if (path === null) fail('api', 'missing', `${network} has no public API: set the api attribute to your Esplora or mempool API.`);
    return [`https://mempool.space${path}/api`];
  }
  const bases = text.trim().split(/\s+/);
  if (!bases.every((base) => HTTP_URL.test(base))) {
    fail('api', 'invalid', 'api must be http(s) URLs of Esplora or mempool APIs, separated by spaces.');
  }
  for (const base of bases) checkReachable(base, 'api', pageSecure);
  return bases.map((base) => base.replace(/\/+$/, ''));
}

/** `ws`: a ws(s) URL, `none` for REST polling only, or by default the first API's `/v1/ws`. */
export function parseWs(text: string | null | undefined, apis: readonly string[], pageSecure?: boolean | null): string | null {
  if (!present(text)) return `${apis[0]!.replace(/^http/i, 'ws')}/v1/ws`;
  if (text.trim().toLowerCase() === 'none') return null;
  if (!WS_URL.test(text.trim())) fail('ws', 'invalid', 'ws must be a ws(s):// URL, or none.');
  checkReachable(text.trim(), 'ws', pageSecure);
  return text.trim();
}

/**
 * `webhook` and `webhook-format`: an http(s) URL (javascript:, data: or relative URLs are
 * mistakes), and json (default), blockonomics or blockchain-info. The GET formats carry the
 * order id in the URL, as `order_id`, beside the URL's own parameters.
 */
export function parseWebhook(
  url: string | null | undefined,
  format: string | null | undefined,
  orderId: string | null,
  extra: Record<string, string | null> = {},
  pageSecure?: boolean | null,
): Webhook | null {
  const kind = (present(format) ? format.trim().toLowerCase() : 'json') as WebhookFormat;
  if (!WEBHOOK_FORMATS.includes(kind)) fail('webhook-format', 'invalid', `webhook-format must be ${WEBHOOK_FORMATS.join(', ')}.`);
  if (!present(url)) return present(format) ? fail('webhook', 'missing', 'webhook-format needs a webhook URL.') : null;
  if (!/^https?:\/\/[^\s/?#]+\S*$/i.test(url.trim())) fail('webhook', 'invalid', 'webhook must be an http(s) URL.');
  checkReachable(url.trim(), 'webhook', pageSecure);
  const base = url.trim();
  // The GET formats carry what the receiver needs to know the order and its price in the URL.
  const query = Object.fromEntries(
    Object.entries({ order_id: orderId, ...extra }).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  return { url: kind !== 'json' && Object.keys(query).length ? withQuery(base, query) : base, format: kind };
}

/** A whole number in [min, max], or `fallback` when absent. */
function parseWhole(
  text: string | null | undefined,
  source: 'confirmations' | 'gap-limit',
  min: number,
  max: number,
  fallback: number,
): number {
  if (!present(text)) return fallback;
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < min || Number(text) > max) {
    fail(source, 'out-of-range', `${source} must be a whole number from ${min} to ${max}.`);
  }
  return Number(text);
}

/** `tolerance`: the accepted shortfall in percent (0 ≤ t < 100, two decimals at most), in basis points. */
export function parseTolerance(text: string | null | undefined): number {
  if (!present(text)) return 0;
  const { units, scale } = parseDecimal(text, 'tolerance');
  if (scale > 2 || units >= 100n * 10n ** BigInt(scale)) {
    fail('tolerance', 'out-of-range', 'tolerance is a percentage from 0 to 99.99.');
  }
  return Number(units * 10n ** BigInt(2 - scale));
}

/** `expires`: minutes (decimals allowed), 0 for never; default 15. In milliseconds, or null. */
export function parseExpires(text: string | null | undefined): number | null {
  if (!present(text)) return 15 * 60_000;
  const { units, scale } = parseDecimal(text, 'expires');
  if (!units) return null;
  const ms = Number((units * 60_000n) / 10n ** BigInt(scale));
  // A positive time that rounds to nothing is a mistake, never "no expiry" (A67).
  if (ms < 1_000) fail('expires', 'out-of-range', 'expires is in minutes: a time under a second cannot be paid in; 0 means never.');
  if (ms > 30 * 24 * 60 * 60_000) fail('expires', 'out-of-range', 'expires is at most 43200 minutes (30 days); 0 means never.');
  return ms;
}

function parseFiat(text: string): Decimal {
  const amount = parseDecimal(text);
  if (!amount.units) fail('amount', 'invalid', 'amount must be more than zero.');
  return amount;
}

/**
 * Refuses private material in any attribute, before any other check: whatever else is wrong, a
 * private key on the page must be refused (and removed from it) above all.
 * @throws {CheckoutError} `private-key` or `seed-phrase`, naming the attribute.
 */
export function refusePrivateInput(input: CheckoutInput): void {
  for (const [name, value] of Object.entries(input)) {
    if (typeof value === 'string' && present(value))
      refusePrivateMaterial(value, attributeOf(name), name === 'xpub' || name === 'address' ? 'key' : 'text');
  }
}

/**
 * Validates the attributes of one checkout.
 * @throws {CheckoutError} for the first problem found, in the order a merchant would fix them.
 */
export function parseConfig(input: CheckoutInput): CheckoutConfig {
  refusePrivateInput(input);
  const { xpub, address, addressType, network, index, indexUrl } = input;
  if (present(xpub) && present(address)) {
    fail('address', 'conflict', 'Set either xpub or address, not both.');
  }
  let receiver: Receiver;
  let resolvedNetwork: NetworkName;
  if (present(xpub)) {
    const account = parseAccount(xpub, { network, addressType });
    if (present(index) && present(indexUrl)) fail('index-url', 'conflict', 'Set either index or index-url, not both.');
    if (present(indexUrl) && !HTTP_URL.test(indexUrl.trim()))
      fail('index-url', 'invalid', 'index-url must be an http(s) URL of your server.');
    if (present(indexUrl)) checkReachable(indexUrl.trim(), 'index-url', input.pageSecure);
    receiver = { kind: 'account', account, index: parseIndex(index), indexUrl: present(indexUrl) ? indexUrl.trim() : null };
    resolvedNetwork = account.network;
  } else if (present(address)) {
    for (const [name, value] of [
      ['address-type', addressType],
      ['index', index],
      ['index-url', indexUrl],
    ] as const) {
      if (present(value)) fail(name, 'conflict', `${name} applies to an xpub, not to a fixed address.`);
    }
    const parsed = parseAddress(address, network);
    receiver = { kind: 'address', address: parsed.address };
    resolvedNetwork = parsed.network;
  } else {
    return fail('xpub', 'missing', 'Set the xpub attribute (an extended public key or descriptor from your wallet), or an address.');
  }
  // A signed price gives amount and currency; attributes written beside it must agree with it.
  const signed = present(input.priceToken) ? readPriceToken(input.priceToken) : null;
  if (signed) {
    if (present(input.amount) && !sameDecimal(input.amount, signed.amount))
      fail('price-token', 'conflict', 'amount differs from the price in price-token: remove it, the token gives the price.');
    if (present(input.currency) && parseCurrency(input.currency) !== signed.currency)
      fail('price-token', 'conflict', 'currency differs from the price in price-token: remove it, the token gives the price.');
    if (present(input.item) && input.item.trim() !== signed.item)
      fail('price-token', 'conflict', 'item differs from the item in price-token.');
  }
  const amountText = signed?.amount ?? input.amount;
  const currency = signed?.currency ?? parseCurrency(input.currency);
  const item = signed?.item ?? (present(input.item) ? input.item.trim() : null);
  if (item && item.length > 128) fail('item', 'invalid', 'item is at most 128 characters.');
  const isFiat = currency !== 'BTC' && currency !== 'sats';
  if (isFiat && !present(amountText)) fail('amount', 'missing', `A price in ${currency} needs an amount.`);
  const apis = parseApis(input.api, resolvedNetwork, input.pageSecure);
  if (present(input.rates) && !HTTP_URL.test(input.rates.trim()))
    fail('rates', 'invalid', 'rates must be an http(s) URL returning prices like /v1/prices.');
  if (present(input.rates)) checkReachable(input.rates.trim(), 'rates', input.pageSecure);
  const orderId = present(input.orderId) ? input.orderId.trim() : null;
  if (orderId && orderId.length > 128) fail('order-id', 'invalid', 'order-id is at most 128 characters.');
  const shared = receiver.kind === 'address' || (receiver.index === null && receiver.indexUrl === null);
  const toleranceBasisPoints = parseTolerance(input.tolerance);
  // On a shared address another buyer's exact payment can have any amount (their price, their
  // tag): only an exact match can count, so neither switch can work there.
  if (shared && input.exactAmount) {
    fail(
      'exact-amount',
      'conflict',
      'exact-amount needs an address no other buyer is shown (set index or index-url): on a shared address the amount tag is what tells buyers apart.',
    );
  }
  if (shared && toleranceBasisPoints) {
    fail(
      'tolerance',
      'conflict',
      'tolerance needs an address no other buyer is shown (set index or index-url): on a shared address only the exact amount can count.',
    );
  }
  const webhook = parseWebhook(
    input.webhook,
    input.webhookFormat,
    orderId,
    { item, price_token: signed ? input.priceToken!.trim() : null },
    input.pageSecure,
  );
  // Blockonomics' and Blockchain.com's callbacks name the order by its address, as their servers
  // gave every order its own: on a shared address, a receiver written for them would credit the
  // wrong order.
  if (shared && webhook && webhook.format !== 'json') {
    fail(
      'webhook-format',
      'conflict',
      `The ${webhook.format} format names an order by its address: it needs an address no other buyer is shown (set index or index-url), or use the json format.`,
    );
  }
  const lightning = present(input.lightning) ? parseLightningAddress(input.lightning).address : null;
  // Lightning needs an amount (an invoice is for one), and a json webhook: the GET formats name a
  // payment by its txid, and a receiver written for them would look for it on the chain.
  if (lightning && !present(amountText)) fail('lightning', 'conflict', 'lightning needs an amount: a Lightning invoice is for one.');
  if (lightning && webhook && webhook.format !== 'json') {
    fail(
      'lightning',
      'conflict',
      `lightning needs the json webhook format: the ${webhook.format} format has no field for a Lightning payment.`,
    );
  }
  const lightningProxy = present(input.lightningProxy) ? input.lightningProxy.trim() : null;
  // Same origin (a path) or an http(s) URL; what comes back through it is checked all the same.
  if (lightningProxy && !/^(\/(?!\/)|https?:\/\/[^\s/?#]+)\S*$/i.test(lightningProxy))
    fail('lightning-proxy', 'invalid', 'lightning-proxy must be a path on this site or an http(s) URL, such as /lightning?url=.');
  if (lightningProxy) checkReachable(lightningProxy, 'lightning-proxy', input.pageSecure);
  const unverified = present(input.lightningUnverified) ? input.lightningUnverified.trim().toLowerCase() : 'hide';
  if (unverified !== 'hide' && unverified !== 'show') fail('lightning-unverified', 'invalid', 'lightning-unverified must be hide or show.');
  return {
    receiver,
    network: resolvedNetwork,
    shared,
    amountSats: present(amountText) && !isFiat ? parseAmount(amountText, currency as 'BTC' | 'sats') : null,
    fiat: isFiat ? { currency, amount: parseFiat(amountText!), text: amountText!.trim() } : null,
    ratesUrl: present(input.rates) ? input.rates.trim() : null,
    gapLimit: parseWhole(input.gapLimit, 'gap-limit', 1, 1000, 20),
    exactAmount: !!input.exactAmount,
    label: parseText(input.label, 'label'),
    message: parseText(input.message, 'message'),
    apis,
    wsUrl: parseWs(input.ws, apis, input.pageSecure),
    wsDerived: !present(input.ws),
    confirmations: parseWhole(input.confirmations, 'confirmations', 0, 100, 1),
    toleranceBasisPoints,
    expiresMs: parseExpires(input.expires),
    orderId,
    item,
    priceToken: signed ? input.priceToken!.trim() : null,
    priceExpiresAt: signed?.expires === undefined ? null : signed.expires * 1000,
    webhook,
    returnUrl: parseReturnUrl(input.returnUrl),
    lightning,
    lightningProxy,
    lightningUnverified: unverified === 'show',
  };
}

/** `return-url`: an http(s) link the buyer follows back to the shop (a navigation: no mixed-content rule applies). */
function parseReturnUrl(text: string | null | undefined): string | null {
  if (!present(text)) return null;
  const url = text.trim();
  if (!/^https?:\/\/[^\s/?#]+\S*$/i.test(url)) fail('return-url', 'invalid', 'return-url must be an http(s) URL.');
  checkReachable(url, 'return-url', false);
  return url;
}
