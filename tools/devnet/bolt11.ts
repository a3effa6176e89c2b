/**
 * Writes signed BOLT 11 invoices, as a Lightning node does: for the devnet's Lightning Address
 * service and for tests (a hostile service's invoices included). Checked against BOLT 11's own
 * examples, signature and all (test/core/lightning.test.ts).
 */
import { bech32, hex, utf8 } from '@scure/base';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';

export interface InvoiceSpec {
  readonly network: 'mainnet' | 'testnet' | 'signet' | 'regtest';
  /** Millisatoshis; absent for an invoice without an amount. */
  readonly amountMsat?: bigint | null;
  /** Seconds since 1970. */
  readonly timestamp: number;
  /** Hex, 32 bytes. */
  readonly paymentHash: string;
  readonly description?: string;
  /** Hex, 32 bytes: instead of `description`. */
  readonly descriptionHash?: string;
  readonly expirySeconds?: number;
  /** Hex, 32 bytes. */
  readonly paymentSecret?: string;
  readonly minFinalCltvExpiry?: number;
  /** The node's key, which signs. */
  readonly privateKey: Uint8Array;
}

const PREFIX = { mainnet: 'bc', testnet: 'tb', signet: 'tbs', regtest: 'bcrt' } as const;

/** The amount in the shortest form BOLT 11 allows: the largest multiplier that divides it. */
function amountPart(msat: bigint): string {
  for (const [multiplier, per] of [
    ['', 100_000_000_000n],
    ['m', 100_000_000n],
    ['u', 100_000n],
    ['n', 100n],
  ] as const) {
    if (msat % per === 0n) return `${msat / per}${multiplier}`;
  }
  return `${msat * 10n}p`;
}

/** `value` as `count` big-endian 5-bit words. */
function numberWords(value: number, count: number): number[] {
  const words: number[] = [];
  for (let i = count - 1; i >= 0; i--) words.push(Math.floor(value / 32 ** i) % 32);
  return words;
}

/** The fewest words that hold `value` (BOLT 11: SHOULD use the minimum data_length). */
function minimalWords(value: number): number[] {
  let count = 1;
  while (value >= 32 ** count) count++;
  return numberWords(value, count);
}

const field = (type: number, data: readonly number[]): number[] => [type, ...numberWords(data.length, 2), ...data];

/** 5-bit words packed into bytes, zero bits padding the last (BOLT 11's signed data). */
function wordsToPaddedBytes(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((words.length * 5) / 8));
  let bit = 0;
  for (const word of words) {
    for (let i = 4; i >= 0; i--, bit++) if ((word >> i) & 1) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  return bytes;
}

export function encodeBolt11(spec: InvoiceSpec): string {
  const prefix = `ln${PREFIX[spec.network]}${spec.amountMsat ? amountPart(spec.amountMsat) : ''}`;
  const words = [
    ...numberWords(spec.timestamp, 7),
    ...field(1, bech32.toWords(hex.decode(spec.paymentHash))),
    ...(spec.paymentSecret ? field(16, bech32.toWords(hex.decode(spec.paymentSecret))) : []),
    ...(spec.description !== undefined ? field(13, bech32.toWords(utf8.decode(spec.description))) : []),
    ...(spec.descriptionHash ? field(23, bech32.toWords(hex.decode(spec.descriptionHash))) : []),
    ...(spec.expirySeconds !== undefined ? field(6, minimalWords(spec.expirySeconds)) : []),
    ...(spec.minFinalCltvExpiry !== undefined ? field(24, minimalWords(spec.minFinalCltvExpiry)) : []),
  ];
  const signed = sha256(new Uint8Array([...utf8.decode(prefix), ...wordsToPaddedBytes(words)]));
  // noble puts the recovery id first; BOLT 11 wants r, s, then the recovery id.
  const recovered = secp256k1.sign(signed, spec.privateKey, { prehash: false, format: 'recovered' });
  const signature = new Uint8Array([...recovered.subarray(1), recovered[0]!]);
  return bech32.encode(prefix, [...words, ...bech32.toWords(signature)], false);
}
