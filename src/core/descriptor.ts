/**
 * Output script descriptors for single-key receive accounts, as Sparrow, Bitcoin Core and
 * hardware wallets export them: `pkh(KEY/0/*)`, `sh(wpkh(KEY/0/*))`, `wpkh(KEY/0/*)` and
 * `tr(KEY/0/*)` (BIP 381, 382, 386), with an optional key origin and checksum (BIP 380) and the
 * multipath step `/<0;1>/*` (BIP 389), of which the receive branch is used.
 * @module
 */
import { fail, type ErrorSource } from './errors.js';
import { parseExtendedKey, refusePrivateMaterial, type ExtendedKey, type ScriptType } from './keys.js';

// BIP 380: three groups of 32 characters, ordered so that the checksum catches likely errors.
const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(symbols: readonly number[]): bigint {
  let chk = 1n;
  for (const value of symbols) {
    const top = chk >> 35n;
    chk = ((chk & 0x7ffffffffn) << 5n) ^ BigInt(value);
    GENERATOR.forEach((g, i) => {
      if ((top >> BigInt(i)) & 1n) chk ^= g;
    });
  }
  return chk;
}

/**
 * The 8-character BIP 380 checksum of a descriptor (without its `#`), or null when the text
 * holds a character outside the descriptor character set.
 * @example descriptorChecksum('raw(deadbeef)') // '89f8spxm'
 */
export function descriptorChecksum(body: string): string | null {
  const symbols: number[] = [];
  const groups: number[] = [];
  for (const char of body) {
    const v = INPUT_CHARSET.indexOf(char);
    if (v < 0) return null;
    symbols.push(v & 31);
    groups.push(v >> 5);
    if (groups.length === 3) {
      symbols.push(groups[0]! * 9 + groups[1]! * 3 + groups[2]!);
      groups.length = 0;
    }
  }
  if (groups.length === 1) symbols.push(groups[0]!);
  if (groups.length === 2) symbols.push(groups[0]! * 3 + groups[1]!);
  const checksum = polymod([...symbols, 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

export interface Descriptor {
  readonly scriptType: ScriptType;
  readonly key: ExtendedKey;
  /** Unhardened steps between the key and the `*` wildcard (receive branch of a multipath). */
  readonly steps: readonly number[];
  /** Key origin `[fingerprint/path]`, when the descriptor carries one. */
  readonly origin: { readonly fingerprint: string; readonly path: string } | null;
}

const HARDENED_OFFSET = 0x80000000;

const hardened = (source: ErrorSource): never =>
  fail(
    source,
    'hardened',
    "Hardened steps after the key (/0'/*, /0h/*, /*h) cannot be done from a public key: use unhardened ones, like /0/*.",
  );
const STEP = /^(\d+)(['hH]?)$/;

/** True when the text is written as a descriptor rather than a bare key. */
export const looksLikeDescriptor = (text: string): boolean => /[()]/.test(text);

/**
 * Parses a single-key ranged descriptor.
 * @throws {CheckoutError} with a specific code: `checksum`, `syntax`, `multisig`,
 *   `unsupported`, `not-ranged`, `hardened`, `private-key` or the key's own errors.
 */
export function parseDescriptor(text: string, source: ErrorSource = 'xpub'): Descriptor {
  const input = text.trim();
  refusePrivateMaterial(input, source);
  const [body = '', checksum, extra] = input.split('#');
  if (extra !== undefined) fail(source, 'syntax', 'The descriptor has two "#".');
  const expected = descriptorChecksum(body);
  if (expected === null) fail(source, 'syntax', 'The descriptor holds a character descriptors never use.');
  if (checksum !== undefined && checksum !== expected) {
    fail(source, 'checksum', 'The descriptor has a bad checksum (after "#"): copy it again from your wallet.');
  }
  let depth = 0;
  for (const char of body) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) fail(source, 'syntax', "The descriptor's parentheses do not match: copy it again from your wallet.");
  if (/^(sh\()?(wsh|multi|sortedmulti|multi_a|sortedmulti_a)\(/.test(body)) {
    fail(source, 'multisig', 'Multisig descriptors (multi, sortedmulti, wsh) are not supported yet.');
  }
  const match = /^(pkh|wpkh|tr)\((.*)\)$/.exec(body) ?? /^sh\((wpkh)\((.*)\)\)$/.exec(body);
  if (!match) {
    fail(source, 'unsupported', 'Only pkh(), sh(wpkh()), wpkh() and tr() descriptors are supported.');
  }
  const scriptType: ScriptType = body.startsWith('sh(')
    ? 'p2sh-p2wpkh'
    : match[1] === 'pkh'
      ? 'p2pkh'
      : match[1] === 'wpkh'
        ? 'p2wpkh'
        : 'p2tr';
  const expression = match[2]!;
  if (scriptType === 'p2tr' && expression.includes(',')) {
    fail(source, 'unsupported', 'Taproot script trees are not supported: use tr(KEY/0/*).');
  }
  return { scriptType, ...parseKeyExpression(expression, source) };
}

function parseKeyExpression(expression: string, source: ErrorSource): Omit<Descriptor, 'scriptType'> {
  // BIP 380 key origin: 8 hex digits of fingerprint, then steps hardened with ' or h.
  const originMatch = /^\[([0-9a-fA-F]{8})((?:\/\d+['h]?)*)\]/.exec(expression);
  if (expression.startsWith('[') && !originMatch) fail(source, 'syntax', 'Malformed key origin [fingerprint/path].');
  const origin = originMatch ? { fingerprint: originMatch[1]!.toLowerCase(), path: `m${originMatch[2]}` } : null;
  const rest = expression.slice(originMatch ? originMatch[0].length : 0);
  const [keyText = '', ...parts] = rest.split('/');
  if (/^(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128}|[0-9a-fA-F]{64})$/.test(keyText)) {
    fail(source, 'not-ranged', 'This descriptor has one public key, so one address: use the address attribute, or a key ending in /*.');
  }
  const key = parseExtendedKey(keyText, source);
  const last = parts.pop();
  if (last === undefined || !/^\*['hH]?$/.test(last)) {
    fail(source, 'not-ranged', 'The descriptor must end in /* (like wpkh(xpub…/0/*)) to derive a new address per payment.');
  }
  if (last !== '*') hardened(source);
  let multipathSeen = false;
  const steps = parts.map((part) => {
    let text = part;
    const multipath = /^<(.*)>$/.exec(part);
    if (multipath) {
      // BIP 389: one multipath step per key, two or more distinct values; the first is the
      // receive branch.
      const values = multipath[1]!.split(';');
      if (multipathSeen || values.length < 2 || values.some((v) => !STEP.test(v)) || new Set(values).size !== values.length) {
        fail(source, 'syntax', 'Malformed multipath step: it must look like /<0;1>/*.');
      }
      multipathSeen = true;
      text = values[0]!;
    }
    const step = STEP.exec(text);
    if (!step) fail(source, 'syntax', 'A derivation step in the descriptor is not a number.');
    if (step[2]) hardened(source);
    const value = Number(step[1]);
    if (value >= HARDENED_OFFSET) fail(source, 'out-of-range', 'A derivation step is 2^31 or more.');
    return value;
  });
  return { key, steps, origin };
}
