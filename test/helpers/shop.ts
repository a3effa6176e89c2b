/**
 * The test shop: BIP 84's public test account on regtest, whose receive history a test seeds on
 * its own devnet chain. Used by the allocation tests in Node and in Chromium.
 */
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { control, type TestChain } from './devnet.js';

export const VPUB = 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x';
const account = parseAccount(VPUB, { network: 'regtest' });

/** The shop's receive address at `index`. */
export const addressAt = (index: number): string => deriveAddress(account, index);

/** Seeds history: one confirmed payment to each receive index in `indices`. */
export const seed = async (chain: TestChain, indices: number[]): Promise<void> => {
  await control(chain, 'pay', { outputs: indices.map((index) => ({ address: addressAt(index), sats: 10_000 })), confirm: true });
};
