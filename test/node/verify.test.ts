/**
 * verifyPayment against the devnet: what it accepts, and every forgery of the adversarial review
 * (C01–C23) it must refuse.
 */
import { expect } from 'chai';
import { startDevnet, type Devnet, type DevnetChain } from '../../tools/devnet/index.js';
import { verifyPayment, type VerifyOptions } from '../../src/core/verify.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const account = parseAccount(ZPUB);
const address = (index: number) => deriveAddress(account, index);

let devnet: Devnet;
let chain: DevnetChain;
let api: string;
before(async () => {
  devnet = await startDevnet({ profile: 'lenient' });
});
after(() => devnet.close());
beforeEach(() => {
  chain = devnet.createChain();
  api = `${devnet.url}/chains/${chain.id}/api`;
});

const payload = (overrides: Record<string, unknown>) => ({
  status: 'paid',
  index: 5,
  address: address(5),
  network: 'mainnet',
  expectedSats: 100_000,
  receivedSats: 100_000,
  ...overrides,
});
const verify = (options: Partial<VerifyOptions>) =>
  verifyPayment({ xpub: ZPUB, api, payload: payload({}), expectedSats: 100_000, ...options });
const paid = (index: number, sats: number, blocks = 1): string => {
  const { txid } = chain.chain.pay([{ address: address(index), sats }]);
  if (blocks) chain.chain.mine(blocks);
  return txid;
};

describe('verifyPayment', () => {
  it('accepts a real payment with the confirmations asked for', async () => {
    const txid = paid(5, 100_000, 2);
    const result = await verify({ confirmations: 2, payload: payload({ txids: [txid] }) });
    expect(result).to.deep.include({
      ok: true,
      status: 'paid',
      receivedSats: 100_000,
      expectedSats: 100_000,
      confirmations: 2,
      reason: null,
      address: address(5),
      contradicted: false,
    });
  });

  it('refuses a forged amount', async () => {
    const txid = paid(5, 1_000);
    // On an address others may share, a payment of another amount is not this invoice's at all.
    const shared = await verify({ payload: payload({ txids: [txid] }) });
    expect(shared).to.include({ ok: false, contradicted: true, receivedSats: 0 });
    expect(shared.reason).to.equal(
      `${txid} pays 1000 sats, not exactly the 100000 this invoice asks: on an address other buyers may share, only the exact amount counts (another buyer's payment, or a wrong amount to settle by hand).`,
    );
    // On the buyer's own address it counts, and the call claims more than it.
    const exclusive = await verify({ exclusive: true, payload: payload({ txids: [txid] }) });
    expect(exclusive).to.include({ ok: false, contradicted: true, receivedSats: 1_000 });
    expect(exclusive.reason).to.match(/claims 100000 sats; the chain shows 1000/);
  });

  it('C02–C04, C06: refuses an address the key does not derive, a wrong index, and indices that are no index', async () => {
    expect((await verify({ payload: payload({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' }) })).reason).to.match(
      /does not derive/,
    );
    expect((await verify({ payload: payload({ index: 6 }) })).reason).to.match(/does not derive/);
    for (const index of [-1, '5', 5.5, 2 ** 31, 1e300, null])
      expect((await verify({ payload: payload({ index }) })).reason).to.match(/no valid index/);
  });

  it('C05: refuses an index beyond the wallet’s lookahead, where the wallet would never see the money', async () => {
    const at = (index: number) => payload({ index, address: address(index) });
    const far = await verify({ payload: at(1_000_000) });
    expect(far).to.include({ ok: false, contradicted: true });
    expect(far.reason).to.equal("Index 1000000 is beyond your wallet's lookahead (1000): your wallet would never see a payment there.");
    expect((await verify({ payload: at(150), maxIndex: 100 })).reason).to.match(/beyond your wallet's lookahead \(100\)/);
    const txid = paid(150, 100_000);
    expect(await verify({ payload: { ...at(150), txids: [txid] }, maxIndex: 200 })).to.include({ ok: true });
  });

  it('C01, C07, C17: refuses a transaction the chain does not show, one paying elsewhere, and one replaced away', async () => {
    expect(await verify({ payload: payload({ txids: ['ab'.repeat(32)] }) })).to.include({
      ok: false,
      contradicted: true,
      reason: `The chain does not show ${'ab'.repeat(32)} paying ${address(5)}.`,
    });
    const elsewhere = paid(6, 100_000);
    expect((await verify({ payload: payload({ txids: [elsewhere] }) })).reason).to.match(/does not show/);
    const { txid } = chain.chain.pay([{ address: address(5), sats: 100_000 }], { rbf: true });
    chain.chain.replace(txid, [{ address: address(9), sats: 99_000 }]);
    expect((await verify({ payload: payload({ txids: [txid] }) })).reason).to.match(/does not show/);
  });

  it('refuses too few confirmations and underpayment, saying so (not a forgery)', async () => {
    const txid = paid(5, 100_000);
    expect(await verify({ confirmations: 3, payload: payload({ txids: [txid] }) })).to.include({
      ok: false,
      status: 'confirming',
      reason: '1 of 3 confirmations.',
      contradicted: false,
    });
    const short = await verify({ exclusive: true, expectedSats: 200_000, payload: payload({ txids: [txid], expectedSats: 200_000 }) });
    expect(short).to.include({ ok: false, status: 'underpaid', contradicted: false });
  });

  it('C15, C18: counts a transaction named twice once, and refuses a call naming more than a checkout ever pays with', async () => {
    const half = paid(5, 50_000);
    expect(await verify({ exclusive: true, payload: payload({ txids: [half, half, half], receivedSats: 50_000 }) })).to.include({
      ok: false,
      status: 'underpaid',
      receivedSats: 50_000,
    });
    const many = Array.from({ length: 100_000 }, (_, i) => i.toString(16).padStart(64, '0'));
    const started = Date.now();
    const result = await verify({ payload: payload({ txids: many }) });
    expect(result.reason).to.equal("The call names 100000 transactions; a checkout's payment is at most 20.");
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('C14: a forged network is a forgery, not "your key cannot be used"', async () => {
    const result = await verify({ payload: payload({ network: 'signet' }) });
    expect(result).to.include({ ok: false, contradicted: true, reason: 'The call names network signet; your key is for mainnet.' });
  });

  it('C16: refuses bodies that are not an invoice, without throwing', async () => {
    for (const body of [null, 'paid', [], 7]) expect(await verify({ payload: body })).to.include({ ok: false, contradicted: true });
    expect(await verify({ payload: payload({ index: {} }) })).to.include({ ok: false });
  });

  it('C22: a checkout with a fixed address verifies against that address', async () => {
    const fixed = address(12);
    const txid = paid(12, 100_037);
    const call = {
      status: 'paid',
      index: null,
      address: fixed,
      network: 'mainnet',
      expectedSats: 100_037,
      tagSats: 37,
      receivedSats: 100_037,
      txids: [txid],
    };
    expect(await verifyPayment({ address: fixed, api, payload: call, price: { amount: '0.001', currency: 'BTC' } })).to.include({
      ok: true,
      receivedSats: 100_037,
    });
    expect(
      await verifyPayment({ address: fixed, api, payload: { ...call, address: address(13) }, price: { amount: '0.001', currency: 'BTC' } }),
    ).to.include({ ok: false, contradicted: true });
  });

  it('C23: finds a payment behind more than 25 newer ones, named or not', async () => {
    const oldest = paid(5, 100_000);
    for (let n = 0; n < 30; n++) paid(5, 1_000 + n);
    const named = await verify({ payload: payload({ txids: [oldest] }) });
    expect(named).to.include({ ok: true, receivedSats: 100_000 });
    const unnamed = await verify({ payload: payload({ txids: undefined }) });
    expect(unnamed).to.include({ ok: true, receivedSats: 100_000 });
  });

  it('C08: refuses a payment made before the invoice was created, by height or by block time', async () => {
    const old = paid(5, 100_000);
    const createdAtHeight = chain.chain.tip.height;
    expect(await verify({ payload: payload({ txids: [old] }), createdAtHeight })).to.include({
      ok: false,
      contradicted: true,
      reason: `${old} was paid before the invoice was created: it is another order's payment.`,
    });
    expect(await verify({ payload: payload({ txids: undefined, receivedSats: 0 }), createdAtHeight })).to.include({
      ok: false,
      contradicted: false,
      receivedSats: 0,
    });
    const blockTime = (chain.chain.tip.time + 3 * 3600) * 1000;
    expect(await verify({ payload: payload({ txids: [old] }), createdAt: blockTime })).to.include({ ok: false, contradicted: true });
    // A payment after it counts.
    const fresh = paid(5, 100_000);
    expect(await verify({ payload: payload({ txids: [fresh] }), createdAtHeight })).to.include({ ok: true });
  });

  describe('the price comes from the merchant, never from the call', () => {
    it('C10, C21, R01: with no price from your records, nothing is verified', async () => {
      const txid = paid(5, 1);
      const forged = payload({ txids: [txid], expectedSats: 1, receivedSats: 1 });
      const result = await verifyPayment({ xpub: ZPUB, api, payload: forged });
      expect(result).to.include({ ok: false, contradicted: false });
      expect(result.reason).to.match(/^No price from your records/);
      expect(await verify({ payload: forged })).to.include({ ok: false });
    });

    it('a price from your price list: the tag (at most 99 sats) comes from the call, the rest is yours', async () => {
      const price = { amount: '0.001', currency: 'BTC' };
      const txid = paid(5, 100_037);
      expect(
        await verifyPayment({
          xpub: ZPUB,
          api,
          price,
          payload: payload({ txids: [txid], tagSats: 37, expectedSats: 100_037, receivedSats: 100_037 }),
        }),
      ).to.include({ ok: true, expectedSats: 100_037 });
      const cheap = await verifyPayment({
        xpub: ZPUB,
        api,
        price,
        payload: payload({ txids: [txid], tagSats: 37, expectedSats: 1, receivedSats: 1 }),
      });
      expect(cheap).to.include({ ok: false, contradicted: true, reason: 'The call asks 1 sats; your price with its tag is 100037.' });
      expect((await verifyPayment({ xpub: ZPUB, api, price, payload: payload({ txids: [txid], tagSats: 150 }) })).reason).to.match(
        /tag is at most 99/,
      );
      expect(
        (
          await verifyPayment({
            xpub: ZPUB,
            api,
            price: { ...price, item: 'mug' },
            payload: payload({ txids: [txid], tagSats: 37, expectedSats: 100_037, item: 'poster' }),
          })
        ).reason,
      ).to.equal('The call is for item poster, your price for mug.');
    });

    it('signed price tokens: the price in a token you signed; an edited, foreign, expired or missing token is refused', async () => {
      const key = newPriceKey();
      const token = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug', expires: Math.floor(Date.now() / 1000) + 3600 }, key);
      const txid = paid(5, 100_037);
      const call = (priceToken: unknown, sats = 100_037) =>
        payload({ txids: [txid], tagSats: 37, expectedSats: sats, receivedSats: sats, priceToken, item: 'mug' });
      expect(await verifyPayment({ xpub: ZPUB, api, priceKey: key, payload: call(token) })).to.include({ ok: true, expectedSats: 100_037 });
      // The buyer re-encodes the token with a price of 1 sat: the signature no longer matches.
      const [prefix, , mac] = token.split('.');
      const edited = `${prefix}.${Buffer.from(JSON.stringify({ amount: '0.00000001', currency: 'BTC', item: 'mug' })).toString('base64url')}.${mac}`;
      expect(await verifyPayment({ xpub: ZPUB, api, priceKey: key, payload: call(edited, 38) })).to.include({
        ok: false,
        contradicted: true,
        reason: 'The price token is not signed with your key: the price was changed.',
      });
      expect((await verifyPayment({ xpub: ZPUB, api, priceKey: newPriceKey(), payload: call(token) })).reason).to.match(
        /not signed with your key/,
      );
      const expired = signPrice({ amount: '0.001', currency: 'BTC', expires: Math.floor(Date.now() / 1000) - 1 }, key);
      expect((await verifyPayment({ xpub: ZPUB, api, priceKey: key, payload: call(expired) })).reason).to.equal(
        'The price token has expired.',
      );
      expect((await verifyPayment({ xpub: ZPUB, api, priceKey: key, payload: call(undefined) })).reason).to.equal(
        'The call carries no price token.',
      );
    });

    it('a fiat price: the page’s rate is checked against the price history at the invoice’s creation', async () => {
      const createdAt = Date.now() - 60_000;
      devnet.chain(chain.id).priceHistory.push({ time: Math.floor(createdAt / 1000) - 30, prices: { USD: 97_123 } });
      const price = { amount: '25', currency: 'USD' };
      const honest = payload({
        tagSats: 12,
        expectedSats: 25_741 + 12,
        receivedSats: 25_753,
        createdAt,
        fiat: { currency: 'USD', amount: '25.00', rate: '97123' },
      });
      const txid = paid(5, 25_753);
      expect(await verifyPayment({ xpub: ZPUB, api, price, payload: { ...honest, txids: [txid] } })).to.include({
        ok: true,
        expectedSats: 25_753,
      });
      // A page that locked a rate of 1,000,000 USD/BTC asks 2,500 sats for 25 USD.
      const inflated = { ...honest, expectedSats: 2_512, receivedSats: 2_512, fiat: { currency: 'USD', amount: '25', rate: '1000000' } };
      expect((await verifyPayment({ xpub: ZPUB, api, price, payload: inflated })).reason).to.equal(
        "The page's rate of 1000000 USD/BTC is above the price history's 97123 at the invoice's creation.",
      );
      // 1.9 % above the history is within the default 2 %.
      const near = { ...honest, expectedSats: 25_261 + 12, receivedSats: 0, fiat: { currency: 'USD', amount: '25', rate: '98968' } };
      expect((await verifyPayment({ xpub: ZPUB, api, price, payload: near })).reason).to.match(/^Underpaid/);
      expect(
        (await verifyPayment({ xpub: ZPUB, api, price, payload: { ...honest, fiat: { currency: 'EUR', amount: '25', rate: '90000' } } }))
          .reason,
      ).to.equal("The call's price is not your price of 25 USD.");
      expect(
        (await verifyPayment({ xpub: ZPUB, api, price, payload: { ...honest, fiat: { currency: 'USD', amount: '2.5', rate: '97123' } } }))
          .reason,
      ).to.equal("The call's price is not your price of 25 USD.");
      // The merchant's own record of the creation time wins over the call's.
      devnet.chain(chain.id).priceHistory.push({ time: Math.floor(Date.now() / 1000) - 10, prices: { USD: 50_000 } });
      expect(
        (await verifyPayment({ xpub: ZPUB, api, price, createdAt: Date.now(), payload: { ...honest, txids: [txid] } })).reason,
      ).to.match(/above the price history's 50000/);
    });
  });

  it("refuses another buyer's payment to a shared address, whatever its amount, and accepts the buyer's own", async () => {
    // Three buyers were shown address 5: at the same price with tags 37 and 52, and at another price.
    const sameprice = paid(5, 100_052, 0);
    const other = paid(5, 250_013);
    const price = { amount: '0.001', currency: 'BTC' };
    for (const [theirs, value] of [
      [sameprice, 100_052],
      [other, 250_013],
    ] as const) {
      const refused = await verifyPayment({
        xpub: ZPUB,
        api,
        price,
        payload: payload({ txids: [theirs], expectedSats: 100_037, tagSats: 37, receivedSats: value }),
      });
      expect(refused).to.include({ ok: false, contradicted: true, receivedSats: 0 });
      expect(refused.reason).to.match(new RegExp(`^${theirs} pays ${value} sats, not exactly the 100037`));
    }
    // Without naming transactions, the other buyers' payments simply do not count.
    expect(
      await verifyPayment({ xpub: ZPUB, api, price, payload: payload({ expectedSats: 100_037, tagSats: 37, receivedSats: 0 }) }),
    ).to.include({ ok: false, receivedSats: 0, status: 'awaiting' });
    const ours = paid(5, 100_037);
    expect(
      await verifyPayment({
        xpub: ZPUB,
        api,
        price,
        payload: payload({ txids: [ours], expectedSats: 100_037, tagSats: 37, receivedSats: 100_037 }),
      }),
    ).to.include({ ok: true, receivedSats: 100_037 });
    // An overpayment is not the exact amount: it is settled by hand, never verified.
    const over = paid(5, 100_200);
    expect(await verify({ expectedSats: 100_037, payload: payload({ txids: [over], receivedSats: 100_200 }) })).to.include({
      ok: false,
      contradicted: true,
    });
    // The merchant's own word that the address is exclusive (an index its server handed out) counts every payment.
    expect(await verify({ expectedSats: 100_037, exclusive: true, payload: payload({ txids: [over], receivedSats: 100_200 }) })).to.include(
      { ok: true },
    );
  });

  it('never trusts the payload to say the address is exclusive', async () => {
    const theirs = paid(5, 250_013);
    const forged = payload({ txids: [theirs], expectedSats: 100_037, receivedSats: 250_013, shared: false, exclusive: true });
    expect(await verify({ expectedSats: 100_037, payload: forged })).to.include({ ok: false, contradicted: true });
  });

  it('an open amount on a shared address cannot be verified as one buyer’s', async () => {
    const tip = paid(5, 5_000);
    const result = await verify({ expectedSats: 0, payload: payload({ expectedSats: 0, receivedSats: 0 }) });
    expect(result).to.include({ ok: false, contradicted: false, receivedSats: 0 });
    expect(result.reason).to.match(/open amount/);
    expect(
      await verify({ expectedSats: 0, exclusive: true, payload: payload({ txids: [tip], expectedSats: 0, receivedSats: 5_000 }) }),
    ).to.include({ ok: true });
  });

  it('refuses a private key as the merchant key', async () => {
    const result = await verify({
      xpub: 'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
    });
    expect(result.reason).to.match(/private key/);
  });

  it('reports an unreachable API instead of throwing', async () => {
    const result = await verify({ api: 'http://127.0.0.1:9/api', payload: payload({ txids: ['ab'.repeat(32)] }) });
    expect(result).to.include({ ok: false, contradicted: false }); // unknown, not forged: try again later
    expect(result.reason).to.match(/could not be read/);
  });
});
