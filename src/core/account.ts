/**
 * A receive account: the key (or descriptor) a merchant pastes, resolved to the BIP 32 node
 * whose children are its receive addresses, and the encoding of those addresses.
 * @module
 */
import type { HDKey } from '@scure/bip32';
import { bech32, bech32m } from '@scure/base';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { fail } from './errors.js';
import { NETWORKS, resolveNetwork, type NetworkName } from './networks.js';
import { base58check, parseExtendedKey, SCRIPT_TYPES, type ScriptType } from './keys.js';
import { looksLikeDescriptor, parseDescriptor } from './descriptor.js';

export interface ReceiveAccount {
  readonly scriptType: ScriptType;
  readonly network: NetworkName;
  /** The node whose unhardened children 0, 1, 2… are the receive addresses. */
  readonly chain: HDKey;
  /** Path from the pasted key to each address, e.g. `0/*`. */
  readonly path: string;
  /** Key origin from a descriptor, e.g. `{fingerprint: 'd34db33f', path: "m/84h/0h/0h"}`. */
  readonly origin: { readonly fingerprint: string; readonly path: string } | null;
  /** Short stable identifier of (chain, script type, network), safe to store or log. */
  readonly id: string;
}

export interface AccountOptions {
  network?: string | null;
  addressType?: string | null;
}

/** Index limit for unhardened children (BIP 32). */
export const MAX_INDEX = 0x7fffffff;

/**
 * Parses the `xpub` attribute: a SLIP-132 extended public key or a single-key descriptor.
 * With a bare key, receive addresses are its children `0/i` (BIP 44 external chain) and
 * `addressType` overrides the script type its prefix implies.
 */
export function parseAccount(text: string, options: AccountOptions = {}): ReceiveAccount {
  const { network, addressType } = options;
  if (addressType && !SCRIPT_TYPES.includes(addressType as ScriptType)) {
    fail('address-type', 'invalid', `address-type must be one of ${SCRIPT_TYPES.join(', ')}.`);
  }
  let parsed;
  if (looksLikeDescriptor(text)) {
    const descriptor = parseDescriptor(text);
    if (addressType && addressType !== descriptor.scriptType) {
      fail('address-type', 'conflict', `The descriptor says ${descriptor.scriptType}: remove address-type or make it match.`);
    }
    parsed = { ...descriptor, scriptType: descriptor.scriptType };
  } else {
    const key = parseExtendedKey(text.trim());
    parsed = { key, steps: [0], origin: null, scriptType: (addressType as ScriptType) || key.scriptType };
  }
  const allowed: NetworkName[] = parsed.key.testnet ? ['testnet', 'testnet4', 'signet', 'regtest'] : ['mainnet'];
  const resolved = resolveNetwork(network, allowed, 'xpub', `This key (${parsed.key.prefix})`);
  let chain = parsed.key.hdkey;
  for (const step of parsed.steps) chain = chain.deriveChild(step);
  const idInput = new Uint8Array([
    ...chain.publicKey!,
    ...chain.chainCode!,
    SCRIPT_TYPES.indexOf(parsed.scriptType),
    Object.keys(NETWORKS).indexOf(resolved),
  ]);
  return {
    scriptType: parsed.scriptType,
    network: resolved,
    chain,
    path: [...parsed.steps, '*'].join('/'),
    origin: parsed.origin,
    id: bytesToHex(sha256(idInput)).slice(0, 16),
  };
}

/** Whether `value` is an unhardened child index, 0 ≤ index < 2^31 (BIP 32). */
export const isChildIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INDEX;

/** Throws unless `index` is a valid unhardened child index (see {@link isChildIndex}). */
export function checkIndex(index: number): number {
  if (!isChildIndex(index)) {
    fail('index', 'out-of-range', 'index must be a whole number from 0 to 2147483647.');
  }
  return index;
}

/** The receive address at `index` of the account. */
export function deriveAddress(account: ReceiveAccount, index: number): string {
  return encodeAddress(account.chain.deriveChild(checkIndex(index)).publicKey!, account.scriptType, account.network);
}

const hash160 = (data: Uint8Array): Uint8Array => ripemd160(sha256(data));

/** BIP 340 tagged hash: sha256(sha256(tag) ‖ sha256(tag) ‖ data). */
function taggedHash(tag: string, data: Uint8Array): Uint8Array {
  const tagHash = sha256(utf8ToBytes(tag));
  return sha256(concatBytes(tagHash, tagHash, data));
}

/**
 * The BIP 86 output key of a key-path-only taproot output: BIP 341 taproot_tweak_pubkey with an
 * empty script tree, Q = lift_x(P) + int(hashTapTweak(x(P)))·G. Computed with the curve that
 * @scure/bip32 already brings: importing btc-signer's helper would add its Schnorr module
 * (1 KB gzipped) to the bundle for these three lines.
 */
function taprootOutputKey(publicKey: Uint8Array): Uint8Array {
  const { Point } = secp256k1;
  const xOnly = publicKey.slice(1);
  // lift_x: the point with this x and an even y (BIP 340).
  const internal = Point.fromBytes(new Uint8Array([0x02, ...xOnly]));
  const tweak = bytesToNumberBE(taggedHash('TapTweak', xOnly));
  // A tweak of n or more would be an invalid scalar; it cannot happen for real keys (BIP 341).
  return internal.add(Point.BASE.multiply(tweak)).toBytes(true).slice(1);
}

/**
 * Encodes a compressed public key as an address of the given script type:
 * P2PKH (BIP 13 Base58Check), P2SH-P2WPKH (BIP 49/141), P2WPKH (BIP 84/173) or
 * P2TR with the BIP 86 key-path-only tweak (BIP 341/350).
 */
export function encodeAddress(publicKey: Uint8Array, scriptType: ScriptType, networkName: NetworkName): string {
  const network = NETWORKS[networkName];
  const keyHash = hash160(publicKey);
  switch (scriptType) {
    case 'p2pkh':
      return base58check.encode(new Uint8Array([network.pubKeyHash, ...keyHash]));
    case 'p2sh-p2wpkh':
      return base58check.encode(new Uint8Array([network.scriptHash, ...hash160(new Uint8Array([0x00, 0x14, ...keyHash]))]));
    case 'p2wpkh':
      return bech32.encode(network.hrp, [0, ...bech32.toWords(keyHash)]);
    case 'p2tr':
      return bech32m.encode(network.hrp, [1, ...bech32m.toWords(taprootOutputKey(publicKey))]);
  }
}
