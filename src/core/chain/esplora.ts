/**
 * The Esplora REST API (Blockstream, mempool.space and its electrs fork), as the checkout uses it.
 * @module
 */
import type { ChainTx } from '../invoice.js';
import { MAX_SATS } from '../amount.js';
import { HttpError, notEsploraData, parseApiJson, type RestClient } from '../http.js';

/** The fields of an Esplora transaction the checkout reads; everything else is ignored. */
export interface EsploraTx {
  readonly txid: string;
  readonly vin?: readonly { readonly txid?: string; readonly vout?: number; readonly sequence?: number; readonly is_coinbase?: boolean }[];
  readonly vout?: readonly { readonly scriptpubkey_address?: string; readonly value?: number }[];
  readonly status?: { readonly confirmed?: boolean; readonly block_height?: number; readonly block_time?: number };
}

const isTxid = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * What `tx` means for `address`: the sats its outputs pay there, its block height, whether it
 * signals replaceability (BIP 125) and the outpoints it spends. Returns null for anything that is
 * not a transaction.
 */
export function toChainTx(tx: unknown, address: string): ChainTx | null {
  const candidate = tx as EsploraTx | null;
  if (!candidate || !isTxid(candidate.txid) || !Array.isArray(candidate.vout)) return null;
  let valueSats = 0;
  for (const output of candidate.vout) {
    // No output can hold more than all the bitcoin there will ever be (B06).
    if (output?.scriptpubkey_address === address && Number.isSafeInteger(output.value) && output.value! > 0 && output.value! <= MAX_SATS)
      valueSats += output.value!;
  }
  if (valueSats > MAX_SATS) return null;
  // Confirmed at no readable height is ill-typed, not a mempool transaction to count.
  if (candidate.status?.confirmed && !(Number.isSafeInteger(candidate.status.block_height) && candidate.status.block_height! >= 0))
    return null;
  const height = candidate.status?.confirmed ? candidate.status.block_height! : null;
  const inputs = Array.isArray(candidate.vin) ? candidate.vin : [];
  const rbf = inputs.some((input) => typeof input?.sequence === 'number' && input.sequence < 0xfffffffe);
  const spends = inputs
    .filter((input) => input && !input.is_coinbase && isTxid(input.txid) && Number.isSafeInteger(input.vout))
    .map((input) => `${input.txid}:${input.vout}`);
  return { txid: candidate.txid, valueSats, height, rbf, spends };
}

/** Parses a list of Esplora transactions, keeping only well-formed ones. */
export function toChainTxs(list: unknown, address: string): ChainTx[] {
  return Array.isArray(list) ? list.map((tx) => toChainTx(tx, address)).filter((tx): tx is ChainTx => tx !== null) : [];
}

/** `GET /blocks/tip/height`: a plain-text integer. */
export async function fetchTipHeight(rest: RestClient): Promise<number> {
  const text = (await rest.get('/blocks/tip/height')).trim();
  // Digits only: "", "1e3" and "0x64" are numbers to Number(), not heights (B22).
  if (!/^\d{1,9}$/.test(text)) throw notEsploraData();
  return Number(text);
}

/** A transaction and, once in a block, the block's time (Unix seconds, as the miner wrote it). */
export interface DatedTx extends ChainTx {
  readonly blockTime: number | null;
}

const dated = (tx: unknown, address: string): DatedTx | null => {
  const parsed = toChainTx(tx, address);
  if (!parsed) return null;
  const time = (tx as EsploraTx).status?.block_time;
  return { ...parsed, blockTime: parsed.height !== null && Number.isSafeInteger(time) ? time! : null };
};

/** `GET /tx/:txid`, read for what it pays `address`; null when the API does not know it (404). */
export async function fetchTx(rest: RestClient, txid: string, address: string): Promise<DatedTx | null> {
  let text: string;
  try {
    text = await rest.get(`/tx/${txid}`);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
  const tx = dated(parseApiJson(text), address);
  if (!tx || tx.txid !== txid) throw notEsploraData();
  return tx;
}

/**
 * A listing shorter than this was not cut off, on every backend known: Blockstream lists 50
 * mempool + 25 confirmed transactions, mempool/electrs 50 in all, mempool's electrum backend 10.
 */
export const SHORTEST_PAGE = 10;

/**
 * `GET /address/:a/txs`, newest first, paging back through older transactions for as long as
 * needed: until a page is short or brings nothing new, a transaction `stopAt` calls old enough
 * is reached (everything newer is then listed), or `maxPages`. Pages go on through
 * `/address/:a/txs/chain/:last_seen_txid` (Esplora, mempool/electrs), or where that route is
 * missing (mempool's electrum backend) `?after_txid=`. `complete` says nothing newer than the
 * stop was left out.
 */
export async function fetchAddressTxs(
  rest: RestClient,
  address: string,
  options: { stopAt?: (tx: ChainTx) => boolean; maxPages?: number } = {},
): Promise<{ txs: DatedTx[]; complete: boolean }> {
  const list = (answer: unknown): DatedTx[] => {
    if (!Array.isArray(answer)) throw notEsploraData();
    return answer.map((tx) => dated(tx, address)).filter((tx): tx is DatedTx => tx !== null);
  };
  const first = parseApiJson(await rest.get(`/address/${address}/txs`));
  const txs = list(first);
  const reached = (): boolean => !!options.stopAt && txs.some(options.stopAt);
  if ((first as unknown[]).length < SHORTEST_PAGE || reached()) return { txs, complete: true };
  let byChain = true;
  for (let page = 1; page < (options.maxPages ?? 20); page++) {
    let answer: unknown;
    if (byChain) {
      const cursor = [...txs].reverse().find((tx) => tx.height !== null);
      try {
        answer = parseApiJson(await rest.get(`/address/${address}/txs/chain${cursor ? `/${cursor.txid}` : ''}`));
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 404) throw error;
        byChain = false;
        page--;
        continue;
      }
    } else {
      answer = parseApiJson(await rest.get(`/address/${address}/txs?after_txid=${txs[txs.length - 1]!.txid}`));
    }
    const fresh = list(answer).filter((tx) => !txs.some((known) => known.txid === tx.txid));
    if (!fresh.length) return { txs, complete: true };
    txs.push(...fresh);
    if (reached() || (answer as unknown[]).length < SHORTEST_PAGE) return { txs, complete: true };
  }
  return { txs, complete: false };
}
