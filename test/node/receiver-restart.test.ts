/**
 * The reference receiver killed (SIGKILL) in the middle of payments, then started again on the
 * same SQLite file: every order settles exactly once, and the re-checks pick up the orders whose
 * buyers never called back.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { startDevnet, type Devnet, type DevnetChain } from '../../tools/devnet/index.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';

const root = resolve(import.meta.dirname, '../..');
const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const address = (index: number): string => deriveAddress(parseAccount(ZPUB), index);
const ORDERS = 24;

describe('the reference receiver killed mid-payment', function () {
  this.timeout(90_000);
  let devnet: Devnet;
  let chain: DevnetChain;
  let directory: string;
  let child: ChildProcess | null = null;
  const key = newPriceKey();
  const token = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, key);

  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
    chain = devnet.createChain();
    directory = mkdtempSync(join(tmpdir(), 'receiver-restart-'));
    writeFileSync(join(directory, 'price.key'), key);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await devnet.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Starts the CLI on the same database; resolves once it answers. */
  async function start(port: number): Promise<string> {
    const args = [
      '--import',
      'tsx',
      'tools/receiver/cli.ts',
      '--xpub',
      ZPUB,
      '--api',
      `${devnet.url}/chains/${chain.id}/api`,
      '--database',
      join(directory, 'receiver.db'),
      '--price-key-file',
      join(directory, 'price.key'),
      '--port',
      String(port),
      '--recheck-ms',
      '300',
      '--recheck-after-ms',
      '500',
      '--api-per-minute',
      '600',
    ];
    child = spawn(process.execPath, args, { cwd: root, stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (
        await fetch(`${url}/log`).then(
          (response) => response.ok,
          () => false,
        )
      )
        return url;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error('the receiver did not start');
  }

  const webhook = (n: number, overrides: Record<string, unknown> = {}) => ({
    invoiceId: `inv-${n}`,
    orderId: `order-${n}`,
    status: 'awaiting',
    index: n,
    address: address(n),
    network: 'mainnet',
    item: 'mug',
    priceToken: token,
    tagSats: 0,
    expectedSats: 100_000,
    receivedSats: 0,
    createdAt: Date.now(),
    expiresAt: Date.now() + 900_000,
    ...overrides,
  });
  const post = (url: string, payload: object) =>
    fetch(`${url}/json`, { method: 'POST', body: JSON.stringify(payload) }).then(
      (response) => response.status,
      () => 0,
    );
  /** As the widget's outbox does: again, until the receiver takes it. */
  const deliver = async (url: string, payload: object): Promise<void> => {
    for (let attempt = 0; attempt < 20 && (await post(url, payload)) !== 200; attempt++) await new Promise((done) => setTimeout(done, 200));
  };

  it('settles every order exactly once, across a SIGKILL and a restart', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    let url = await start(port);
    for (let n = 0; n < ORDERS; n++) await deliver(url, webhook(n));
    const txids = Array.from({ length: ORDERS }, (_, n) => chain.chain.pay([{ address: address(n), sats: 100_000 }]).txid);
    chain.chain.mine(1);
    // The buyers' pages call back at once; the receiver is killed while the calls are in flight.
    const paid = (n: number) => webhook(n, { status: 'paid', receivedSats: 100_000, txids: [txids[n]] });
    const inFlight = Array.from({ length: ORDERS / 2 }, (_, n) => post(url, paid(n)));
    await new Promise((done) => setTimeout(done, 40));
    child!.kill('SIGKILL');
    const answered = await Promise.all(inFlight);
    // Started again: the pages whose calls failed retry, some twice; the last quarter never calls (the re-check finds them).
    url = await start(port);
    for (let n = 0; n < ORDERS * 0.75; n++) if (n >= ORDERS / 2 || answered[n] !== 200) await deliver(url, paid(n));
    for (let n = 0; n < ORDERS / 2; n++) await deliver(url, paid(n));
    // A copycat names a payment for another invoice after the restart.
    await deliver(url, webhook(999, { index: 0, address: address(0), status: 'paid', receivedSats: 100_000, txids: [txids[0]] }));
    await new Promise((done) => setTimeout(done, 3_000));
    child!.kill('SIGTERM');
    await new Promise((done) => child!.once('exit', done));
    child = null;

    const db = new Database(join(directory, 'receiver.db'), { readonly: true });
    const settlements = db.prepare('SELECT txid, invoice_id FROM settlements').all() as { txid: string; invoice_id: string }[];
    const states = db.prepare('SELECT id, state FROM invoices ORDER BY id').all() as { id: string; state: string }[];
    db.close();
    expect(
      answered.some((status) => status !== 200),
      'the kill interrupted some calls',
    ).to.equal(true);
    // Every order paid, by its own payment, once; the copycat by none.
    expect(settlements).to.have.length(ORDERS);
    expect(new Map(settlements.map((row) => [row.invoice_id, row.txid]))).to.deep.equal(
      new Map(txids.map((txid, n) => [`inv-${n}`, txid])),
    );
    expect(states.filter((row) => row.state === 'paid')).to.have.length(ORDERS);
    expect(states.some((row) => row.id === 'inv-999' && row.state === 'paid')).to.equal(false);
  });
});
