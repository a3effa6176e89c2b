/**
 * The reference receiver against the adversarial review's attacks (R01–R08), its durable
 * records, and the indices it hands out for index-url. Every call goes over real HTTP, every
 * payment onto the devnet's chain.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevnet, type Devnet, type DevnetChain } from '../../tools/devnet/index.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../../tools/receiver/server.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';
import { statusCall } from '../helpers/receiver-calls.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const account = parseAccount(ZPUB);
const address = (index: number): string => deriveAddress(account, index);
const KEY = newPriceKey();
const MUG = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, KEY);

let devnet: Devnet;
let chain: DevnetChain;
let api: string;
let directory: string;
const receivers: Receiver[] = [];
before(async () => {
  devnet = await startDevnet({ profile: 'lenient' });
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

async function start(options: Partial<ReceiverOptions> = {}): Promise<Receiver> {
  const receiver = await startReceiver({
    xpub: ZPUB,
    api,
    recheckMs: 3_600_000,
    recheckAfterMs: 0,
    lookahead: 100,
    priceKey: KEY,
    database: ':memory:',
    ...options,
  });
  receivers.push(receiver);
  return receiver;
}

const post = (receiver: Receiver, path: string, body: string) =>
  fetch(`${receiver.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
const call = async (receiver: Receiver, payload: Record<string, unknown>) =>
  (await post(receiver, '/json', JSON.stringify(payload))).text();
const last = async (receiver: Receiver) => (await receiver.log()).at(-1)!;
/** An honest `json` call, as the widget sends it. */
const webhook = (overrides: Record<string, unknown> = {}) => statusCall({ index: 5, address: address(5), priceToken: MUG }, overrides);
const pay = (index: number, sats: number, mine = true): string => {
  const { txid } = chain.chain.pay([{ address: address(index), sats }]);
  if (mine) chain.chain.mine(1);
  return txid;
};

describe('the reference receiver', () => {
  describe('the price is the merchant’s', () => {
    it('R01, C21: an order whose page asked 1 sat is not paid by 1 sat', async () => {
      const receiver = await start();
      await call(receiver, webhook({ expectedSats: 1, tagSats: 0 }));
      const txid = pay(5, 1);
      await call(receiver, webhook({ status: 'paid', expectedSats: 1, tagSats: 0, receivedSats: 1, txids: [txid] }));
      expect(await last(receiver)).to.include({
        paid: false,
        verified: false,
        reason: 'The call asks 1 sats; your price with its tag is 100000.',
      });
    });

    it('an edited token, a missing one, or an item not in the price list: no price, no sale', async () => {
      const receiver = await start({ priceKey: undefined, prices: { poster: { amount: '0.002', currency: 'BTC' } } });
      const txid = pay(5, 100_037);
      await call(receiver, webhook({ status: 'paid', receivedSats: 100_037, txids: [txid], priceToken: undefined }));
      expect((await last(receiver)).reason).to.match(/^No price for this order/);
      const keyed = await start({ priceKey: KEY });
      const [prefix, , mac] = MUG.split('.');
      const edited = `${prefix}.${Buffer.from(JSON.stringify({ amount: '0.00000037', currency: 'BTC', item: 'mug' })).toString('base64url')}.${mac}`;
      await call(
        keyed,
        webhook({ invoiceId: 'inv-edited', status: 'paid', expectedSats: 74, receivedSats: 74, txids: [pay(5, 74)], priceToken: edited }),
      );
      expect(await last(keyed)).to.include({ paid: false, reason: 'The price token is not signed with your key: the price was changed.' });
      // A price list entry by item pays at its price.
      await call(
        receiver,
        webhook({
          invoiceId: 'inv-poster',
          item: 'poster',
          priceToken: undefined,
          status: 'paid',
          expectedSats: 200_037,
          receivedSats: 200_037,
          txids: [pay(5, 200_037)],
        }),
      );
      expect(await last(receiver)).to.include({ paid: true, verified: true });
    });

    it('the first call fixes the terms: later calls cannot change the price', async () => {
      const receiver = await start();
      await call(receiver, webhook());
      const txid = pay(5, 37);
      await call(
        receiver,
        webhook({
          status: 'paid',
          expectedSats: 37,
          tagSats: 0,
          receivedSats: 37,
          txids: [txid],
          priceToken: signPrice({ amount: '0.00000037', currency: 'BTC' }, newPriceKey()),
        }),
      );
      expect(await last(receiver)).to.include({ paid: false });
    });
  });

  describe('one payment settles one order', () => {
    it('R02: invoices forged ahead for an address cannot take an honest buyer’s payment', async () => {
      const receiver = await start();
      // The forger registers the mug at address 5 with 20 tags (the per-address cap), before anyone pays.
      for (let tag = 1; tag <= 20; tag++)
        await call(receiver, webhook({ invoiceId: `evil-${tag}`, orderId: 'attacker', tagSats: tag, expectedSats: 100_000 + tag }));
      // An honest buyer with tag 37 (not forged) and one with tag 7 (forged ahead) pay.
      await call(receiver, webhook({ invoiceId: 'honest-37' }));
      await call(receiver, webhook({ invoiceId: 'honest-7', tagSats: 7, expectedSats: 100_007 }));
      const t37 = pay(5, 100_037);
      const t7 = pay(5, 100_007);
      // The re-check runs first, then the buyers' own calls arrive.
      await receiver.recheck();
      await call(receiver, webhook({ invoiceId: 'honest-37', status: 'paid', receivedSats: 100_037, txids: [t37] }));
      await call(
        receiver,
        webhook({ invoiceId: 'honest-7', status: 'paid', tagSats: 7, expectedSats: 100_007, receivedSats: 100_007, txids: [t7] }),
      );
      const log = await receiver.log();
      // The untouched tag pays its buyer; the forged one is set aside for the merchant, never the forger's.
      expect(log.filter((entry) => entry.paid).map((entry) => entry.orderId)).to.deep.equal(['order-1']);
      expect(await receiver.store.settledBy(t37)).to.equal('honest-37');
      expect(await receiver.store.settledBy(t7)).to.equal('(disputed)');
      expect((await receiver.store.invoice('evil-7'))!.state).to.equal('review');
      expect((await receiver.store.invoice('honest-7'))!.state).to.equal('review');
    });

    it('a payment settles one invoice: a second invoice naming it is refused', async () => {
      const receiver = await start();
      const txid = pay(5, 100_037);
      await call(receiver, webhook({ status: 'paid', receivedSats: 100_037, txids: [txid] }));
      await call(receiver, webhook({ invoiceId: 'copycat', orderId: 'order-2', status: 'paid', receivedSats: 100_037, txids: [txid] }));
      expect((await receiver.log()).map((entry) => [entry.orderId, entry.paid])).to.deep.equal([
        ['order-1', true],
        ['order-2', false],
      ]);
    });

    it('R08: a restart forgets nothing: a settled payment cannot pay a second order afterwards', async () => {
      const database = join(directory, 'receiver.db');
      const first = await start({ database });
      const txid = pay(5, 100_037);
      await call(first, webhook({ status: 'paid', receivedSats: 100_037, txids: [txid] }));
      await first.close();
      receivers.length = 0;
      const second = await start({ database });
      await call(second, webhook({ invoiceId: 'after-restart', orderId: 'order-2', status: 'paid', receivedSats: 100_037, txids: [txid] }));
      expect(await last(second)).to.include({ paid: false, reason: `${txid} already paid invoice inv-honest.` });
      expect((await second.log()).map((entry) => entry.orderId)).to.deep.equal(['order-1', 'order-2']);
    });

    it('re-checks resume after a restart: a buyer who closed the tab before paying is still paid', async () => {
      const database = join(directory, 'receiver.db');
      const first = await start({ database });
      await call(first, webhook());
      await first.close();
      receivers.length = 0;
      pay(5, 100_037);
      const second = await start({ database });
      await second.recheck();
      expect(await last(second)).to.include({ via: 'recheck', paid: true, orderId: 'order-1' });
    });

    it('C08: a payment from before the invoice is not its payment', async () => {
      const receiver = await start();
      const old = pay(5, 100_037);
      await call(receiver, webhook());
      await call(receiver, webhook({ status: 'paid', receivedSats: 100_037, txids: [old] }));
      expect(await last(receiver)).to.include({
        paid: false,
        reason: `${old} was paid before the invoice was created: it is another order's payment.`,
      });
    });
  });

  describe('the GET formats', () => {
    it('R03: a Blockonomics call on an address this receiver did not hand out is refused, whatever it replays', async () => {
      const receiver = await start();
      const txid = pay(5, 100_037);
      for (const order of ['A', 'B'])
        await fetch(
          `${receiver.url}/blockonomics?status=2&addr=${address(5)}&value=100037&txid=${txid}&order_id=${order}&item=mug&price_token=${MUG}`,
        );
      const log = await receiver.log();
      expect(log.map((entry) => entry.paid)).to.deep.equal([false, false]);
      expect(log[0]!.reason).to.match(/was not handed out by this receiver/);
    });

    it('R04: Blockchain.com’s call for dust gets no *ok*, at the merchant’s price on an address of the order’s own', async () => {
      const receiver = await start();
      const { index } = await (await post(receiver, '/index', JSON.stringify({ orderId: 'expensive-order' }))).json();
      const dust = pay(index, 1);
      const answer = await (
        await fetch(
          `${receiver.url}/blockchain-info?invoice_id=x&secret=s&transaction_hash=${dust}&address=${address(index)}&confirmations=1&value=1&order_id=expensive-order&price_token=${MUG}`,
        )
      ).text();
      expect(answer).to.equal('waiting');
      expect(await last(receiver)).to.include({ paid: false });
      // The real payment, in two parts on the order's own address: *ok*.
      const rest = pay(index, 99_999);
      const ok = await (
        await fetch(
          `${receiver.url}/blockchain-info?invoice_id=x&secret=s&transaction_hash=${rest}&address=${address(index)}&confirmations=1&value=99999&order_id=expensive-order&price_token=${MUG}`,
        )
      ).text();
      expect(ok).to.equal('*ok*');
      // Another order cannot claim that address.
      const other = await (
        await fetch(
          `${receiver.url}/blockchain-info?transaction_hash=${rest}&address=${address(index)}&confirmations=1&value=99999&order_id=cheap-order&price_token=${MUG}`,
        )
      ).text();
      expect(other).to.equal('waiting');
    });
  });

  describe('safe to expose', () => {
    it('R06: bodies that are not a webhook get 400 and no internals', async () => {
      const receiver = await start();
      for (const body of ['null', '[]', 'not json', '{"invoiceId":{}}', `{"invoiceId":"${'x'.repeat(65)}"}`]) {
        const response = await post(receiver, '/json', body);
        expect(response.status, body).to.equal(400);
        expect(await response.text()).to.match(/^bad request: (not JSON|not a btc-checkout webhook)$/);
      }
    });

    it('R07: the log is the merchant’s: a token, or this machine; no CORS', async () => {
      const open = await start();
      const mine = await fetch(`${open.url}/log`);
      expect(mine.status).to.equal(200);
      expect(mine.headers.get('access-control-allow-origin')).to.equal(null);
      const guarded = await start({ logToken: 'hunter2hunter2' });
      expect((await fetch(`${guarded.url}/log`)).status).to.equal(403);
      expect((await fetch(`${guarded.url}/log`, { headers: { authorization: 'Bearer hunter2hunter2' } })).status).to.equal(200);
    });

    it('R05: 5,000 forged calls cost a bounded number of API requests and leave a bounded database', async function () {
      this.timeout(60_000);
      const receiver = await start({ limits: { apiPerMinute: 120, openPerAddress: 20, open: 500 } });
      chain.stats = { rest: { total: 0, byRoute: {} }, ws: { connections: 0, open: 0, framesIn: 0, framesOut: 0 } };
      const started = Date.now();
      const statuses: Record<number, number> = {};
      for (let batch = 0; batch < 50; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, n) => {
            const index = (batch * 100 + n) % 100;
            return post(
              receiver,
              '/json',
              JSON.stringify(
                webhook({
                  invoiceId: `forged-${batch}-${n}`,
                  orderId: 'attacker',
                  index,
                  address: address(index),
                  tagSats: (n % 99) + 1,
                  expectedSats: 100_000 + (n % 99) + 1,
                }),
              ),
            );
          }),
        );
        for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
      for (let pass = 0; pass < 5; pass++) await receiver.recheck();
      const seconds = (Date.now() - started) / 1000;
      const requests = chain.stats.rest.total;
      // At most the bucket (120) plus its refill while the flood lasted.
      expect(requests).to.be.at.most(120 + Math.ceil((seconds * 120) / 60) + 4);
      expect(receiver.apiRequests).to.equal(requests);
      expect(statuses[503]).to.be.greaterThan(4_000);
      expect(await receiver.store.countOpen(Date.now())).to.be.at.most(500);
    });
  });

  describe('index-url: indices handed out once, never again', () => {
    it('starts after the last used address, gives each call its own index and the address it derives', async () => {
      chain.chain.pay([0, 1, 4].map((index) => ({ address: address(index), sats: 1_000 })));
      chain.chain.mine(1);
      const receiver = await start();
      const answers = await Promise.all(
        Array.from({ length: 10 }, async (_, n) => (await post(receiver, '/index', JSON.stringify({ orderId: `order-${n}` }))).json()),
      );
      expect(answers.map((answer) => answer.index).sort((a, b) => a - b)).to.deep.equal([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      for (const answer of answers) expect(answer.address).to.equal(address(answer.index));
    });

    it('never hands out an index twice, even after a restart', async () => {
      const database = join(directory, 'receiver.db');
      const first = await start({ database });
      const before = [];
      for (let n = 0; n < 2; n++) before.push((await (await post(first, '/index', '{}')).json()).index);
      await first.close();
      receivers.length = 0;
      const second = await start({ database });
      expect([...before, (await (await post(second, '/index', '{}')).json()).index]).to.deep.equal([0, 1, 2]);
    });

    it('verifies its addresses as exclusive (payments add up), binds each to its first invoice, and any other as shared', async () => {
      const receiver = await start();
      const { index } = await (await post(receiver, '/index', JSON.stringify({ orderId: 'order-1' }))).json();
      const honest = webhook({ index, address: address(index), tagSats: 0, expectedSats: 100_000 });
      await call(receiver, honest);
      const parts = [60_000, 40_000].map((sats) => pay(index, sats));
      await call(receiver, { ...honest, status: 'paid', receivedSats: 100_000, txids: parts });
      expect(await last(receiver)).to.include({ verified: true, paid: true });
      // Another invoice cannot take that index.
      await call(receiver, { ...honest, invoiceId: 'inv-thief', orderId: 'thief', status: 'paid', receivedSats: 100_000, txids: parts });
      expect(await last(receiver)).to.include({ paid: false });
      // The same parts at an address it did not hand out do not add up.
      const elsewhere = [60_000, 40_000].map((sats) => pay(index + 5, sats));
      await call(
        receiver,
        webhook({
          invoiceId: 'inv-2',
          index: index + 5,
          address: address(index + 5),
          tagSats: 0,
          expectedSats: 100_000,
          status: 'paid',
          receivedSats: 100_000,
          txids: elsewhere,
        }),
      );
      expect(await last(receiver)).to.include({ verified: false, paid: false });
    });
  });
});
