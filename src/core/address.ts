/**
 * Validation of a fixed receive address (the `address` attribute).
 * @module
 */
import { bech32, bech32m } from '@scure/base';
import { fail, type ErrorSource } from './errors.js';
import { base58check, refusePrivateMaterial } from './keys.js';
import { resolveNetwork, type NetworkName } from './networks.js';

export interface ParsedAddress {
  /** The address as it should be shown and watched (bech32 in lower case). */
  readonly address: string;
  readonly network: NetworkName;
}

const TEST_NETWORKS: NetworkName[] = ['testnet', 'testnet4', 'signet', 'regtest'];
const HRP_NETWORKS: Readonly<Record<string, NetworkName[]>> = {
  bc: ['mainnet'],
  tb: ['testnet', 'testnet4', 'signet'],
  bcrt: ['regtest'],
};
const BASE58_NETWORKS: Readonly<Record<number, NetworkName[]>> = {
  0x00: ['mainnet'],
  0x05: ['mainnet'],
  0x6f: TEST_NETWORKS,
  0xc4: TEST_NETWORKS,
};

const badChecksum = (source: ErrorSource): never =>
  fail(source, 'checksum', 'The address has a bad checksum: copy it again from your wallet.');

/**
 * Checks an address's checksum, encoding and network, and returns it normalised.
 * Only output types a wallet can spend today are accepted: P2PKH, P2SH, witness v0
 * (20 or 32 bytes) and taproot (v1, 32 bytes); anything else could lose the payment.
 */
export function parseAddress(text: string, network?: string | null, source: ErrorSource = 'address'): ParsedAddress {
  const input = text.trim();
  refusePrivateMaterial(input, source);
  const segwit = /^(bc|tb|bcrt)1/i.exec(input);
  if (segwit) {
    // BIP 173: an address is all lower case or all upper case, never mixed.
    if (input !== input.toLowerCase() && input !== input.toUpperCase()) {
      fail(source, 'invalid', 'The address mixes upper and lower case, which bech32 forbids.');
    }
    const address = input.toLowerCase();
    // BIP 350: witness version 0 uses bech32, versions 1 and up use bech32m.
    const v0 = bech32.decodeUnsafe(address);
    const v1 = v0 ? undefined : bech32m.decodeUnsafe(address);
    const decoded = v0 ?? v1 ?? badChecksum(source);
    const [version, ...words] = decoded.words;
    const program = bech32.fromWordsUnsafe(words) || badChecksum(source);
    if ((v0 && version !== 0) || (v1 && version === 0)) badChecksum(source);
    if (version === 0 ? program.length !== 20 && program.length !== 32 : version !== 1 || program.length !== 32) {
      fail(source, 'unsupported', 'This address type (a future witness version) is not supported: use P2WPKH, P2TR, P2SH or P2PKH.');
    }
    const allowed = HRP_NETWORKS[decoded.prefix] ?? badChecksum(source);
    return { address, network: resolveNetwork(network, allowed, source, 'This address') };
  }
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(input);
  } catch {
    return /^[123mn][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(input)
      ? badChecksum(source)
      : fail(source, 'invalid', 'This is not a Bitcoin address.');
  }
  const allowed = bytes.length === 21 ? BASE58_NETWORKS[bytes[0]!] : undefined;
  if (!allowed) fail(source, 'invalid', 'This is not a Bitcoin address.');
  return { address: input, network: resolveNetwork(network, allowed, source, 'This address') };
}
