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
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { CheckoutError, fail, type ErrorSource } from './errors.js';

export const base58check: ReturnType<typeof createBase58check> = /* @__PURE__ */ createBase58check(sha256);

/** Output script types a single-key account can receive on. */
export type ScriptType = 'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh' | 'p2tr';

export const SCRIPT_TYPES: readonly ScriptType[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'];

/** SLIP-132 version bytes, by the prefix they produce in Base58. */
const VERSIONS: Readonly<Record<string, number>> = {
  xpub: 0x0488b21e,
  xprv: 0x0488ade4,
  ypub: 0x049d7cb2,
  yprv: 0x049d7878,
  zpub: 0x04b24746,
  zprv: 0x04b2430c,
  Ypub: 0x0295b43f,
  Yprv: 0x0295b005,
  Zpub: 0x02aa7ed3,
  Zprv: 0x02aa7a99,
  tpub: 0x043587cf,
  tprv: 0x04358394,
  upub: 0x044a5262,
  uprv: 0x044a4e28,
  vpub: 0x045f1cf6,
  vprv: 0x045f18bc,
  Upub: 0x024289ef,
  Uprv: 0x024285b5,
  Vpub: 0x02575483,
  Vprv: 0x02575048,
};

/** Script type implied by a single-sig SLIP-132 prefix's first letter. */
const PREFIX_SCRIPT: Readonly<Record<string, ScriptType>> = {
  x: 'p2pkh',
  t: 'p2pkh',
  y: 'p2sh-p2wpkh',
  u: 'p2sh-p2wpkh',
  z: 'p2wpkh',
  v: 'p2wpkh',
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
/** A raw 32-byte secret, or a 64-byte BIP 39 seed, in hex. */
const HEX_SECRET = /^(0x)?([0-9a-fA-F]{64}|[0-9a-fA-F]{128})$/;
/** A Casascius mini private key: S and 21, 29 or 30 Base58 characters, valid when sha256(key + "?") starts with 0. */
const MINI_KEY = new RegExp(`^S(${BASE58}{21}|${BASE58}{29,30})$`);
/** Characters that hide inside a pasted key: zero-width spaces and joiners, the BOM, soft hyphens. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;
/** Cyrillic and Greek letters that look like the Latin ones of a key prefix (xprv, tprv…). */
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'B',
  е: 'e',
  к: 'k',
  м: 'M',
  н: 'H',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 'T',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԛ: 'q',
  ԝ: 'w',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ν: 'v',
  κ: 'k',
  Κ: 'K',
  Ρ: 'P',
  Τ: 'T',
  Χ: 'X',
  Υ: 'Y',
  Ζ: 'Z',
  Ο: 'O',
};

const NEVER =
  ' and must never be put on a web page. Move your funds to a new wallet, then use only its extended public key (xpub, zpub…) here.';

const refusePrivate = (source: ErrorSource): never =>
  fail(source, 'private-key', `This is a private key: anyone who reads the page can spend with it,${NEVER}`);

const isMiniKey = (token: string): boolean => MINI_KEY.test(token) && sha256(utf8ToBytes(`${token}?`))[0] === 0;

/** An extended key whose key data is private (a leading zero byte, BIP 32), whatever its version says. */
const isExtendedPrivate = (token: string): boolean => {
  if (!/^[1-9A-HJ-NP-Za-km-z]{107,115}$/.test(token)) return false;
  try {
    const bytes = base58check.decode(token);
    return bytes.length === 78 && bytes[45] === 0;
  } catch {
    return false;
  }
};

/** The words of `text` in any script, without numbering or punctuation ("1. abandon, 2. ability…"). */
const wordsOf = (text: string): string[] =>
  text
    .split(/[\s,;·.]+/u)
    .map((token) => token.replace(/^[(#]?\d+[.):-]?\)?/u, ''))
    .filter(Boolean);
/** A word of a BIP 39 list, in any of its scripts (at most 8 letters in every list). */
const SEED_WORD = /^[\p{L}\p{M}]{1,8}$/u;

/**
 * Throws when `text` holds, anywhere in it, something that looks like private key material.
 * Checked before anything else, in every attribute, so that even a damaged private key is
 * reported as private and removed from the page. The text is first read as a person would see
 * it: invisible characters dropped, lookalike Cyrillic and Greek letters read as Latin, spaces
 * and line breaks inside a key ignored.
 *
 * `kind` says where it was found. In the key and address attributes, where no legitimate value
 * has words, 12 to 25 words in any script (numbered, comma-separated, with a passphrase, in any
 * BIP 39 list) are a seed phrase. In free text (label, message…) only what cannot be prose is
 * refused: an extended private key, a WIF or mini key.
 */
export function refusePrivateMaterial(text: string, source: ErrorSource, kind: 'key' | 'text' = 'key'): void {
  const seen = text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/./gu, (char) => LOOKALIKES[char] ?? char);
  // A key broken by spaces or line breaks is still the key.
  const joined = seen.replace(/\s+/g, '');
  const tokens = seen.split(/[()[\],/#<>;*'"`\s]+/).filter(Boolean);
  const strong =
    PRIVATE_EXTENDED.test(seen) ||
    PRIVATE_EXTENDED.test(joined) ||
    tokens.some((token) => WIF_TOKEN.test(token) || isMiniKey(token) || isExtendedPrivate(token));
  if (strong) refusePrivate(source);
  if (kind === 'text') return;
  const words = wordsOf(seen);
  // 12 to 24 words, and perhaps a passphrase written after them.
  const listed = words.filter((word) => SEED_WORD.test(word)).length;
  if (listed >= 12 && words.length <= 25 && words.length - listed <= 1) {
    fail(source, 'seed-phrase', `This looks like a seed phrase: it controls your wallet${NEVER}`);
  }
  if (
    HEX_SECRET.test(joined) ||
    WIF_TOKEN.test(joined) ||
    isMiniKey(joined) ||
    // 64 hex digits inside tr() are an x-only public key (BIP 386); anywhere else, a secret.
    tokens.some(
      (token, i) => HEX_SECRET.test(token) && !(token.replace(/^0x/, '').length === 64 && /^(raw)?tr$/i.test(tokens[i - 1] ?? '')),
    )
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
    return fail(
      source,
      'checksum',
      /^[xyztuvYZUV]pub/.test(text)
        ? 'The extended public key has a bad checksum: copy it again from your wallet.'
        : 'This is not an extended public key (xpub, ypub, zpub…) or a descriptor.',
    );
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
