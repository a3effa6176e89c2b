/**
 * `btc-checkout/devnet`: a local, offline stand-in for mempool.space for demos and tests.
 * @module
 */
export {
  startDevnet,
  DevnetChain,
  DEFAULT_PRICES,
  type ChainOptions,
  type Devnet,
  type DevnetOptions,
  type Fault,
  type ChainStats,
} from './server.js';
export { DEVNET_PROFILES, PROFILES, type DevnetProfile, type ProfileName } from './profiles.js';
export { DevChain, scriptOf, type Block, type ChainChange, type DevTx, type Output } from './chain.js';
