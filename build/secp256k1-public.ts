/**
 * The CDN bundle's stand-in for `@noble/curves/secp256k1.js` (see vite.config.ts).
 *
 * The checkout only ever derives public keys: @scure/bip32 needs the curve's `Point` for that,
 * and nothing else. noble's own module also builds ECDSA signing (DER, RFC 6979 nonces), which
 * only private keys use, and the widget refuses private keys. Building the same `Point` from
 * noble's curve constructor leaves signing out and makes the CDN file about 3.7 KB (gzip)
 * smaller. test/node/secp256k1.test.ts checks it against noble's module, and the browser tests
 * derive the published and oracle vectors with the shipped bundle.
 * @module
 */
import { Field } from '@noble/curves/abstract/modular.js';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';

/** secp256k1 domain parameters, SEC 2 v2 section 2.4.1 (BIP 32 and BIP 340 use this curve). */
const CURVE = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn,
  n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  h: 1n,
  a: 0n,
  b: 7n,
  Gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  Gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
};

const Point = weierstrass(CURVE, { Fp: Field(CURVE.p) });

const refuse = (): never => {
  throw new Error('btc-checkout works with public keys only');
};

/** What @scure/bip32 and our taproot tweak use of noble's `secp256k1`; signing is refused. */
export const secp256k1 = {
  Point,
  utils: { isValidSecretKey: (): boolean => false },
  getPublicKey: refuse,
  sign: refuse,
  verify: refuse,
};
