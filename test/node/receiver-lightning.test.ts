/**
 * The reference receiver settling an order paid by Lightning: checked with verifyPayment against
 * the shop's own Lightning Address service, and one payment hash pays one order, as one
 * transaction does.
 */
import { expect } from 'chai';
import { startDevnet, type Devnet } from '../../tools/devnet/index.js';
import { startReceiver, type Receiver } from '../../tools/receiver/server.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';
import type { LightningOffer } from '../../src/core/lightning-session.js';
import { offerFrom, settleOnDevnet } from '../helpers/lightning.js';
import { statusCall } from '../helpers/receiver-calls.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const address = (index: number): string => deriveAddress(parseAccount(ZPUB), index);
const KEY = newPriceKey();
const MUG = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, KEY);

describe('the reference receiver: an order paid by Lightning', () => {
  let devnet: Devnet;
  let receiver: Receiver;
  let shop: string;
  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
    const chain = devnet.createChain();
    ({ address: shop } = await (await fetch(`${devnet.url}/lightning/services`, { method: 'POST', body: '{"network":"mainnet"}' })).json());
    receiver = await startReceiver({
      xpub: ZPUB,
      api: `${devnet.url}/chains/${chain.id}/api`,
      recheckMs: 3_600_000,
      lookahead: 100,
      priceKey: KEY,
      database: ':memory:',
      lightning: shop,
    });
  });
  after(async () => {
    await receiver.close();
    await devnet.close();
  });

  const call = async (payload: Record<string, unknown>) =>
    (await fetch(`${receiver.url}/json`, { method: 'POST', body: JSON.stringify(payload) })).text();
  const last = async () => (await receiver.log()).at(-1)!;
  const webhook = (invoiceId: string, index: number, overrides: Record<string, unknown> = {}) =>
    statusCall({ index, address: address(index), priceToken: MUG }, { invoiceId, orderId: invoiceId, ...overrides });
  const paidByLightning = (offer: LightningOffer, preimage: string) => ({
    status: 'paid',
    method: 'lightning',
    receivedSats: 100_037,
    lightning: { bolt11: offer.pr, paymentHash: offer.paymentHash, verify: offer.verify, preimage },
  });

  it('settles the order once the shop’s own service says settled, and the same payment hash pays no other order', async () => {
    await call(webhook('ln-a', 7));
    const offer = await offerFrom(shop, 100_037, 'mainnet');
    const preimage = await settleOnDevnet(devnet.url, offer.pr);
    await call(webhook('ln-a', 7, paidByLightning(offer, preimage)));
    expect(await last()).to.include({ paid: true, verified: true });

    await call(webhook('ln-b', 8));
    await call(webhook('ln-b', 8, paidByLightning(offer, preimage)));
    const second = await last();
    expect(second).to.include({ paid: false });
    expect(second.reason).to.match(/^lightning:[0-9a-f]{64} already paid invoice ln-a\.$/);
  });

  it('does not settle an order whose Lightning invoice is unpaid, or for another amount', async () => {
    await call(webhook('ln-c', 9));
    const unpaid = await offerFrom(shop, 100_037, 'mainnet');
    await call(webhook('ln-c', 9, paidByLightning(unpaid, '00'.repeat(32))));
    expect(await last()).to.include({ paid: false, verified: false });
    const cheap = await offerFrom(shop, 1_000, 'mainnet');
    const preimage = await settleOnDevnet(devnet.url, cheap.pr);
    await call(webhook('ln-c', 9, paidByLightning(cheap, preimage)));
    const refused = await last();
    expect(refused).to.include({ paid: false, verified: false });
    expect(refused.reason).to.match(/asks 1000000 msat; your price is 100037 sats/);
  });
});
