import { expect } from 'chai';
import { parseApis, parseConfig, parseExpires, parseIndex, parseTolerance, parseWs } from '../../src/core/config.js';
import { expectCheckoutError } from '../helpers/expect-error.js';
import { signPrice } from '../../src/core/price-token.js';
import { ABANDON_ACCOUNTS } from '../helpers/vectors.js';

const ZPUB = ABANDON_ACCOUNTS[3]!.key;

describe('configuration', () => {
  it('an xpub with an amount in BTC', () => {
    const config = parseConfig({ xpub: ZPUB, amount: '0.0015' });
    expect(config.amountSats).to.equal(150_000);
    expect(config.network).to.equal('mainnet');
    expect(config.receiver).to.include({ kind: 'account', index: null });
  });
  it('sats as the currency, case-insensitively', () => {
    expect(parseConfig({ xpub: ZPUB, amount: '2500', currency: 'SATS' }).amountSats).to.equal(2500);
    expect(parseConfig({ xpub: ZPUB, amount: '2500', currency: 'sat' }).amountSats).to.equal(2500);
  });
  it('a fixed address without an amount (a donation)', () => {
    const config = parseConfig({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' });
    expect(config.receiver).to.deep.equal({ kind: 'address', address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' });
    expect(config.amountSats).to.equal(null);
  });
  it('nothing to pay to', () => {
    expectCheckoutError(() => parseConfig({ amount: '1' }), 'missing', 'xpub');
    expectCheckoutError(() => parseConfig({ xpub: '  ', address: '' }), 'missing', 'xpub');
  });
  it('both an xpub and an address', () => {
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' }), 'conflict', 'address');
  });
  it('index or address-type with a fixed address', () => {
    expectCheckoutError(() => parseConfig({ address: '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA', index: '3' }), 'conflict', 'index');
    expectCheckoutError(
      () => parseConfig({ address: '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA', addressType: 'p2tr' }),
      'conflict',
      'address-type',
    );
  });
  describe('lightning', () => {
    it('a Lightning Address beside the key, read and lower-cased; hidden without verify unless asked', () => {
      const config = parseConfig({ xpub: ZPUB, index: '1', amount: '0.001', lightning: ' Shop@Pay.Example ' });
      expect(config).to.include({ lightning: 'shop@pay.example', lightningProxy: null, lightningUnverified: false });
      expect(
        parseConfig({ xpub: ZPUB, amount: '1', currency: 'sats', lightning: 'a@b.example', lightningUnverified: 'SHOW' })
          .lightningUnverified,
      ).to.equal(true);
      expect(parseConfig({ xpub: ZPUB, amount: '0.001' }).lightning).to.equal(null);
    });
    it('refuses what cannot work: not an address, no amount, a GET webhook format, a bad proxy or switch', () => {
      expectCheckoutError(
        () => parseConfig({ xpub: ZPUB, amount: '0.001', lightning: 'https://pay.example/shop' }),
        'invalid',
        'lightning',
      );
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, lightning: 'shop@pay.example' }), 'conflict', 'lightning');
      expectCheckoutError(
        () =>
          parseConfig({
            xpub: ZPUB,
            index: '2',
            amount: '0.001',
            lightning: 'shop@pay.example',
            webhook: 'https://shop.example/cb',
            webhookFormat: 'blockonomics',
          }),
        'conflict',
        'lightning',
      );
      expectCheckoutError(
        () => parseConfig({ xpub: ZPUB, amount: '0.001', lightning: 'shop@pay.example', lightningProxy: 'javascript:alert(1)' }),
        'invalid',
        'lightning-proxy',
      );
      expectCheckoutError(
        () => parseConfig({ xpub: ZPUB, amount: '0.001', lightning: 'shop@pay.example', lightningProxy: '//evil.example/?u=' }),
        'invalid',
        'lightning-proxy',
      );
      expectCheckoutError(
        () =>
          parseConfig({
            xpub: ZPUB,
            amount: '0.001',
            lightning: 'shop@pay.example',
            lightningProxy: 'http://shop.example/l?url=',
            pageSecure: true,
          }),
        'insecure',
        'lightning-proxy',
      );
      expectCheckoutError(
        () => parseConfig({ xpub: ZPUB, amount: '0.001', lightning: 'shop@pay.example', lightningUnverified: 'maybe' }),
        'invalid',
        'lightning-unverified',
      );
    });
    it('a same-origin proxy path or an https URL', () => {
      expect(
        parseConfig({ xpub: ZPUB, amount: '0.001', lightning: 'a@b.example', lightningProxy: '/lightning?url=' }).lightningProxy,
      ).to.equal('/lightning?url=');
      expect(
        parseConfig({ xpub: ZPUB, amount: '0.001', lightning: 'a@b.example', lightningProxy: 'https://shop.example/lightning?url=' })
          .lightningProxy,
      ).to.equal('https://shop.example/lightning?url=');
    });
  });

  describe('price-token and item', () => {
    const key = '11'.repeat(32);
    it('takes amount, currency and item from the token; attributes beside it must agree', () => {
      const token = signPrice({ amount: '25.00', currency: 'usd', item: 'mug', expires: 1_900_000_000 }, key);
      const config = parseConfig({ xpub: ZPUB, priceToken: token });
      expect(config).to.deep.include({ amountSats: null, item: 'mug', priceToken: token, priceExpiresAt: 1_900_000_000_000 });
      expect(config.fiat).to.include({ currency: 'USD', text: '25.00' });
      expect(parseConfig({ xpub: ZPUB, priceToken: token, amount: '25', currency: 'USD', item: 'mug' }).item).to.equal('mug');
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, priceToken: token, amount: '1' }), 'conflict', 'price-token');
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, priceToken: token, currency: 'EUR' }), 'conflict', 'price-token');
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, priceToken: token, item: 'poster' }), 'conflict', 'price-token');
    });
    it('refuses what is not a token, naming it invalid', () => {
      for (const text of [
        'x',
        'bcp1.e30.abc',
        'bcp2.abc.def',
        `bcp1.${btoa('{"amount":"0","currency":"BTC"}')}.x`,
        `bcp1.${btoa('{"amount":"1e3","currency":"BTC"}')}.x`,
      ]) {
        expectCheckoutError(() => parseConfig({ xpub: ZPUB, priceToken: text }), 'invalid', 'price-token');
      }
    });
    it('an item without a token, for the merchant’s price list', () => {
      expect(parseConfig({ xpub: ZPUB, amount: '1', item: ' sku-7 ' }).item).to.equal('sku-7');
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, amount: '1', item: 'x'.repeat(129) }), 'invalid', 'item');
    });
    it('the GET formats carry order, item and token in the URL', () => {
      const token = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, key);
      const { webhook } = parseConfig({
        xpub: ZPUB,
        index: '2',
        priceToken: token,
        orderId: 'A 1',
        webhook: 'https://shop.example/cb?secret=s',
        webhookFormat: 'blockonomics',
      });
      expect(webhook!.url).to.equal(`https://shop.example/cb?secret=s&order_id=A%201&item=mug&price_token=${encodeURIComponent(token)}`);
    });
  });
  describe('shared and exclusive addresses', () => {
    it('allocation and a fixed address are shared; an index or index-url is the buyer’s own', () => {
      expect(parseConfig({ xpub: ZPUB, amount: '1' }).shared).to.equal(true);
      expect(parseConfig({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', amount: '1' }).shared).to.equal(true);
      expect(parseConfig({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' }).shared).to.equal(true);
      expect(parseConfig({ xpub: ZPUB, amount: '1', index: '4' }).shared).to.equal(false);
      const server = parseConfig({ xpub: ZPUB, amount: '1', indexUrl: ' https://shop.example/index ' });
      expect(server.shared).to.equal(false);
      expect(server.receiver).to.include({ kind: 'account', index: null, indexUrl: 'https://shop.example/index' });
    });
    it('index-url: an http(s) URL, with a key, and not with index', () => {
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, indexUrl: 'javascript:alert(1)' }), 'invalid', 'index-url');
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, indexUrl: '/index' }), 'invalid', 'index-url');
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, indexUrl: 'https://shop.example/index', index: '3' }), 'conflict', 'index-url');
      expectCheckoutError(
        () => parseConfig({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', indexUrl: 'https://shop.example/index' }),
        'conflict',
        'index-url',
      );
    });
    it('the GET webhook formats need an exclusive address: they name the order by its address', () => {
      for (const format of ['blockonomics', 'blockchain-info']) {
        expectCheckoutError(
          () => parseConfig({ xpub: ZPUB, amount: '1', webhook: 'https://shop.example/cb', webhookFormat: format }),
          'conflict',
          'webhook-format',
        );
        expect(
          parseConfig({ xpub: ZPUB, amount: '1', index: '3', webhook: 'https://shop.example/cb', webhookFormat: format }).webhook!.format,
        ).to.equal(format);
      }
      expect(parseConfig({ xpub: ZPUB, amount: '1', webhook: 'https://shop.example/cb' }).webhook!.format).to.equal('json');
    });
    it('tolerance and exact-amount need an exclusive address: on a shared one only the exact tagged amount can count', () => {
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, amount: '1', tolerance: '1' }), 'conflict', 'tolerance');
      expectCheckoutError(
        () => parseConfig({ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', amount: '1', tolerance: '0.5' }),
        'conflict',
        'tolerance',
      );
      expectCheckoutError(() => parseConfig({ xpub: ZPUB, amount: '1', exactAmount: true }), 'conflict', 'exact-amount');
      expect(parseConfig({ xpub: ZPUB, amount: '1', tolerance: '0' }).toleranceBasisPoints).to.equal(0);
      expect(parseConfig({ xpub: ZPUB, amount: '1', index: '2', tolerance: '1', exactAmount: true })).to.include({
        toleranceBasisPoints: 100,
        exactAmount: true,
      });
      expect(
        parseConfig({ xpub: ZPUB, amount: '1', indexUrl: 'https://shop.example/index', tolerance: '1' }).toleranceBasisPoints,
      ).to.equal(100);
    });
  });
  it('an unknown currency', () => {
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, amount: '1', currency: 'DOGE' }), 'unsupported', 'currency');
  });
  describe('index attribute', () => {
    for (const [text, value] of [
      ['0', 0],
      [' 7 ', 7],
      ['2147483647', 2147483647],
      [null, null],
      ['', null],
    ] as const) {
      it(`${JSON.stringify(text)} → ${value}`, () => expect(parseIndex(text)).to.equal(value));
    }
    for (const text of ['-1', '2147483648', '1.5', '1e3', 'abc', '0x10']) {
      it(`refuses ${text}`, () => expectCheckoutError(() => parseIndex(text), 'out-of-range', 'index'));
    }
  });
});

describe('watching configuration', () => {
  it('defaults to mempool.space for the network, with its websocket', () => {
    expect(parseConfig({ xpub: ZPUB })).to.include({
      wsUrl: 'wss://mempool.space/api/v1/ws',
      confirmations: 1,
      toleranceBasisPoints: 0,
      expiresMs: 900_000,
    });
    expect(parseApis(null, 'signet')).to.deep.equal(['https://mempool.space/signet/api']);
    expect(parseApis(null, 'testnet4')).to.deep.equal(['https://mempool.space/testnet4/api']);
  });
  it('regtest needs an api', () => {
    expectCheckoutError(() => parseApis(null, 'regtest'), 'missing', 'api');
  });
  it('several APIs fail over in order; the websocket comes from the first', () => {
    const config = parseConfig({ xpub: ZPUB, api: 'http://localhost:3002/api/  https://blockstream.info/api' });
    expect(config.apis).to.deep.equal(['http://localhost:3002/api', 'https://blockstream.info/api']);
    expect(config.wsUrl).to.equal('ws://localhost:3002/api/v1/ws');
  });
  it('ws="none" polls REST only; an explicit ws is used as given', () => {
    expect(parseWs('none', ['https://a/api'])).to.equal(null);
    expect(parseWs('wss://b/ws', ['https://a/api'])).to.equal('wss://b/ws');
  });
  for (const [attribute, value] of [
    ['api', 'javascript:alert(1)'],
    ['api', 'ftp://x'],
    ['ws', 'https://x'],
    ['confirmations', '-1'],
    ['confirmations', '101'],
    ['confirmations', '1.5'],
    ['tolerance', '100'],
    ['tolerance', '0.001'],
    ['tolerance', '-1'],
    ['expires', '-5'],
    ['expires', '50000'],
  ] as const) {
    it(`refuses ${attribute}="${value}"`, () => {
      let source: string | undefined;
      try {
        parseConfig({ xpub: ZPUB, [attribute]: value });
      } catch (error) {
        source = (error as { source?: string }).source;
      }
      expect(source).to.equal(attribute);
    });
  }
  it('tolerance in basis points, expires in milliseconds (decimals allowed, 0 = never)', () => {
    expect(parseTolerance('0.5')).to.equal(50);
    expect(parseTolerance('2')).to.equal(200);
    expect(parseTolerance('99.99')).to.equal(9_999);
    expect(parseExpires('0')).to.equal(null);
    expect(parseExpires('0.05')).to.equal(3_000);
    expect(parseExpires('60')).to.equal(3_600_000);
  });
  it('A81, A82: a URL with a user and password is refused in every URL attribute (fetch refuses to open it)', () => {
    const url = 'https://user:pw@shop.example/x';
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, webhook: url }), 'credentials', 'webhook');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, api: url }), 'credentials', 'api');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, ws: 'wss://user:pw@shop.example/ws' }), 'credentials', 'ws');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, amount: '1', currency: 'USD', rates: url }), 'credentials', 'rates');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, indexUrl: url }), 'credentials', 'index-url');
  });
  it('A95: a plain http:// or ws:// URL on an https page is refused as mixed content, unless it is this machine', () => {
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, api: 'http://api.example/api', pageSecure: true }), 'insecure', 'api');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, ws: 'ws://api.example/ws', pageSecure: true }), 'insecure', 'ws');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, webhook: 'http://shop.example/paid', pageSecure: true }), 'insecure', 'webhook');
    expect(parseConfig({ xpub: ZPUB, api: 'http://api.example/api', pageSecure: false }).apis).to.deep.equal(['http://api.example/api']);
    expect(parseConfig({ xpub: ZPUB, api: 'http://127.0.0.1:8999/api', pageSecure: true }).apis).to.deep.equal([
      'http://127.0.0.1:8999/api',
    ]);
    expect(parseConfig({ xpub: ZPUB, api: 'http://localhost:8999/api', pageSecure: true }).apis).to.deep.equal([
      'http://localhost:8999/api',
    ]);
  });
  it('A67: a positive expires that rounds to nothing is refused, never read as "never"', () => {
    expectCheckoutError(() => parseExpires('0.000001'), 'out-of-range', 'expires');
    expectCheckoutError(() => parseExpires('0.01'), 'out-of-range', 'expires');
    expect(parseExpires('0.0000')).to.equal(null);
  });
  it('return-url: an http(s) link back to the shop, trimmed; anything else is refused (a javascript: link never reaches the receipt)', () => {
    expect(parseConfig({ xpub: ZPUB, returnUrl: ' https://shop.example/thanks ' }).returnUrl).to.equal('https://shop.example/thanks');
    expect(parseConfig({ xpub: ZPUB, returnUrl: 'http://shop.example/', pageSecure: true }).returnUrl, 'a link, not a request').to.equal(
      'http://shop.example/',
    );
    expect(parseConfig({ xpub: ZPUB }).returnUrl).to.equal(null);
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, returnUrl: 'javascript:alert(1)' }), 'invalid', 'return-url');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, returnUrl: '/thanks' }), 'invalid', 'return-url');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, returnUrl: 'https://user:pw@shop.example/' }), 'credentials', 'return-url');
  });
  it('order-id is carried, trimmed', () => {
    expect(parseConfig({ xpub: ZPUB, orderId: ' A-17 ' }).orderId).to.equal('A-17');
    expectCheckoutError(() => parseConfig({ xpub: ZPUB, orderId: 'x'.repeat(129) }), 'invalid', 'order-id');
  });
});
