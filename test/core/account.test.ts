import { expect } from 'chai';
import { checkIndex, deriveAddress, parseAccount } from '../../src/core/account.js';
import { expectCheckoutError } from '../helpers/expect-error.js';
import { ABANDON_ACCOUNTS } from '../helpers/vectors.js';
import { base58check } from '../../src/core/keys.js';

const ZPUB = ABANDON_ACCOUNTS[3]!.key;
/** The BIP 84 account key re-encoded with vpub version bytes (SLIP-132), for test networks. */
const VPUB = (() => {
  const bytes = base58check.decode(ZPUB);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, 0x045f1cf6);
  return base58check.encode(bytes);
})();

describe('receive accounts', () => {
  describe('"abandon … about" account keys and their published addresses', () => {
    for (const vector of ABANDON_ACCOUNTS) {
      it(vector.name, () => {
        const account = parseAccount(vector.key, { addressType: vector.addressType ?? null });
        expect(vector.receive.map((_, i) => deriveAddress(account, i))).to.deep.equal(vector.receive);
        expect(account.path).to.equal('0/*');
      });
    }
    it('change addresses through a /1/* descriptor (BIP 84)', () => {
      expect(deriveAddress(parseAccount(`wpkh(${ZPUB}/1/*)`), 0)).to.equal('bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
    });
  });

  describe('networks', () => {
    it('a vpub defaults to testnet', () => {
      const account = parseAccount(VPUB);
      expect(account.network).to.equal('testnet');
      expect(deriveAddress(account, 0)).to.match(/^tb1q/);
    });
    it('regtest addresses are bcrt1…, signet and testnet4 tb1…', () => {
      expect(deriveAddress(parseAccount(VPUB, { network: 'regtest' }), 0)).to.match(/^bcrt1q/);
      expect(deriveAddress(parseAccount(VPUB, { network: 'signet' }), 0)).to.match(/^tb1q/);
      expect(deriveAddress(parseAccount(VPUB, { network: 'testnet4' }), 0)).to.match(/^tb1q/);
      expect(deriveAddress(parseAccount(VPUB, { network: 'regtest', addressType: 'p2tr' }), 0)).to.match(/^bcrt1p/);
    });
    it('the same key gives the same program on every test network', () => {
      const tb = deriveAddress(parseAccount(VPUB, { network: 'signet' }), 3);
      const rt = deriveAddress(parseAccount(VPUB, { network: 'regtest' }), 3);
      expect(tb.slice(3, 20)).to.equal(rt.slice(5, 22));
    });
    it('a mainnet key with a test network is refused', () => {
      const error = expectCheckoutError(() => parseAccount(ZPUB, { network: 'testnet' }), 'network-mismatch', 'xpub');
      expect(error.message).to.match(/zpub.*mainnet.*testnet/);
    });
    it('a testnet key with mainnet is refused', () => {
      expectCheckoutError(() => parseAccount(VPUB, { network: 'mainnet' }), 'network-mismatch', 'xpub');
    });
    it('an unknown network name is refused', () => {
      expectCheckoutError(() => parseAccount(ZPUB, { network: 'liquid' }), 'invalid', 'network');
    });
  });

  describe('address-type', () => {
    it('overrides the prefix of a plain xpub', () => {
      const xpub = ABANDON_ACCOUNTS[0]!.key;
      expect(deriveAddress(parseAccount(xpub), 0)).to.match(/^1/);
      expect(deriveAddress(parseAccount(xpub, { addressType: 'p2wpkh' }), 0)).to.match(/^bc1q/);
      expect(deriveAddress(parseAccount(xpub, { addressType: 'p2sh-p2wpkh' }), 0)).to.match(/^3/);
      expect(deriveAddress(parseAccount(xpub, { addressType: 'p2tr' }), 0)).to.match(/^bc1p/);
    });
    it('must be a known type', () => {
      expectCheckoutError(() => parseAccount(ZPUB, { addressType: 'p2wsh' }), 'invalid', 'address-type');
    });
    it('must agree with a descriptor', () => {
      expectCheckoutError(() => parseAccount(`wpkh(${ZPUB}/0/*)`, { addressType: 'p2tr' }), 'conflict', 'address-type');
      expect(parseAccount(`wpkh(${ZPUB}/0/*)`, { addressType: 'p2wpkh' }).scriptType).to.equal('p2wpkh');
    });
  });

  describe('index', () => {
    it('accepts 0 and 2^31 − 1', () => {
      const account = parseAccount(ZPUB);
      expect(deriveAddress(account, 0x7fffffff)).to.match(/^bc1q/);
    });
    for (const bad of [-1, 2 ** 31, 1.5, Number.NaN]) {
      it(`refuses ${bad}`, () => {
        expectCheckoutError(() => checkIndex(bad), 'out-of-range', 'index');
      });
    }
  });

  it('gives a stable id that differs by script type and network', () => {
    const ids = new Set([
      parseAccount(ZPUB).id,
      parseAccount(ZPUB, { addressType: 'p2tr' }).id,
      parseAccount(VPUB).id,
      parseAccount(VPUB, { network: 'regtest' }).id,
    ]);
    expect(ids.size).to.equal(4);
    expect(parseAccount(ZPUB).id).to.equal(parseAccount(` ${ZPUB} `).id);
  });
});
