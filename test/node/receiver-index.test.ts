/**
 * The reference receiver as the server behind `index-url`: one index per buyer, never twice (not
 * even after a restart), and the addresses it handed out verified as exclusive.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevnet, type Devnet, type DevnetChain } from '../../src/devnet/index.js';
import { startReceiver, type Receiver } from '../../src/receiver/server.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const account = parseAccount(ZPUB);
const address = (index: number): string => deriveAddress(account, index);

let devnet: Devnet;
let chain: DevnetChain;
let api: string;
let directory: string;
const receivers: Receiver[] = [];
before(async () => {
  devnet = await startDevnet();
});
after(() => devnet.close());
beforeEach(() => {
  chain = devnet.createChain();
  api = `${devnet.url}/chains/${chain.id}/api`;
  directory = mkdtempSync(join(tmpdir(), 'receiver-'));
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  rmSync(directory, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof startReceiver>[0]> = {}): Promise<Receiver> {
  const receiver = await startReceiver({ xpub: ZPUB, api, recheckMs: 3_600_000, lookahead: 100, ...options });
  receivers.push(receiver);
  return receiver;
}

const ask = async (receiver: Receiver, orderId = 'o'): Promise<{ index: number; address: string }> =>
  (await fetch(`${receiver.url}/index`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ orderId, network: 'mainnet' }) })).json();

describe('the reference receiver hands out indices (index-url)', () => {
  it('starts after the last used address, gives each call its own index and the address it derives', async () => {
    chain.chain.pay([0, 1, 4].map((index) => ({ address: address(index), sats: 1_000 })));
    chain.chain.mine(1);
    const receiver = await start();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, n) => ask(receiver, `order-${n}`)));
    expect(answers.map((answer) => answer.index).sort((a, b) => a - b)).to.deep.equal([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    for (const answer of answers) expect(answer.address).to.equal(address(answer.index));
  });

  it('never hands out an index twice, even after a restart, with its state file', async () => {
    const stateFile = join(directory, 'receiver.json');
    const first = await start({ stateFile });
    const before = [await ask(first), await ask(first)].map((answer) => answer.index);
    await first.close();
    receivers.length = 0;
    const second = await start({ stateFile });
    const after = (await ask(second)).index;
    expect(before).to.deep.equal([0, 1]);
    expect(after).to.equal(2);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).to.deep.equal({ nextIndex: 3, issued: [[0, 3]] });
  });

  it('refuses to start on a state file it cannot read, rather than risk giving an index twice', async () => {
    const stateFile = join(directory, 'receiver.json');
    writeFileSync(stateFile, '{"nextIndex": "seven"}');
    let error: unknown;
    try {
      await start({ stateFile });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.match(/is not a btc-checkout receiver state file/);
  });

  it('verifies the addresses it handed out as exclusive (payments add up), and any other as shared', async () => {
    const receiver = await start({ confirmations: 1 });
    const { index } = await ask(receiver);
    // Paid in two parts: on an exclusive address they add up.
    const parts = [60_000, 40_000].map((sats) => chain.chain.pay([{ address: address(index), sats }]).txid);
    chain.chain.mine(1);
    const body = { invoiceId: 'inv-1', status: 'paid', index, address: address(index), network: 'mainnet', expectedSats: 100_000, receivedSats: 100_000, txids: parts };
    await fetch(`${receiver.url}/json`, { method: 'POST', body: JSON.stringify(body) });
    expect(receiver.log.at(-1)).to.include({ verified: true, paid: true });
    // The same two payments claimed for an address it did not hand out: shared rules, not paid.
    const elsewhere = [60_000, 40_000].map((sats) => chain.chain.pay([{ address: address(index + 5), sats }]).txid);
    chain.chain.mine(1);
    await fetch(`${receiver.url}/json`, { method: 'POST', body: JSON.stringify({ ...body, invoiceId: 'inv-2', index: index + 5, address: address(index + 5), txids: elsewhere }) });
    expect(receiver.log.at(-1)).to.include({ verified: false, paid: false });
  });
});
