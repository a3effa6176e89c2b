/**
 * An in-memory, regtest-like chain for the devnet: blocks, a mempool, and transactions in the
 * Esplora JSON shape. No scripts are validated; it exists to exercise watchers, not consensus.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';
import { bech32, hex } from '@scure/base';

export interface Output {
  readonly address: string;
  readonly sats: number;
}

export interface DevTx {
  readonly txid: string;
  readonly outputs: readonly Output[];
  /** Signals replaceability (BIP 125). */
  readonly rbf: boolean;
  /** The funding outpoint this transaction spends; a replacement spends the same one. */
  readonly spends: string;
  readonly fee: number;
}

export interface Block {
  readonly hash: string;
  readonly height: number;
  readonly previousHash: string;
  readonly time: number;
  readonly txids: readonly string[];
}

export type ChainChange =
  | { readonly type: 'mempool-add'; readonly tx: DevTx }
  | { readonly type: 'mempool-remove'; readonly tx: DevTx }
  | { readonly type: 'block'; readonly block: Block; readonly txs: readonly DevTx[] }
  | { readonly type: 'reorg'; readonly blocks: readonly Block[] };

const id = (): string => hex.encode(randomBytes(32));
/** Where the devnet's payments come from and their change goes: a random program no key derives. */
const FAUCET = bech32.encode('bcrt', [0, ...bech32.toWords(randomBytes(20))]);
const REGTEST = { ...TEST_NETWORK, bech32: 'bcrt' };

/** The scriptPubKey of an address of any network, or null if it is not one. */
export function scriptOf(address: string): { hex: string; type: string } | null {
  const network = /^bcrt1/i.test(address) ? REGTEST : /^(bc1|[13])/i.test(address) ? NETWORK : TEST_NETWORK;
  try {
    const decoded = Address(network).decode(address);
    const types: Record<string, string> = { pkh: 'p2pkh', sh: 'p2sh', wpkh: 'v0_p2wpkh', wsh: 'v0_p2wsh', tr: 'v1_p2tr' };
    return { hex: hex.encode(OutScript.encode(decoded)), type: types[decoded.type] ?? 'unknown' };
  } catch {
    return null;
  }
}

export class DevChain {
  readonly blocks: Block[] = [];
  readonly mempool: Map<string, DevTx> = new Map();
  /** Every transaction ever created, by txid, with its block height while confirmed. */
  readonly txs: Map<string, { tx: DevTx; height: number | null }> = new Map();
  private readonly listeners = new Set<(change: ChainChange) => void>();
  private clock: number;

  constructor(startHeight = 100, now: number = Math.floor(Date.now() / 1000)) {
    this.clock = now - startHeight * 600;
    let previousHash = '0'.repeat(64);
    for (let height = 0; height <= startHeight; height++) {
      const block = { hash: id(), height, previousHash, time: (this.clock += 600), txids: [] };
      this.blocks.push(block);
      previousHash = block.hash;
    }
  }

  get tip(): Block {
    return this.blocks[this.blocks.length - 1]!;
  }

  subscribe(listener: (change: ChainChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ChainChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Broadcasts a payment: `outputs`, funded by the faucet, with change back to it. */
  pay(outputs: readonly Output[], options: { rbf?: boolean } = {}): DevTx {
    for (const output of outputs) {
      if (!scriptOf(output.address)) throw new Error(`not an address: ${output.address}`);
      if (!Number.isSafeInteger(output.sats) || output.sats <= 0) throw new Error(`bad amount: ${output.sats}`);
    }
    const tx: DevTx = {
      txid: id(),
      outputs: [...outputs, { address: FAUCET, sats: 1_000_000 }],
      rbf: options.rbf ?? false,
      spends: `${id()}:0`,
      fee: 300,
    };
    this.txs.set(tx.txid, { tx, height: null });
    this.mempool.set(tx.txid, tx);
    this.emit({ type: 'mempool-add', tx });
    return tx;
  }

  /** Replaces a mempool transaction with one spending the same input (BIP 125), paying `outputs`. */
  replace(txid: string, outputs: readonly Output[] | null): DevTx {
    const old = this.mempool.get(txid);
    if (!old) throw new Error(`not in the mempool: ${txid}`);
    const tx: DevTx = {
      ...old,
      txid: id(),
      outputs: outputs ? [...outputs, { address: FAUCET, sats: 900_000 }] : old.outputs,
      fee: old.fee + 500,
    };
    this.drop(txid);
    this.txs.set(tx.txid, { tx, height: null });
    this.mempool.set(tx.txid, tx);
    this.emit({ type: 'mempool-add', tx });
    return tx;
  }

  /** Evicts a transaction from the mempool (expiry, fee eviction, or a conflict that won). */
  drop(txid: string): void {
    const tx = this.mempool.get(txid);
    if (!tx) throw new Error(`not in the mempool: ${txid}`);
    this.mempool.delete(txid);
    this.txs.delete(txid);
    this.emit({ type: 'mempool-remove', tx });
  }

  /** Appends a block holding every mempool transaction except `leave`. */
  private appendBlock(leave: readonly string[] = []): { block: Block; txs: DevTx[] } {
    const txs = [...this.mempool.values()].filter((tx) => !leave.includes(tx.txid));
    const block: Block = {
      hash: id(),
      height: this.tip.height + 1,
      previousHash: this.tip.hash,
      time: (this.clock += 600),
      txids: txs.map((tx) => tx.txid),
    };
    this.blocks.push(block);
    for (const tx of txs) {
      this.mempool.delete(tx.txid);
      this.txs.set(tx.txid, { tx, height: block.height });
    }
    return { block, txs };
  }

  /** Mines `count` blocks; the first takes every mempool transaction except `leave`. */
  mine(count = 1, leave: readonly string[] = []): Block[] {
    const mined: Block[] = [];
    for (let i = 0; i < count; i++) {
      const { block, txs } = this.appendBlock(leave);
      mined.push(block);
      this.emit({ type: 'block', block, txs });
    }
    return mined;
  }

  /**
   * Replaces the last `depth` blocks with `depth + 1` new ones. Their transactions go back to
   * the mempool, except `drop` (double-spent away); `leave` stay there instead of being re-mined.
   */
  reorg(depth: number, options: { drop?: readonly string[]; leave?: readonly string[] } = {}): Block[] {
    if (depth < 1 || depth >= this.blocks.length) throw new Error(`bad reorg depth: ${depth}`);
    const orphaned = this.blocks.splice(this.blocks.length - depth, depth);
    for (const block of orphaned) {
      for (const txid of block.txids) {
        const entry = this.txs.get(txid)!;
        if (options.drop?.includes(txid)) {
          this.txs.delete(txid);
          continue;
        }
        this.txs.set(txid, { tx: entry.tx, height: null });
        this.mempool.set(txid, entry.tx);
      }
    }
    const fresh: Block[] = [];
    // The first new block takes the orphaned transactions back (but `leave`); the others are empty.
    for (let i = 0; i <= depth; i++) fresh.push(this.appendBlock(i === 0 ? options.leave : [...this.mempool.keys()]).block);
    this.emit({ type: 'reorg', blocks: this.blocks.slice(-8) });
    return fresh;
  }

  /** The transactions touching `address`: mempool ones first, each list newest first. */
  history(address: string): { mempool: DevTx[]; confirmed: DevTx[] } {
    const touches = (tx: DevTx): boolean => tx.outputs.some((output) => output.address === address);
    const all = [...this.txs.values()].filter(({ tx }) => touches(tx));
    return {
      mempool: all
        .filter((entry) => entry.height === null)
        .map((entry) => entry.tx)
        .reverse(),
      confirmed: all
        .filter((entry) => entry.height !== null)
        .sort((a, b) => b.height! - a.height!)
        .map((entry) => entry.tx),
    };
  }

  /** A transaction in the Esplora JSON shape, with its current status. */
  esplora(tx: DevTx): Record<string, unknown> {
    const entry = this.txs.get(tx.txid);
    const block = entry?.height != null ? this.blocks[entry.height] : undefined;
    const vout = tx.outputs.map((output) => {
      const script = scriptOf(output.address)!;
      return {
        scriptpubkey: script.hex,
        scriptpubkey_asm: '',
        scriptpubkey_type: script.type,
        scriptpubkey_address: output.address,
        value: output.sats,
      };
    });
    const funding = tx.outputs.reduce((total, output) => total + output.sats, 0) + tx.fee;
    return {
      txid: tx.txid,
      version: 2,
      locktime: 0,
      vin: [
        {
          txid: tx.spends.slice(0, 64),
          vout: 0,
          prevout: {
            scriptpubkey: '0014' + '00'.repeat(20),
            scriptpubkey_asm: '',
            scriptpubkey_type: 'v0_p2wpkh',
            scriptpubkey_address: FAUCET,
            value: funding,
          },
          scriptsig: '',
          scriptsig_asm: '',
          witness: ['30'.repeat(36), '02'.repeat(33)],
          is_coinbase: false,
          sequence: tx.rbf ? 0xfffffffd : 0xffffffff,
        },
      ],
      vout,
      size: 222,
      weight: 561,
      sigops: 1,
      fee: tx.fee,
      status: block
        ? { confirmed: true, block_height: block.height, block_hash: block.hash, block_time: block.time }
        : { confirmed: false },
    };
  }

  /** A block in the shape of mempool's websocket `block` frames. */
  blockSummary(block: Block): Record<string, unknown> {
    return {
      id: block.hash,
      height: block.height,
      version: 0x20000000,
      timestamp: block.time,
      tx_count: block.txids.length + 1,
      size: 300,
      weight: 1200,
      previousblockhash: block.previousHash,
      mediantime: block.time - 3000,
      stale: false,
      extras: { reward: 312_500_000, totalFees: 0, medianFee: 1, pool: { id: 0, name: 'devnet', slug: 'devnet' } },
    };
  }
}
