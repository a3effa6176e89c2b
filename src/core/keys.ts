/**
 * Extended public keys (BIP 32, with SLIP-132 version bytes) and the private-key guard.
 *
 * A merchant pastes a key into a web page, so a mistake here is public at once: anything that
 * looks like private material (xprv and its SLIP-132 siblings, WIF, a raw 32-byte secret, a
 * seed phrase) is refused before it is parsed further, and no message ever repeats it.
 * @module
 */
import { HDKey } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { CheckoutError, fail, type ErrorSource } from './errors.js';

export const base58check: ReturnType<typeof createBase58check> = /* @__PURE__ */ createBase58check(sha256);

/** Output script types a single-key account can receive on. */
export type ScriptType = 'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh' | 'p2tr';

export const SCRIPT_TYPES: readonly ScriptType[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'];

/** SLIP-132 version bytes, by the prefix they produce in Base58. */
const VERSIONS: Readonly<Record<string, number>> = {
  xpub: 0x0488b21e, xprv: 0x0488ade4, ypub: 0x049d7cb2, yprv: 0x049d7878,
  zpub: 0x04b24746, zprv: 0x04b2430c, Ypub: 0x0295b43f, Yprv: 0x0295b005,
  Zpub: 0x02aa7ed3, Zprv: 0x02aa7a99, tpub: 0x043587cf, tprv: 0x04358394,
  upub: 0x044a5262, uprv: 0x044a4e28, vpub: 0x045f1cf6, vprv: 0x045f18bc,
  Upub: 0x024289ef, Uprv: 0x024285b5, Vpub: 0x02575483, Vprv: 0x02575048,
};

/** Script type implied by a single-sig SLIP-132 prefix's first letter. */
const PREFIX_SCRIPT: Readonly<Record<string, ScriptType>> = {
  x: 'p2pkh', t: 'p2pkh', y: 'p2sh-p2wpkh', u: 'p2sh-p2wpkh', z: 'p2wpkh', v: 'p2wpkh',
};

export interface ExtendedKey {
  readonly hdkey: HDKey;
  /** The SLIP-132 prefix it was written with, e.g. `zpub`. */
  readonly prefix: string;
  /** True for tpub/upub/vpub: testnet, testnet4, signet or regtest. */
  readonly testnet: boolean;
  /** Script type the prefix implies (xpub and tpub imply p2pkh, as BIP 44 does). */
  readonly scriptType: ScriptType;
}

const BASE58 = '[1-9A-HJ-NP-Za-km-z]';
const PRIVATE_EXTENDED = new RegExp(`[xyztuvYZUV]prv${BASE58}{20,}`);
// WIF (compressed or not, mainnet or testnet) is 51 or 52 Base58 characters. No address or
// extended key has that length, so a token of that shape is refused even if it is mistyped.
const WIF_TOKEN = new RegExp(`^[5KLc9]${BASE58}{50,51}$`);
const RAW_SECRET = /^(0x)?[0-9a-fA-F]{64}$/;
const SEED_PHRASE = /^[a-z]+(\s+[a-z]+){11,23}$/;

const NEVER = ' and must never be put on a web page. Move your funds to a new wallet, then use only its extended public key (xpub, zpub…) here.';

const refusePrivate = (source: ErrorSource): never =>
  fail(source, 'private-key', `This is a private key: anyone who reads the page can spend with it,${NEVER}`);

/**
 * Throws when `text` holds, anywhere in it, something that looks like private key material.
 * Checked before any parsing so that even a damaged private key is reported as private.
 */
export function refusePrivateMaterial(text: string, source: ErrorSource): void {
  const trimmed = text.trim();
  if (SEED_PHRASE.test(trimmed.toLowerCase())) {
    fail(source, 'seed-phrase', `This looks like a seed phrase: it controls your wallet${NEVER}`);
  }
  const tokens = trimmed.split(/[()[\],/#<>;*'\s]+/);
  if (
    PRIVATE_EXTENDED.test(trimmed) ||
    RAW_SECRET.test(trimmed) ||
    tokens.some((token) => WIF_TOKEN.test(token))
  ) {
    refusePrivate(source);
  }
}

/**
 * Parses a Base58Check extended public key with any SLIP-132 prefix.
 * @throws {CheckoutError} for private keys, bad checksums, wrong lengths, unknown versions,
 *   multisig prefixes and keys that are not valid points (BIP 32 test vector 5).
 */
export function parseExtendedKey(text: string, source: ErrorSource = 'xpub'): ExtendedKey {
  refusePrivateMaterial(text, source);
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(text);
  } catch {
    return fail(source, 'checksum', /^[xyztuvYZUV]pub/.test(text)
      ? 'The extended public key has a bad checksum: copy it again from your wallet.'
      : 'This is not an extended public key (xpub, ypub, zpub…) or a descriptor.');
  }
  if (bytes.length !== 78) {
    fail(source, 'length', `An extended key is 78 bytes; this one is ${bytes.length}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0);
  // A leading zero key byte is how BIP 32 serialises a private key, whatever the version says.
  if (bytes[45] === 0) {
    refusePrivate(source);
  }
  const prefix = Object.keys(VERSIONS).find((name) => VERSIONS[name] === version);
  if (!prefix) {
    fail(source, 'version', 'Unknown extended key version: only Bitcoin xpub, ypub, zpub, tpub, upub and vpub work.');
  }
  if (prefix.endsWith('prv')) {
    refusePrivate(source);
  }
  if (/^[YZUV]/.test(prefix)) {
    fail(source, 'multisig', 'Multisig keys (Ypub, Zpub, Upub, Vpub) are not supported yet.');
  }
  const depth = bytes[4]!;
  const parentFingerprint = view.getUint32(5);
  const index = view.getUint32(9);
  // BIP 32 test vector 5: a master key (depth 0) has neither parent nor index.
  if (depth === 0 && (parentFingerprint !== 0 || index !== 0)) {
    fail(source, 'invalid-key', 'Malformed extended key: depth 0 with a parent.');
  }
  try {
    const hdkey = new HDKey({
      depth,
      parentFingerprint,
      index,
      chainCode: bytes.slice(13, 45),
      publicKey: bytes.slice(45),
    });
    return { hdkey, prefix, testnet: /^[tuv]/.test(prefix), scriptType: PREFIX_SCRIPT[prefix[0]!]! };
  } catch {
    // The key bytes are not a compressed secp256k1 point (BIP 32: such a key is invalid).
    return fail(source, 'invalid-key', 'Malformed extended key: not a valid public key.');
  }
}

/** True when `error` is a private-material refusal, which callers must scrub from the page. */
export const isPrivateKeyError = (error: unknown): boolean =>
  error instanceof CheckoutError && (error.code === 'private-key' || error.code === 'seed-phrase');
