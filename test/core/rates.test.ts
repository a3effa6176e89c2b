import { expect } from 'chai';
import { fetchPrice, fiatToSats } from '../../src/core/rates.js';
import { parseDecimal } from '../../src/core/amount.js';
import { createRestClient } from '../../src/core/http.js';
import { scriptedFetch, type Answer } from '../helpers/fakes.js';

const d = (text: string) => parseDecimal(text);

describe('fiatToSats: integer arithmetic, rounded up to the satoshi', () => {
  const cases: [string, string, number][] = [
    ['25', '97123', 25741], // 25 × 10⁸ / 97 123 = 25 740.55… → 25 741
    ['25', '97123.45', 25741], // 25 740.54…
    ['25.00', '100000', 25000], // exact: no rounding
    ['0.01', '100000', 10], // one cent
    ['0.01', '3000000', 1], // 0.33 sat → 1 sat: never less than the price asks
    ['19.99', '92000', 21729], // 21 728.26…
    ['1000000', '15000000', 6666667], // JPY: 6 666 666.6… → …667
    ['123456789.12', '1', 12345678912000000], // beyond 2^53 sats would be wrong in floats; here exact
  ];
  for (const [amount, price, sats] of cases) {
    it(`${amount} at ${price} per BTC is ${sats} sats`, () => {
      expect(fiatToSats(d(amount), d(price))).to.equal(sats);
    });
  }

  it('never undercharges: sats × price ≥ amount × 10⁸ for 1,000 prices', () => {
    for (let i = 1; i <= 1000; i++) {
      const price = 50_000n + BigInt(i) * 97n;
      const sats = BigInt(fiatToSats(d('25'), d(String(price))));
      expect(sats * price >= 25n * 100_000_000n).to.equal(true);
      expect((sats - 1n) * price < 25n * 100_000_000n).to.equal(true);
    }
  });
});

describe('fetchPrice: mempool /v1/prices', () => {
  const API = 'https://prices.example/api';
  const client = (answer: Answer | 'network-error') =>
    createRestClient([API], { fetch: scriptedFetch({ [`${API}/v1/prices`]: () => answer }), now: () => 0 });

  it('reads the price of one BTC in the currency', async () => {
    const price = await fetchPrice(client({ body: { time: 1, USD: 97123, EUR: 89000 } }), '/v1/prices', 'EUR');
    expect(price).to.deep.equal({ units: 89000n, scale: 0 });
  });

  it('a price of -1 (unavailable), a missing currency, or no answer is an error, never a number', async () => {
    const cases: [Answer | 'network-error', string, RegExp][] = [
      [{ body: { USD: 97123, BRL: -1 } }, 'BRL', /No price for BRL right now \(the source marks it unavailable\)/],
      [{ body: 'null' }, 'USD', /No price for USD: the price source did not answer with prices/],
      [{ body: { USD: '97123' } }, 'USD', /No price for USD/],
      [{ body: { USD: 0 } }, 'USD', /No price for USD/],
      [{ status: 503 }, 'USD', /answered HTTP 503/],
      [{ status: 200, body: { time: 1, USD: 97123, EUR: -1 } }, 'EUR', /right now/],
      ['network-error', 'USD', /Cannot reach/],
      [{ body: '<html>' }, 'USD', /No price for USD: the price source did not answer with prices/],
    ];
    for (const [answer, currency, message] of cases) {
      const error = await fetchPrice(client(answer), '/v1/prices', currency).catch((e: unknown) => e);
      expect(error, JSON.stringify(answer)).to.be.instanceOf(Error);
      expect((error as Error).message, JSON.stringify(answer)).to.match(message);
      expect(error, JSON.stringify(answer)).to.include({ code: 'unavailable' });
    }
  });

  it('R3: a currency the source does not price, or a source with no prices at all (a test network), is a configuration error', async () => {
    const unknown = await fetchPrice(client({ body: { time: 1, USD: 97123 } }), '/v1/prices', 'XYZ').catch((e: unknown) => e);
    expect(unknown).to.include({ source: 'currency', code: 'unsupported' });
    // mempool on testnet, testnet4, signet: every price -1, and no time (price-updater.ts:139-143).
    const testnet = await fetchPrice(client({ body: { time: 0, USD: -1, EUR: -1, GBP: -1 } }), '/v1/prices', 'USD').catch(
      (e: unknown) => e,
    );
    expect(testnet).to.include({ source: 'rates', code: 'unsupported' });
    expect((testnet as Error).message).to.equal(
      'This API has no fiat prices (mempool has none on test networks): set rates to a URL of prices, or price in BTC.',
    );
  });
});
