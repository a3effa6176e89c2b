/**
 * Address -> scriptPubKey hex through @scure/btc-signer's own decoder: a second implementation
 * to compare our encoder's output with the scripts the BIPs publish.
 */
import { Address, OutScript, NETWORK, TEST_NETWORK } from '@scure/btc-signer';
import { hex } from '@scure/base';

const REGTEST = { ...TEST_NETWORK, bech32: 'bcrt' };

export function scriptOf(address: string): string {
  const network = address.startsWith('bcrt1') ? REGTEST : /^(bc1|[13])/i.test(address) ? NETWORK : TEST_NETWORK;
  return hex.encode(OutScript.encode(Address(network).decode(address)));
}
