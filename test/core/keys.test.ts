import { expect } from 'chai';
import { HDKey } from '@scure/bip32';
import { parseExtendedKey, refusePrivateMaterial, base58check } from '../../src/core/keys.js';
import { expectCheckoutError } from '../helpers/expect-error.js';
import { BIP32_INVALID, BIP32_PUBLIC_STEPS, PRIVATE_MATERIAL, SEED_PHRASE } from '../helpers/vectors.js';

/** Re-encodes an extended key with other version bytes (SLIP-132 siblings of the same key). */
function withVersion(key: string, version: number): string {
  const bytes = base58check.decode(key);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, version);
  return base58check.encode(bytes);
}

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';

describe('extended public keys', () => {
  describe('BIP 32 test vectors 1 and 2, public derivation', () => {
    for (const step of BIP32_PUBLIC_STEPS) {
      it(step.path, () => {
        const { hdkey } = parseExtendedKey(step.parent);
        expect(hdkey.deriveChild(step.index).publicExtendedKey).to.equal(step.child);
      });
    }
  });

  describe('BIP 32 test vector 5, invalid keys', () => {
    for (const { key, reason, code } of BIP32_INVALID) {
      it(`${reason} → ${code}`, () => {
        expectCheckoutError(() => parseExtendedKey(key), code, 'xpub', key);
      });
    }
  });

  describe('SLIP-132 prefixes', () => {
    const cases: [string, number, string | null, boolean][] = [
      ['xpub', 0x0488b21e, 'p2pkh', false],
      ['ypub', 0x049d7cb2, 'p2sh-p2wpkh', false],
      ['zpub', 0x04b24746, 'p2wpkh', false],
      ['tpub', 0x043587cf, 'p2pkh', true],
      ['upub', 0x044a5262, 'p2sh-p2wpkh', true],
      ['vpub', 0x045f1cf6, 'p2wpkh', true],
    ];
    for (const [prefix, version, scriptType, testnet] of cases) {
      it(`${prefix} → ${scriptType}${testnet ? ', test networks' : ''}`, () => {
        const key = withVersion(ZPUB, version);
        expect(key.startsWith(prefix)).to.equal(true);
        const parsed = parseExtendedKey(key);
        expect(parsed).to.include({ prefix, scriptType, testnet });
        expect(parsed.hdkey.publicKey).to.deep.equal(parseExtendedKey(ZPUB).hdkey.publicKey);
      });
    }
    for (const [prefix, version] of [
      ['Ypub', 0x0295b43f],
      ['Zpub', 0x02aa7ed3],
      ['Upub', 0x024289ef],
      ['Vpub', 0x02575483],
    ] as const) {
      it(`${prefix} (multisig) is refused as not supported yet`, () => {
        const key = withVersion(ZPUB, version);
        expect(key.startsWith(prefix)).to.equal(true);
        const error = expectCheckoutError(() => parseExtendedKey(key), 'multisig', 'xpub', key);
        expect(error.message).to.match(/not supported yet/);
      });
    }
    it('an unknown version (Litecoin Ltub) is refused', () => {
      expectCheckoutError(() => parseExtendedKey(withVersion(ZPUB, 0x019da462)), 'version');
    });
  });

  describe('malformed keys', () => {
    it('one wrong character is a checksum error', () => {
      const typo = ZPUB.slice(0, 40) + (ZPUB[40] === 'a' ? 'b' : 'a') + ZPUB.slice(41);
      const error = expectCheckoutError(() => parseExtendedKey(typo), 'checksum', 'xpub', typo);
      expect(error.message).to.match(/checksum/);
    });
    it('a truncated key is a checksum error', () => {
      expectCheckoutError(() => parseExtendedKey(ZPUB.slice(0, -1)), 'checksum');
    });
    it('a well-formed Base58Check payload of the wrong length is a length error', () => {
      const short = base58check.encode(base58check.decode(ZPUB).slice(0, 77));
      expectCheckoutError(() => parseExtendedKey(short), 'length');
    });
    it('text that is not a key says so', () => {
      expectCheckoutError(() => parseExtendedKey('hello world'), 'checksum');
    });
  });

  describe('private material is refused and never echoed', () => {
    for (const { name, text } of PRIVATE_MATERIAL) {
      it(name, () => {
        const error = expectCheckoutError(() => refusePrivateMaterial(text, 'xpub'), 'private-key', 'xpub', text);
        expect(error.message).to.match(/private key/i);
      });
    }
    it('xprv derived on the spot from a seed', () => {
      const xprv = HDKey.fromMasterSeed(new Uint8Array(32).fill(7)).privateExtendedKey;
      expectCheckoutError(() => parseExtendedKey(xprv), 'private-key', 'xpub', xprv);
    });
    it('a seed phrase', () => {
      const error = expectCheckoutError(() => refusePrivateMaterial(SEED_PHRASE, 'xpub'), 'seed-phrase', 'xpub', SEED_PHRASE);
      expect(error.message).not.to.include('abandon');
    });
    it('a 24-word seed phrase with odd spacing and case', () => {
      const words = `${'Zoo  '.repeat(23)}vote`;
      expectCheckoutError(() => refusePrivateMaterial(words, 'xpub'), 'seed-phrase');
    });
    it('public keys pass', () => {
      expect(() => refusePrivateMaterial(ZPUB, 'xpub')).not.to.throw();
      expect(() => refusePrivateMaterial('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'address')).not.to.throw();
    });
  });
});
