/**
 * Lightning through a merchant's Lightning Address, with no node of our own: the address
 * (LUD-16), its pay request (LUD-06), the invoice it returns (BOLT 11), and the service's word
 * that the invoice was paid (LUD-21 `verify`). Every answer comes from a service the merchant
 * chose but this page cannot vouch for, so each is read as untrusted input: the invoice must be
 * for exactly the amount asked, on the checkout's network, unexpired, and committed to the pay
 * request's metadata; a "settled" must come with the preimage of the invoice's payment hash.
 *
 * Pure: the fetching is the caller's (see checkout.ts); nothing here reaches the network.
 * @module
 */
import { bech32, hex, utf8 } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fail } from './errors.js';
import type { NetworkName } from './networks.js';

/** A Lightning Address (LUD-16) and the URL of its pay request. */
export interface LightningAddress {
  /** `name@domain`, lower case. */
  readonly address: string;
  /** `https://domain/.well-known/lnurlp/name` (http:// for this machine and .onion, as LUD-16 allows). */
  readonly url: string;
}

/** A pay request (LUD-06), checked. Amounts are in millisatoshis. */
export interface PayRequest {
  readonly callback: string;
  readonly minSendableMsat: number;
  readonly maxSendableMsat: number;
  /** The metadata exactly as served: an invoice's description hash commits to these bytes. */
  readonly metadata: string;
  /** Its `text/plain` entry: what the service says the payment is for. */
  readonly description: string;
}

/** The service's answer to the callback (LUD-06), with the LUD-21 `verify` URL when it offers one. */
export interface InvoiceResponse {
  readonly pr: string;
  readonly verify: string | null;
}

/** What this checkout reads in a BOLT 11 invoice. */
export interface Bolt11 {
  /** The network its prefix names (BOLT 11: `lnbc`, `lntb`, `lntbs`, `lnbcrt`). */
  readonly network: 'mainnet' | 'testnet' | 'signet' | 'regtest';
  /** Millisatoshis, or null for an invoice without an amount. */
  readonly amountMsat: bigint | null;
  /** Seconds since 1970. */
  readonly timestamp: number;
  /** Seconds after `timestamp` (BOLT 11: 3600 when absent). */
  readonly expirySeconds: number;
  /** Hex; the preimage of this is the proof of payment. */
  readonly paymentHash: string;
  readonly descriptionHash: string | null;
  readonly description: string | null;
}

/**
 * Hosts reached over plain http: this machine (a devnet, a proxy beside the page) and Tor's
 * .onion, where LUD-16 itself says http.
 */
const PLAIN_HTTP_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|[a-z2-7]{56}\.onion)(:\d+)?$/;

/** `name@domain` (LUD-16: the name is limited to a-z 0-9 - _ . +). */
export function parseLightningAddress(text: string): LightningAddress {
  const trimmed = text.trim().toLowerCase();
  const match = /^([a-z0-9\-_.+]+)@((?:[a-z0-9-]+\.)*[a-z0-9-]+(?::\d{1,5})?|\[::1\](?::\d{1,5})?)$/.exec(trimmed);
  if (!match) fail('lightning', 'invalid', 'lightning must be a Lightning Address: name@domain (LUD-16).');
  const [, name, domain] = match as unknown as [string, string, string];
  const scheme = PLAIN_HTTP_HOST.test(domain) ? 'http' : 'https';
  return { address: `${name}@${domain}`, url: `${scheme}://${domain}/.well-known/lnurlp/${name}` };
}

/** An http(s) URL an LNURL service hands out: https unless it is this machine or .onion. */
function serviceUrl(value: unknown, what: string): string {
  const match = typeof value === 'string' ? /^(https?):\/\/([^\s/?#]+)([/?][^\s#]*)?$/i.exec(value) : null;
  if (!match || match[2]!.includes('@')) fail('lightning', 'invalid', `The Lightning Address service sent no valid ${what} URL.`);
  const [, scheme, host] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() !== 'https' && !PLAIN_HTTP_HOST.test(host.toLowerCase())) {
    fail('lightning', 'insecure', `The Lightning Address service's ${what} URL is not https.`);
  }
  return value as string;
}

/** LUD-06: a service that cannot serve answers `{"status": "ERROR", "reason": …}`. */
function refusal(body: unknown): void {
  if (body && typeof body === 'object' && (body as { status?: unknown }).status === 'ERROR') {
    const reason = String((body as { reason?: unknown }).reason ?? '').slice(0, 200);
    fail('lightning', 'unavailable', `The Lightning Address service refused${reason ? `: ${reason}` : '.'}`);
  }
}

const isMsat = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Reads the pay request a Lightning Address serves (LUD-06), for `address`. Its metadata must
 * name that address (LUD-16: `text/identifier` or `text/email`), so an invoice whose description
 * hash commits to it was made for this merchant's address.
 */
export function readPayRequest(body: unknown, address: LightningAddress): PayRequest {
  refusal(body);
  const request = (body ?? {}) as Record<string, unknown>;
  if (request.tag !== 'payRequest') fail('lightning', 'invalid', 'The Lightning Address does not serve a pay request (LUD-06).');
  const callback = serviceUrl(request.callback, 'callback');
  const { minSendable, maxSendable, metadata } = request;
  if (!isMsat(minSendable) || !isMsat(maxSendable) || minSendable > maxSendable) {
    fail('lightning', 'invalid', 'The Lightning Address service sent no valid minSendable and maxSendable.');
  }
  let entries: unknown;
  try {
    entries = typeof metadata === 'string' ? JSON.parse(metadata) : null;
  } catch {
    entries = null;
  }
  const pairs = Array.isArray(entries)
    ? entries.filter(
        (entry): entry is [string, string] => Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string',
      )
    : [];
  const plain = pairs.filter(([type]) => type === 'text/plain');
  if (plain.length !== 1)
    fail('lightning', 'invalid', 'The Lightning Address service sent metadata without one text/plain entry (LUD-06).');
  const names = pairs.filter(([type]) => type === 'text/identifier' || type === 'text/email').map(([, value]) => value.toLowerCase());
  if (!names.includes(address.address)) {
    fail('lightning', 'mismatch', 'The Lightning Address service’s metadata does not name this Lightning Address (LUD-16).');
  }
  return { callback, minSendableMsat: minSendable, maxSendableMsat: maxSendable, metadata: metadata as string, description: plain[0]![1] };
}

/** Whether `sats` can be asked through this pay request; the millisatoshis to ask for. */
export function sendableMsat(request: PayRequest, sats: number): number {
  const msat = sats * 1000;
  if (!Number.isSafeInteger(msat) || msat < request.minSendableMsat || msat > request.maxSendableMsat) {
    fail(
      'lightning',
      'out-of-range',
      `The Lightning Address takes ${Math.ceil(request.minSendableMsat / 1000)} to ${Math.floor(request.maxSendableMsat / 1000)} sats; this payment is ${sats}.`,
    );
  }
  return msat;
}

/** The callback URL that asks for an invoice of `msat` (LUD-06: `<callback><?|&>amount=<msat>`). */
export function invoiceRequestUrl(request: PayRequest, msat: number): string {
  return `${request.callback}${request.callback.includes('?') ? '&' : '?'}amount=${msat}`;
}

/** Reads the callback's answer (LUD-06), with the LUD-21 `verify` URL when there is one. */
export function readInvoiceResponse(body: unknown): InvoiceResponse {
  refusal(body);
  const { pr, verify } = (body ?? {}) as Record<string, unknown>;
  if (typeof pr !== 'string' || !pr) fail('lightning', 'invalid', 'The Lightning Address service sent no invoice.');
  return { pr, verify: verify === undefined || verify === null ? null : serviceUrl(verify, 'verify') };
}

/** BOLT 11's prefixes: `ln` and the network's BIP 173 prefix (`tbs` for signet, by convention). */
const PREFIX = /^ln(bcrt|bc|tbs|tb)(.*)$/;
const NETWORK_OF = { bc: 'mainnet', tb: 'testnet', tbs: 'signet', bcrt: 'regtest' } as const;
/** Millisatoshis per unit of each multiplier (one bitcoin is 10^11 msat). */
const MSAT_PER = { '': 100_000_000_000n, m: 100_000_000n, u: 100_000n, n: 100n } as const;
const SIGNATURE_WORDS = 104;

/** The big-endian number in 5-bit words. */
const wordsToNumber = (words: readonly number[]): number => words.reduce((value, word) => value * 32 + word, 0);

/**
 * Decodes a BOLT 11 invoice: its network and amount (the human-readable part), timestamp,
 * expiry, payment hash and description or description hash. Fields of the wrong length are
 * skipped, as BOLT 11 tells readers to. The signature is not checked: it would only name the
 * service's node, which a Lightning Address does not pin.
 */
export function decodeBolt11(invoice: string): Bolt11 {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(invoice.trim() as `${string}1${string}`, false);
  } catch {
    return fail('lightning', 'checksum', 'The Lightning invoice is not valid bech32 (BOLT 11).');
  }
  const prefix = PREFIX.exec(decoded.prefix);
  if (!prefix) fail('lightning', 'unsupported', 'The Lightning invoice is not for bitcoin (BOLT 11 prefix).');
  const [, currency, amount] = prefix as unknown as [string, keyof typeof NETWORK_OF, string];
  const amountParts = /^(?:([1-9]\d*)([munp])?)?$/.exec(amount);
  if (!amountParts) fail('lightning', 'invalid', 'The Lightning invoice’s amount is malformed (BOLT 11).');
  const [, digits, multiplier = ''] = amountParts as unknown as [string, string | undefined, string];
  let amountMsat: bigint | null = null;
  if (digits !== undefined) {
    if (multiplier === 'p') {
      // Pico-bitcoin: a tenth of a millisatoshi, so it must end in 0 (BOLT 11).
      if (!digits.endsWith('0')) fail('lightning', 'invalid', 'The Lightning invoice asks for a fraction of a millisatoshi.');
      amountMsat = BigInt(digits) / 10n;
    } else amountMsat = BigInt(digits) * MSAT_PER[multiplier as keyof typeof MSAT_PER];
  }
  const words = decoded.words;
  if (words.length < 7 + SIGNATURE_WORDS) fail('lightning', 'invalid', 'The Lightning invoice is too short (BOLT 11).');
  const fields = words.slice(7, words.length - SIGNATURE_WORDS);
  let paymentHash: string | null = null;
  let descriptionHash: string | null = null;
  let description: string | null = null;
  let expirySeconds = 3600;
  for (let at = 0; at < fields.length;) {
    const type = fields[at]!;
    const length = (fields[at + 1] ?? 0) * 32 + (fields[at + 2] ?? 0);
    const data = fields.slice(at + 3, at + 3 + length);
    if (data.length !== length) fail('lightning', 'invalid', 'The Lightning invoice has a truncated field (BOLT 11).');
    at += 3 + length;
    // A number is read from its words; bytes padded with non-zero bits are not data to trust.
    if (type === 6) {
      if (length <= 10) expirySeconds = wordsToNumber(data);
      continue;
    }
    const bytes = bech32.fromWordsUnsafe(data);
    if (!bytes) continue;
    // The first valid field of each type counts (BOLT 11: the most preferred comes first).
    if (type === 1 && length === 52 && paymentHash === null) paymentHash = hex.encode(bytes);
    else if (type === 23 && length === 52 && descriptionHash === null) descriptionHash = hex.encode(bytes);
    else if (type === 13 && description === null) description = utf8.encode(bytes);
  }
  if (paymentHash === null) fail('lightning', 'invalid', 'The Lightning invoice has no payment hash (BOLT 11).');
  return {
    network: NETWORK_OF[currency],
    amountMsat,
    timestamp: wordsToNumber(words.slice(0, 7)),
    expirySeconds,
    paymentHash,
    descriptionHash,
    description,
  };
}

/** What an invoice from a Lightning Address must be, for this checkout. */
export interface InvoiceTerms {
  readonly amountMsat: number;
  readonly network: NetworkName;
  /** The pay request's metadata, which the invoice's description hash must commit to (LUD-06). */
  readonly metadata: string;
  /** Milliseconds since 1970. */
  readonly now: number;
}

const sha256Hex = (bytes: Uint8Array): string => hex.encode(sha256(bytes));

/** What an invoice made from a pay request commits to (LUD-06): the SHA-256 of its metadata as served, hex. */
export const metadataHash = (metadata: string): string => sha256Hex(utf8ToBytes(metadata));

/** The network a checkout's invoices must name: testnet4's say `lntb`, as testnet's (BOLT 11 has no prefix of its own for it). */
export const invoiceNetwork = (network: NetworkName): Bolt11['network'] => (network === 'testnet4' ? 'testnet' : network);

/** `scheme://host[:port]` of an http(s) URL, lower case; null for anything else. */
export const originOf = (url: string): string | null => /^https?:\/\/[^/?#]+/i.exec(url)?.[0].toLowerCase() ?? null;

/**
 * Checks an invoice a Lightning Address service returned against what was asked (LUD-06): for
 * exactly the amount, on the checkout's network, committing to the metadata, and not expired. Returns it decoded, with when it expires.
 */
export function checkInvoice(pr: string, terms: InvoiceTerms): Bolt11 & { readonly expiresAt: number } {
  const invoice = decodeBolt11(pr);
  if (invoice.network !== invoiceNetwork(terms.network)) {
    fail('lightning', 'network-mismatch', `The Lightning invoice is for ${invoice.network}, not ${terms.network}.`);
  }
  if (invoice.amountMsat !== BigInt(terms.amountMsat)) {
    fail('lightning', 'mismatch', 'The Lightning invoice is not for the amount asked: refused.');
  }
  if (invoice.descriptionHash !== metadataHash(terms.metadata)) {
    fail('lightning', 'mismatch', 'The Lightning invoice does not commit to the pay request’s metadata (LUD-06 description hash).');
  }
  const expiresAt = (invoice.timestamp + invoice.expirySeconds) * 1000;
  if (expiresAt <= terms.now) fail('lightning', 'expired', 'The Lightning invoice has already expired.');
  return { ...invoice, expiresAt };
}

/** Whether `preimage` (hex) is the preimage of `paymentHash` (hex): the proof of a Lightning payment. */
export function preimageMatches(preimage: unknown, paymentHash: string): boolean {
  if (typeof preimage !== 'string' || !/^[0-9a-f]{64}$/i.test(preimage)) return false;
  return sha256Hex(hex.decode(preimage.toLowerCase())) === paymentHash.toLowerCase();
}

/** What a LUD-21 `verify` answer says of an invoice. */
export type VerifyAnswer = { readonly settled: false } | { readonly settled: true; readonly preimage: string };

/**
 * Reads a LUD-21 `verify` answer (`{status: "OK", settled, preimage, pr}`) for `invoice`. A
 * "settled" counts only with the preimage of the invoice's payment hash, for this invoice: a
 * service's word alone is not a payment.
 */
export function readVerify(body: unknown, invoice: { readonly pr: string; readonly paymentHash: string }): VerifyAnswer {
  refusal(body);
  const answer = (body ?? {}) as Record<string, unknown>;
  if (answer.status !== 'OK' || typeof answer.settled !== 'boolean')
    fail('lightning', 'invalid', 'The verify URL sent no valid answer (LUD-21).');
  if (typeof answer.pr === 'string' && answer.pr.toLowerCase() !== invoice.pr.toLowerCase()) {
    fail('lightning', 'mismatch', 'The verify URL answered for another invoice (LUD-21).');
  }
  if (!answer.settled) return { settled: false };
  if (!preimageMatches(answer.preimage, invoice.paymentHash)) {
    fail('lightning', 'mismatch', 'The verify URL says settled, but its preimage does not match the invoice’s payment hash.');
  }
  return { settled: true, preimage: (answer.preimage as string).toLowerCase() };
}
