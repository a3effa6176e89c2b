/**
 * Our derivation against bitcoinjs-lib + bip32 + tiny-secp256k1: an implementation by other
 * authors with its own BIP 32, hashing, Base58Check, bech32 and taproot code.
 * Node only (tiny-secp256k1 is WebAssembly loaded from the file system).
 */
import { expect } from 'chai';
import * as bitcoin from 'bitcoinjs-lib';
import { BIP32Factory } from 'bip32';
import * as ecc from 'tiny-secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import type { ScriptType } from '../../src/core/keys.js';
import type { NetworkName } from '../../src/core/networks.js';

bitcoin.initEccLib(ecc);
const bip32 = BIP32Factory(ecc);

const NETWORKS: Record<string, bitcoin.Network> = {
  mainnet: bitcoin.networks.bitcoin,
  testnet: bitcoin.networks.testnet,
  signet: bitcoin.networks.testnet,
  regtest: bitcoin.networks.regtest,
};

function oracleAddress(pubkey: Uint8Array, type: ScriptType, network: bitcoin.Network): string {
  const key = Buffer.from(pubkey);
  switch (type) {
    case 'p2pkh':
      return bitcoin.payments.p2pkh({ pubkey: key, network }).address!;
    case 'p2sh-p2wpkh':
      return bitcoin.payments.p2sh({ redeem: bitcoin.payments.p2wpkh({ pubkey: key, network }), network }).address!;
    case 'p2wpkh':
      return bitcoin.payments.p2wpkh({ pubkey: key, network }).address!;
    case 'p2tr':
      return bitcoin.payments.p2tr({ internalPubkey: key.subarray(1), network }).address!;
  }
}

describe('derivation against an independent implementation (bitcoinjs)', () => {
  const types: ScriptType[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'];
  const indices = [0, 1, 2, 19, 20, 999, 123456, 0x7fffffff];
  let compared = 0;
  for (let seedNumber = 0; seedNumber < 6; seedNumber++) {
    for (const networkName of ['mainnet', 'testnet', 'signet', 'regtest'] as NetworkName[]) {
      it(`seed ${seedNumber} on ${networkName}: ${types.length} types × ${indices.length} indices, bare key and descriptor`, () => {
        const network = NETWORKS[networkName]!;
        const seed = sha256(new Uint8Array([seedNumber, 1, 2, 3]));
        const account = bip32.fromSeed(Buffer.from(seed), network).derivePath(`m/84'/${networkName === 'mainnet' ? 0 : 1}'/${seedNumber}'`);
        const key = account.neutered().toBase58();
        for (const type of types) {
          const ours = parseAccount(key, { network: networkName, addressType: type });
          const descriptor = `${{ p2pkh: 'pkh', 'p2sh-p2wpkh': 'sh(wpkh', p2wpkh: 'wpkh', p2tr: 'tr' }[type]}(${key}/0/*)${type === 'p2sh-p2wpkh' ? ')' : ''}`;
          const viaDescriptor = parseAccount(descriptor, { network: networkName });
          for (const index of indices) {
            const expected = oracleAddress(account.derive(0).derive(index).publicKey, type, network);
            expect(deriveAddress(ours, index), `${type} ${index}`).to.equal(expected);
            expect(deriveAddress(viaDescriptor, index), `${descriptor} ${index}`).to.equal(expected);
            compared += 2;
          }
        }
      });
    }
  }
  after(() => expect(compared).to.equal(6 * 4 * 4 * 8 * 2));
});

/**
 * The browser tests derive these with the shipped CDN bundle (which has its own secp256k1 build,
 * build/secp256k1-public.ts). They are bitcoinjs's answers; this test keeps the file honest.
 * `UPDATE_FIXTURES=1` rewrites it.
 */
describe('test/fixtures/oracle-addresses.json', () => {
  it('holds bitcoinjs addresses for 2 seeds × 4 networks × 4 script types × 8 indices', () => {
    const path = new URL('../fixtures/oracle-addresses.json', import.meta.url);
    const entries: { key: string; network: NetworkName; addressType: ScriptType; addresses: Record<string, string> }[] = [];
    for (let seedNumber = 0; seedNumber < 2; seedNumber++) {
      for (const networkName of ['mainnet', 'testnet', 'signet', 'regtest'] as NetworkName[]) {
        const network = NETWORKS[networkName]!;
        const account = bip32
          .fromSeed(Buffer.from(sha256(new Uint8Array([seedNumber, 9, 9, 9]))), network)
          .derivePath(`m/86'/1'/${seedNumber}'`);
        for (const addressType of ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr'] as ScriptType[]) {
          const addresses = Object.fromEntries(
            [0, 1, 2, 19, 20, 999, 123456, 0x7fffffff].map((index) => [
              index,
              oracleAddress(account.derive(0).derive(index).publicKey, addressType, network),
            ]),
          );
          entries.push({ key: account.neutered().toBase58(), network: networkName, addressType, addresses });
        }
      }
    }
    const text = `${JSON.stringify(entries, null, 1)}\n`;
    if (process.env.UPDATE_FIXTURES) writeFileSync(path, text);
    expect(readFileSync(path, 'utf8')).to.equal(text);
  });
});
