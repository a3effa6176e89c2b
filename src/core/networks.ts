/**
 * Bitcoin networks and their address parameters.
 * @module
 */
import { fail, type ErrorSource } from './errors.js';

export type NetworkName = 'mainnet' | 'testnet' | 'testnet4' | 'signet' | 'regtest';

export interface Network {
  readonly name: NetworkName;
  /** Bech32 human-readable part (BIP 173; `bcrt` is Bitcoin Core's regtest convention). */
  readonly hrp: 'bc' | 'tb' | 'bcrt';
  /** Base58Check version byte of P2PKH addresses. */
  readonly pubKeyHash: number;
  /** Base58Check version byte of P2SH addresses (BIP 13). */
  readonly scriptHash: number;
  /** Path prefix of this network on mempool.space, or null where it has none. */
  readonly mempoolPath: string | null;
}

const test = (name: NetworkName, hrp: 'tb' | 'bcrt', mempoolPath: string | null): Network => ({
  name,
  hrp,
  pubKeyHash: 0x6f,
  scriptHash: 0xc4,
  mempoolPath,
});

export const NETWORKS: Readonly<Record<NetworkName, Network>> = {
  mainnet: { name: 'mainnet', hrp: 'bc', pubKeyHash: 0x00, scriptHash: 0x05, mempoolPath: '' },
  testnet: test('testnet', 'tb', '/testnet'),
  testnet4: test('testnet4', 'tb', '/testnet4'),
  signet: test('signet', 'tb', '/signet'),
  regtest: test('regtest', 'bcrt', null),
};

export const isNetworkName = (value: string): value is NetworkName => Object.prototype.hasOwnProperty.call(NETWORKS, value);

/**
 * Resolves a network name against what the key or address allows. `allowed[0]` is the
 * default when no network is given.
 */
export function resolveNetwork(
  requested: string | null | undefined,
  allowed: readonly NetworkName[],
  source: ErrorSource,
  what: string,
): NetworkName {
  if (!requested) return allowed[0]!;
  if (!isNetworkName(requested)) {
    fail('network', 'invalid', 'network must be mainnet, testnet, testnet4, signet or regtest.');
  }
  if (!allowed.includes(requested)) {
    fail(source, 'network-mismatch', `${what} is for ${allowed.join(', ')}, but network is ${requested}.`);
  }
  return requested;
}
