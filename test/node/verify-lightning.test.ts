/**
 * verifyPayment on a claim paid by Lightning: the merchant's server asks its own Lightning
 * Address service, never the call. Genuine claims pass; forged ones (another invoice, another
 * amount, a buyer's own invoice, a verify URL elsewhere, a wrong preimage) are contradicted.
 */
import { expect } from 'chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { randomBytes } from 'node:crypto';
import { startDevnet, type Devnet } from '../../tools/devnet/server.js';
import { encodeBolt11 } from '../../tools/devnet/bolt11.js';
import type { LightningOffer } from '../../src/core/lightning-session.js';
import { offerFrom, settleOnDevnet } from '../helpers/lightning.js';
import { verifyPayment } from '../../src/core/verify.js';

describe('verifyPayment: a Lightning claim', () => {
  let devnet: Devnet;
  let shop: string;
  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
    shop = (await service()).address;
  });
  after(() => devnet.close());

  async function service(): Promise<{ name: string; address: string }> {
    return (await fetch(`${devnet.url}/lightning/services`, { method: 'POST', body: '{}' })).json();
  }
  const offer = (address: string, sats: number) => offerFrom(address, sats, 'regtest');
  const settle = (pr: string) => settleOnDevnet(devnet.url, pr);
  const claim = (paid: LightningOffer, preimage?: string, sats = 25_000) => ({
    method: 'lightning',
    expectedSats: sats,
    lightning: { bolt11: paid.pr, paymentHash: paid.paymentHash, verify: paid.verify, preimage },
  });
  const check = (payload: object, expectedSats = 25_000) =>
    verifyPayment({ lightning: shop, payload, api: `${devnet.url}/api`, expectedSats, network: 'regtest' });

  it('a genuine claim, once the merchant’s own service says settled with the preimage', async () => {
    const paid = await offer(shop, 25_000);
    const early = await check(claim(paid));
    expect(early).to.include({ ok: false, contradicted: false, method: 'lightning' });
    expect(early.reason).to.match(/not settled/);
    const preimage = await settle(paid.pr);
    const result = await check(claim(paid, preimage));
    expect(result).to.include({ ok: true, status: 'paid', method: 'lightning', paymentHash: paid.paymentHash, receivedSats: 25_000 });
  });

  it('refuses as forged: another amount, another payment hash, a wrong preimage, another network', async () => {
    const small = await offer(shop, 1_000);
    await settle(small.pr);
    const cheap = await check(claim(small));
    expect(cheap).to.include({ ok: false, contradicted: true });
    expect(cheap.reason).to.match(/asks 1000000 msat; your price is 25000 sats/);

    const paid = await offer(shop, 25_000);
    const preimage = await settle(paid.pr);
    const other = await offer(shop, 25_000);
    expect(await check({ ...claim(paid, preimage), lightning: { ...claim(paid).lightning, paymentHash: other.paymentHash } })).to.include({
      ok: false,
      contradicted: true,
    });
    expect(await check(claim(paid, '00'.repeat(32)))).to.include({ ok: false, contradicted: true });
    const mainnet = await verifyPayment({
      lightning: shop,
      payload: claim(paid, preimage),
      api: `${devnet.url}/api`,
      expectedSats: 25_000,
      network: 'mainnet',
    });
    expect(mainnet).to.include({ ok: false, contradicted: true });
  });

  it('refuses a buyer’s own invoice: from another Lightning Address, or forged with the shop’s metadata and a verify URL elsewhere', async () => {
    const buyers = await offer((await service()).address, 25_000);
    const preimage = await settle(buyers.pr);
    const elsewhere = await check(claim(buyers, preimage));
    expect(elsewhere).to.include({ ok: false, contradicted: true });
    expect(elsewhere.reason).to.match(/not made through your Lightning Address/);

    // The shop's metadata is public: a buyer's own node can commit to it, and knows its preimage.
    const metadata = JSON.stringify([
      ['text/plain', `Payment to ${shop.split('@')[0]}`],
      ['text/identifier', shop],
    ]);
    const own = randomBytes(32).toString('hex');
    const forged = encodeBolt11({
      network: 'regtest',
      amountMsat: 25_000_000n,
      timestamp: Math.floor(Date.now() / 1000),
      paymentHash: bytesToHex(sha256(Buffer.from(own, 'hex'))),
      descriptionHash: bytesToHex(sha256(utf8ToBytes(metadata))),
      expirySeconds: 600,
      privateKey: randomBytes(32),
    });
    const hash = bytesToHex(sha256(Buffer.from(own, 'hex')));
    const lying = { method: 'lightning', expectedSats: 25_000, lightning: { bolt11: forged, paymentHash: hash, preimage: own } };
    const abroad = await check({ ...lying, lightning: { ...lying.lightning, verify: `http://127.0.0.1:9/verify/${hash}` } });
    expect(abroad).to.include({ ok: false, contradicted: true });
    expect(abroad.reason).to.match(/verify URL is not on your Lightning Address service/);
    const name = shop.split('@')[0];
    const athome = await check({ ...lying, lightning: { ...lying.lightning, verify: `${devnet.url}/lnurlp/${name}/verify/${hash}` } });
    expect(athome).to.include({ ok: false, contradicted: true });
    expect(athome.reason).to.match(/Not found/);
  });

  it('refuses a Lightning claim when the merchant has no Lightning Address configured', async () => {
    const paid = await offer(shop, 25_000);
    const result = await verifyPayment({ payload: claim(paid), api: `${devnet.url}/api`, expectedSats: 25_000 });
    expect(result).to.include({ ok: false, contradicted: true });
    expect(result.reason).to.match(/no Lightning Address/);
  });
});
