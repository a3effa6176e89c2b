/**
 * The README's "receiver to copy", run exactly as printed: extracted from README.md, written
 * inside the package (so that `btc-checkout/verify` resolves to the built package), and started
 * with Node. It must not ship a forged or copied order, and must ship an honest one once.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startDevnet, type Devnet, type DevnetChain } from '../../tools/devnet/index.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';

const root = resolve(import.meta.dirname, '../..');
const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const address = (index: number): string => deriveAddress(parseAccount(ZPUB), index);

/** The code block under "### A receiver to copy". */
function readmeReceiver(): string {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A receiver to copy'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no receiver to copy');
  return match[1]!;
}

describe("the README's receiver to copy, run verbatim", function () {
  this.timeout(30_000);
  let devnet: Devnet;
  let chain: DevnetChain;
  let child: ChildProcess;
  let url: string;
  const shipped: string[] = [];
  const file = resolve(root, 'test/.readme-receiver.mjs');
  const key = newPriceKey();
  const mug = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, key);

  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
    chain = devnet.createChain();
    writeFileSync(file, readmeReceiver());
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [file], {
      cwd: root,
      env: { ...process.env, SHOP_XPUB: ZPUB, PRICE_KEY: key, API: `${devnet.url}/chains/${chain.id}/api`, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (data: Buffer) => shipped.push(...String(data).trim().split('\n')));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        await fetch(url, { method: 'POST', body: '{}' }).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error('the README receiver did not start');
  });
  after(async () => {
    child?.kill();
    rmSync(file, { force: true });
    await devnet?.close();
  });

  const call = (payload: Record<string, unknown>) =>
    fetch(url, { method: 'POST', body: JSON.stringify(payload) }).then((response) => response.text());
  const webhook = (overrides: Record<string, unknown>) => ({
    status: 'awaiting',
    network: 'mainnet',
    item: 'mug',
    priceToken: mug,
    tagSats: 37,
    expectedSats: 100_037,
    receivedSats: 0,
    createdAt: Date.now(),
    ...overrides,
  });

  it('ships nothing for a 1-sat order (C21), a copied transaction, a twin, or a bad body; ships an honest order once', async () => {
    // C21: the page was edited to ask 1 sat, and 1 sat was paid.
    await call(webhook({ invoiceId: 'cheap', orderId: 'cheap', index: 1, address: address(1), expectedSats: 1, tagSats: 0 }));
    const dust = chain.chain.pay([{ address: address(1), sats: 1 }]).txid;
    chain.chain.mine(1);
    await call(
      webhook({
        invoiceId: 'cheap',
        orderId: 'cheap',
        index: 1,
        address: address(1),
        status: 'paid',
        expectedSats: 1,
        tagSats: 0,
        receivedSats: 1,
        txids: [dust],
      }),
    );
    // An honest order, paid exactly; its paid call twice.
    await call(webhook({ invoiceId: 'honest', orderId: 'honest', index: 2, address: address(2) }));
    const paid = chain.chain.pay([{ address: address(2), sats: 100_037 }]).txid;
    chain.chain.mine(1);
    for (let n = 0; n < 2; n++)
      await call(
        webhook({
          invoiceId: 'honest',
          orderId: 'honest',
          index: 2,
          address: address(2),
          status: 'paid',
          receivedSats: 100_037,
          txids: [paid],
        }),
      );
    // Another invoice naming the same payment.
    await call(
      webhook({
        invoiceId: 'copycat',
        orderId: 'copycat',
        index: 2,
        address: address(2),
        status: 'paid',
        receivedSats: 100_037,
        txids: [paid],
      }),
    );
    // Two invoices of the same amount at the same address: the payment is settled by hand.
    for (const id of ['twin-a', 'twin-b']) await call(webhook({ invoiceId: id, orderId: id, index: 3, address: address(3) }));
    const twin = chain.chain.pay([{ address: address(3), sats: 100_037 }]).txid;
    chain.chain.mine(1);
    await call(
      webhook({
        invoiceId: 'twin-a',
        orderId: 'twin-a',
        index: 3,
        address: address(3),
        status: 'paid',
        receivedSats: 100_037,
        txids: [twin],
      }),
    );
    expect(await fetch(url, { method: 'POST', body: 'null{' }).then((response) => response.status)).to.equal(400);
    await new Promise((done) => setTimeout(done, 200));
    expect(shipped).to.deep.equal(['SHIP honest']);
  });
});
