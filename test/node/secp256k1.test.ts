/**
 * The CDN bundle's public-key-only secp256k1 (build/secp256k1-public.ts) against noble's full module:
 * the same curve, and the same result for every operation BIP 32 public derivation and the BIP 341
 * tweak use.
 */
import { expect } from 'chai';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { secp256k1 as ours } from '../../build/secp256k1-public.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const scalar = (seed: number): bigint =>
  (bytesToNumberBE(sha256(new Uint8Array([seed >> 8, seed & 255, 42]))) % (noble.Point.CURVE().n - 1n)) + 1n;

describe('build/secp256k1-public.ts, the public-key-only curve in the CDN bundle', () => {
  it('has the domain parameters of noble secp256k1', () => {
    const { p, n, h, a, b, Gx, Gy } = noble.Point.CURVE();
    expect(ours.Point.CURVE()).to.include({ p, n, h, a, b, Gx, Gy });
    expect(hex(ours.Point.BASE.toBytes(false))).to.equal(hex(noble.Point.BASE.toBytes(false)));
  });

  it('multiplies, adds, compresses and decompresses exactly as noble does (300 random points)', () => {
    let previous = ours.Point.BASE;
    for (let i = 0; i < 300; i++) {
      const k = scalar(i);
      const mine = ours.Point.BASE.multiply(k);
      const theirs = noble.Point.BASE.multiply(k);
      for (const compressed of [true, false]) expect(hex(mine.toBytes(compressed))).to.equal(hex(theirs.toBytes(compressed)));
      // Decompression (a square root mod p) of both parities, then a BIP 32-style addition.
      const lifted = ours.Point.fromBytes(mine.toBytes(true));
      expect(lifted.equals(mine)).to.equal(true);
      const sum = lifted.add(previous);
      expect(hex(sum.toBytes(true))).to.equal(
        hex(
          noble.Point.fromBytes(theirs.toBytes(true))
            .add(noble.Point.fromBytes(previous.toBytes(true)))
            .toBytes(true),
        ),
      );
      previous = mine;
    }
  });

  it('refuses what noble refuses: points off the curve, x ≥ p, bad prefixes, infinity', () => {
    const bad = [
      `02${'00'.repeat(31)}05`, // x = 5: x³ + 7 = 132 is not a square mod p
      `02${'ff'.repeat(32)}`, // x ≥ p
      `05${hex(noble.Point.BASE.toBytes(true)).slice(2)}`, // unknown prefix
      `04${hex(noble.Point.BASE.toBytes(false)).slice(2, 66)}${'00'.repeat(32)}`, // y does not match x
      '00',
    ];
    for (const text of bad) {
      const bytes = Uint8Array.from(Buffer.from(text, 'hex'));
      expect(() => noble.Point.fromBytes(bytes), text).to.throw();
      expect(() => ours.Point.fromBytes(bytes), text).to.throw();
    }
    expect(ours.Point.BASE.add(ours.Point.BASE.negate()).equals(ours.Point.ZERO)).to.equal(true);
  });

  it('has no signing: private-key operations throw', () => {
    expect(ours.utils.isValidSecretKey()).to.equal(false);
    expect(() => ours.getPublicKey()).to.throw(/public keys only/);
    expect(() => ours.sign()).to.throw(/public keys only/);
    expect(() => ours.verify()).to.throw(/public keys only/);
  });
});
