import { expect } from 'chai';
import { startDevnet, type Devnet, type DevnetChain } from '../../src/devnet/index.js';
import { verifyPayment } from '../../src/core/verify.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { startReceiver } from '../../src/receiver/server.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const account = parseAccount(ZPUB);
const address = (index: number) => deriveAddress(account, index);

let devnet: Devnet;
let chain: DevnetChain;
let api: string;
before(async () => {
  devnet = await startDevnet();
});
after(() => devnet.close());
beforeEach(() => {
  chain = devnet.createChain();
  api = `${devnet.url}/chains/${chain.id}/api`;
});

const payload = (overrides: Record<string, unknown>) => ({ status: 'paid', index: 5, address: address(5), network: 'mainnet', expectedSats: 100_000, receivedSats: 100_000, ...overrides });

describe('verifyPayment', () => {
  it('accepts a real payment with the confirmations asked for', async () => {
    const tx = chain.chain.pay([{ address: address(5), sats: 100_000 }]);
    chain.chain.mine(2);
    const result = await verifyPayment({ xpub: ZPUB, api, confirmations: 2, expectedSats: 100_000, payload: payload({ txids: [tx.txid] }) });
    expect(result).to.deep.include({ ok: true, status: 'paid', receivedSats: 100_000, confirmations: 2, reason: null, address: address(5), contradicted: false });
  });

  it('refuses a forged amount', async () => {
    const tx = chain.chain.pay([{ address: address(5), sats: 1_000 }]);
    chain.chain.mine(1);
    // On an address others may share, a payment of another amount is not this invoice's at all.
    const shared = await verifyPayment({ xpub: ZPUB, api, payload: payload({ txids: [tx.txid] }) });
    expect(shared).to.include({ ok: false, contradicted: true, receivedSats: 0 });
    expect(shared.reason).to.equal(`${tx.txid} pays 1000 sats, not exactly the 100000 this invoice asks: on an address other buyers may share, only the exact amount counts (another buyer's payment, or a wrong amount to settle by hand).`);
    // On the buyer's own address it counts, and the call claims more than it.
    const exclusive = await verifyPayment({ xpub: ZPUB, api, exclusive: true, payload: payload({ txids: [tx.txid] }) });
    expect(exclusive).to.include({ ok: false, contradicted: true, receivedSats: 1_000 });
    expect(exclusive.reason).to.match(/claims 100000 sats; the chain shows 1000/);
  });

  it('refuses an address the key does not derive, and a wrong index', async () => {
    expect((await verifyPayment({ xpub: ZPUB, api, payload: payload({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' }) })).reason).to.match(/does not derive/);
    expect((await verifyPayment({ xpub: ZPUB, api, payload: payload({ index: 6 }) })).reason).to.match(/does not derive/);
    expect((await verifyPayment({ xpub: ZPUB, api, payload: payload({ index: -1 }) })).reason).to.match(/no valid index/);
    expect((await verifyPayment({ xpub: ZPUB, api, payload: payload({ index: '5' }) })).reason).to.match(/no valid index/);
  });

  it('refuses a transaction the chain does not show', async () => {
    const result = await verifyPayment({ xpub: ZPUB, api, payload: payload({ txids: ['ab'.repeat(32)] }) });
    expect(result.reason).to.match(/does not show/);
    expect(result.contradicted).to.equal(true);
  });

  it('refuses too few confirmations and underpayment, saying so', async () => {
    const tx = chain.chain.pay([{ address: address(5), sats: 100_000 }]);
    chain.chain.mine(1);
    const few = await verifyPayment({ xpub: ZPUB, api, confirmations: 3, payload: payload({ txids: [tx.txid] }) });
    // Not there yet is not a forgery.
    expect(few).to.include({ ok: false, status: 'confirming', reason: '1 of 3 confirmations.', contradicted: false });
    const short = await verifyPayment({ xpub: ZPUB, api, exclusive: true, expectedSats: 200_000, payload: payload({ txids: [tx.txid], receivedSats: 100_000 }) });
    expect(short).to.include({ ok: false, status: 'underpaid', contradicted: false });
  });

  it('uses the amount from your records, not the one in the call', async () => {
    const tx = chain.chain.pay([{ address: address(5), sats: 1_000 }]);
    chain.chain.mine(1);
    const forged = payload({ txids: [tx.txid], expectedSats: 1_000, receivedSats: 1_000 });
    expect((await verifyPayment({ xpub: ZPUB, api, payload: forged })).ok).to.equal(true);
    expect((await verifyPayment({ xpub: ZPUB, api, payload: forged, expectedSats: 100_000 })).ok).to.equal(false);
  });

  it("refuses another buyer's payment to a shared address, whatever its amount, and accepts the buyer's own", async () => {
    // Three buyers were shown address 5: at the same price with tags 37 and 52, and at another price.
    const sameprice = chain.chain.pay([{ address: address(5), sats: 100_052 }]);
    const other = chain.chain.pay([{ address: address(5), sats: 250_013 }]);
    chain.chain.mine(1);
    for (const theirs of [sameprice, other]) {
      const value = theirs === other ? 250_013 : 100_052;
      const refused = await verifyPayment({ xpub: ZPUB, api, payload: payload({ txids: [theirs.txid], expectedSats: 100_037, tagSats: 37, receivedSats: value }) });
      expect(refused).to.include({ ok: false, contradicted: true, receivedSats: 0 });
      expect(refused.reason).to.match(new RegExp(`^${theirs.txid} pays ${value} sats, not exactly the 100037`));
    }
    // Without naming transactions, the other buyers' payments simply do not count.
    expect(await verifyPayment({ xpub: ZPUB, api, payload: payload({ expectedSats: 100_037, tagSats: 37, receivedSats: 0 }) })).to.include({ ok: false, receivedSats: 0, status: 'awaiting' });
    const ours = chain.chain.pay([{ address: address(5), sats: 100_037 }]);
    chain.chain.mine(1);
    const result = await verifyPayment({ xpub: ZPUB, api, payload: payload({ txids: [ours.txid], expectedSats: 100_037, tagSats: 37, receivedSats: 100_037 }) });
    expect(result).to.include({ ok: true, receivedSats: 100_037 });
    // An overpayment is not the exact amount: it is settled by hand, never verified.
    const over = chain.chain.pay([{ address: address(5), sats: 100_200 }]);
    chain.chain.mine(1);
    expect(await verifyPayment({ xpub: ZPUB, api, payload: payload({ txids: [over.txid], expectedSats: 100_037, receivedSats: 100_200 }) })).to.include({ ok: false, contradicted: true });
    // The merchant's own word that the address is exclusive (an index its server handed out) counts every payment.
    expect(await verifyPayment({ xpub: ZPUB, api, exclusive: true, payload: payload({ txids: [over.txid], expectedSats: 100_037, receivedSats: 100_200 }) })).to.include({ ok: true });
  });

  it('never trusts the payload to say the address is exclusive', async () => {
    const theirs = chain.chain.pay([{ address: address(5), sats: 250_013 }]);
    chain.chain.mine(1);
    const forged = payload({ txids: [theirs.txid], expectedSats: 100_037, receivedSats: 250_013, shared: false, exclusive: true });
    expect(await verifyPayment({ xpub: ZPUB, api, payload: forged })).to.include({ ok: false, contradicted: true });
  });

  it('an open amount on a shared address cannot be verified as one buyer’s', async () => {
    const tip = chain.chain.pay([{ address: address(5), sats: 5_000 }]);
    chain.chain.mine(1);
    const result = await verifyPayment({ xpub: ZPUB, api, payload: payload({ expectedSats: 0, receivedSats: 0 }) });
    expect(result).to.include({ ok: false, contradicted: false, receivedSats: 0 });
    expect(result.reason).to.match(/open amount/);
    expect(await verifyPayment({ xpub: ZPUB, api, exclusive: true, payload: payload({ txids: [tip.txid], expectedSats: 0, receivedSats: 5_000 }) })).to.include({ ok: true });
  });

  it('the reference receiver lets one transaction pay one invoice only', async () => {
    const receiver = await startReceiver({ xpub: ZPUB, api, recheckMs: 3_600_000, lookahead: 10 });
    try {
      const tx = chain.chain.pay([{ address: address(5), sats: 100_037 }]);
      chain.chain.mine(1);
      const call = (invoiceId: string) =>
        fetch(`${receiver.url}/json`, { method: 'POST', body: JSON.stringify(payload({ invoiceId, txids: [tx.txid], expectedSats: 100_037, tagSats: 37, receivedSats: 100_037 })) });
      await call('honest');
      await call('copycat'); // a forged call for another invoice that names the same payment
      expect(receiver.log.map((entry) => [entry.verified, entry.reason])).to.deep.equal([
        [true, null],
        [false, `${tx.txid} already paid invoice honest.`],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('refuses a private key as the merchant key', async () => {
    const result = await verifyPayment({ xpub: 'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi', api, payload: payload({}) });
    expect(result.reason).to.match(/private key/);
  });

  it('reports an unreachable API instead of throwing', async () => {
    const result = await verifyPayment({ xpub: ZPUB, api: 'http://127.0.0.1:9/api', payload: payload({}) });
    expect(result).to.include({ ok: false, contradicted: false }); // unknown, not forged: try again later
    expect(result.reason).to.match(/could not be read/);
  });
});
