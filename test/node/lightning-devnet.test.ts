/**
 * The devnet's Lightning Address service (tools/devnet/lightning.ts), walked through with the
 * checkout's own reader (src/core/lightning.ts): pay request, invoice, verify, settle; and the
 * services a merchant can meet instead (no verify, no CORS, a hostile amount).
 */
import { expect } from 'chai';
import { startDevnet, type Devnet } from '../../tools/devnet/server.js';
import {
  checkInvoice,
  invoiceRequestUrl,
  parseLightningAddress,
  readInvoiceResponse,
  readPayRequest,
  readVerify,
  sendableMsat,
} from '../../src/core/lightning.js';
import { expectCheckoutError } from '../helpers/expect-error.js';

describe('devnet: Lightning Address service (LUD-06, 16, 21)', () => {
  let devnet: Devnet;
  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
  });
  after(() => devnet.close());

  const service = async (options: object = {}): Promise<{ name: string; address: string }> =>
    (await fetch(`${devnet.url}/lightning/services`, { method: 'POST', body: JSON.stringify(options) })).json();
  const getJson = async (url: string): Promise<{ body: unknown; cors: string | null }> => {
    const response = await fetch(url);
    return { body: await response.json(), cors: response.headers.get('access-control-allow-origin') };
  };

  /** The checkout's path: address → pay request → invoice for `sats`, checked. */
  async function invoiceFor(address: string, sats: number) {
    const lightning = parseLightningAddress(address);
    const payRequest = readPayRequest((await getJson(lightning.url)).body, lightning);
    const msat = sendableMsat(payRequest, sats);
    const answer = readInvoiceResponse((await getJson(invoiceRequestUrl(payRequest, msat))).body);
    return { payRequest, msat, answer };
  }

  it('serves a pay request for name@host, an invoice for the amount asked, and verify until it is settled', async () => {
    const { name, address } = await service();
    expect(address).to.equal(`${name}@${devnet.url.replace('http://', '')}`);
    const { payRequest, msat, answer } = await invoiceFor(address, 25_000);
    const invoice = checkInvoice(answer.pr, { amountMsat: msat, network: 'regtest', metadata: payRequest.metadata, now: Date.now() });
    expect(invoice).to.include({ amountMsat: 25_000_000n, network: 'regtest', expirySeconds: 600 });
    expect(answer.verify).to.match(/\/verify\/[0-9a-f]{64}$/);
    expect(readVerify((await getJson(answer.verify!)).body, { pr: answer.pr, paymentHash: invoice.paymentHash })).to.deep.equal({
      settled: false,
    });

    const settle = await fetch(`${devnet.url}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr: answer.pr }) });
    const { preimage } = (await settle.json()) as { preimage: string };
    expect(readVerify((await getJson(answer.verify!)).body, { pr: answer.pr, paymentHash: invoice.paymentHash })).to.deep.equal({
      settled: true,
      preimage,
    });
    const stats = await (await fetch(`${devnet.url}/lightning/services/${name}`)).json();
    expect(stats).to.include({ payRequests: 1, invoices: 1 });
    expect(stats.verifies).to.have.length(2);
  });

  it('answers CORS by default, and none when the service is made without', async () => {
    const open = await service();
    const closed = await service({ cors: false });
    const wellKnown = (address: string): string => parseLightningAddress(address).url;
    expect((await getJson(wellKnown(open.address))).cors).to.equal('*');
    expect((await getJson(wellKnown(closed.address))).cors).to.equal(null);
  });

  it('a service without LUD-21 gives no verify URL', async () => {
    const { answer } = await invoiceFor((await service({ verify: false })).address, 1_000);
    expect(answer.verify).to.equal(null);
  });

  it('a hostile service’s invoice asks for another amount, and the checkout refuses it', async () => {
    const { payRequest, msat, answer } = await invoiceFor((await service({ amount: 'wrong' })).address, 1_000);
    expectCheckoutError(
      () => checkInvoice(answer.pr, { amountMsat: msat, network: 'regtest', metadata: payRequest.metadata, now: Date.now() }),
      'mismatch',
      'lightning',
    );
  });

  it('short-lived invoices expire; amounts out of range and unknown names are refused in LUD-06’s words', async () => {
    const { payRequest, msat, answer } = await invoiceFor((await service({ expirySeconds: 1 })).address, 1_000);
    const terms = { amountMsat: msat, network: 'regtest', metadata: payRequest.metadata } as const;
    expect(checkInvoice(answer.pr, { ...terms, now: Date.now() }).expirySeconds).to.equal(1);
    expectCheckoutError(() => checkInvoice(answer.pr, { ...terms, now: Date.now() + 2_000 }), 'expired', 'lightning');

    const narrow = await service({ maxSendableMsat: 10_000 });
    const lightning = parseLightningAddress(narrow.address);
    const request = readPayRequest((await getJson(lightning.url)).body, lightning);
    expectCheckoutError(() => sendableMsat(request, 11), 'out-of-range', 'lightning');
    const tooMuch = await getJson(invoiceRequestUrl(request, 20_000));
    expectCheckoutError(() => readInvoiceResponse(tooMuch.body), 'unavailable', 'lightning');
    const unknown = parseLightningAddress(`nobody@${devnet.url.replace('http://', '')}`);
    const nobody = await getJson(unknown.url);
    expectCheckoutError(() => readPayRequest(nobody.body, unknown), 'unavailable', 'lightning');
  });
});
