import { expect } from 'chai';
import { parseAddress } from '../../src/core/address.js';
import { expectCheckoutError } from '../helpers/expect-error.js';
import { scriptOf } from '../helpers/script.js';
import { BIP350_FUTURE, BIP350_INVALID, BIP350_VALID, PRIVATE_MATERIAL } from '../helpers/vectors.js';

describe('fixed addresses', () => {
  describe('BIP 350 valid segwit addresses', () => {
    for (const [address, script] of BIP350_VALID) {
      it(address, () => {
        const parsed = parseAddress(address);
        expect(parsed.address).to.equal(address.toLowerCase());
        expect(scriptOf(parsed.address)).to.equal(script);
        expect(parsed.network).to.equal(address.toLowerCase().startsWith('bc1') ? 'mainnet' : 'testnet');
      });
    }
  });

  describe('BIP 350 future witness versions are refused (a payment there could be lost)', () => {
    for (const address of BIP350_FUTURE) {
      it(address, () => expectCheckoutError(() => parseAddress(address), 'unsupported', 'address'));
    }
  });

  describe('BIP 350 invalid addresses', () => {
    for (const address of BIP350_INVALID) {
      it(address, () => {
        let thrown = false;
        try {
          parseAddress(address);
        } catch {
          thrown = true;
        }
        expect(thrown).to.equal(true);
      });
    }
  });

  describe('Base58Check', () => {
    it('P2PKH and P2SH on mainnet', () => {
      expect(parseAddress('1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA').network).to.equal('mainnet');
      expect(parseAddress('37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf').network).to.equal('mainnet');
    });
    it('P2SH on testnet and regtest', () => {
      expect(parseAddress('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2').network).to.equal('testnet');
      expect(parseAddress('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', 'regtest').network).to.equal('regtest');
    });
    it('one wrong character is a checksum error', () => {
      expectCheckoutError(() => parseAddress('1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabB'), 'checksum', 'address');
    });
  });

  describe('networks', () => {
    it('bcrt1 is regtest', () => {
      expect(parseAddress('bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk').network).to.equal('regtest');
    });
    it('a mainnet address with network=testnet is refused', () => {
      expectCheckoutError(() => parseAddress('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'testnet'), 'network-mismatch', 'address');
    });
    it('a testnet address with network=mainnet is refused', () => {
      expectCheckoutError(() => parseAddress('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', 'mainnet'), 'network-mismatch', 'address');
    });
    it('a tb1 address is not regtest', () => {
      expectCheckoutError(() => parseAddress(BIP350_VALID[1]![0], 'regtest'), 'network-mismatch', 'address');
    });
  });

  it('mixed case is refused (BIP 173)', () => {
    expectCheckoutError(() => parseAddress('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306FYU'), 'invalid', 'address');
  });
  it('a bech32 typo is a checksum error', () => {
    expectCheckoutError(() => parseAddress('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv'), 'checksum', 'address');
  });
  it('private keys pasted as an address are refused', () => {
    for (const { text } of PRIVATE_MATERIAL.filter((m) => !m.text.includes('('))) {
      expectCheckoutError(() => parseAddress(text), 'private-key', 'address', text);
    }
  });
  it('nonsense is "not a Bitcoin address"', () => {
    expect(expectCheckoutError(() => parseAddress('hello'), 'invalid').message).to.match(/not a Bitcoin address/);
  });
});
