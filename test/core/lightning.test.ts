/**
 * Lightning through a Lightning Address (src/core/lightning.ts): BOLT 11's own examples, the
 * devnet's invoice writer reproducing them to the signature, and every answer a hostile or
 * broken service could give, refused with a specific error.
 */
import { expect } from 'chai';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { bech32, hex } from '@scure/base';
import {
  checkInvoice,
  decodeBolt11,
  invoiceRequestUrl,
  parseLightningAddress,
  preimageMatches,
  readInvoiceResponse,
  readPayRequest,
  readVerify,
  sendableMsat,
} from '../../src/core/lightning.js';
import { encodeBolt11 } from '../../tools/devnet/bolt11.js';
import { expectCheckoutError } from '../helpers/expect-error.js';

/** BOLT 11's examples: its node key, payment hash and timestamp. */
const BOLT11_KEY = hex.decode('e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734');
const BOLT11_HASH = '0001020304050607080900010203040506070809000102030405060708090102';
const COFFEE =
  'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpuaztrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3ch9zw97j25emudupq63nyw24cg27h2rspfj9srp';
const CAKE_TEXT =
  'One piece of chocolate cake, one icecream cone, one pickle, one slice of swiss cheese, one slice of salami, one lollypop, one piece of cherry pie, one sausage, one cupcake, and one slice of watermelon';
const CAKE =
  'lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqscc6gd6ql3jrc5yzme8v4ntcewwz5cnw92tz0pc8qcuufvq7khhr8wpald05e92xw006sq94mg8v2ndf4sefvf9sygkshp5zfem29trqq2yxxz7';
const CAKE_TESTNET =
  'lntb20m1pvjluezhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqfpp3x9et2e20v6pu37c5d9vax37wxq72un98kmzzhznpurw9sgl2v0nklu2g4d0keph5t7tj9tcqd8rexnd07ux4uv2cjvcqwaxgj7v4uwn5wmypjd5n69z2xm3xgksg28nwht7f6zspwp3f9t';
const PICO =
  'lnbc9678785340p1pwmna7lpp5gc3xfm08u9qy06djf8dfflhugl6p7lgza6dsjxq454gxhj9t7a0sd8dgfkx7cmtwd68yetpd5s9xar0wfjn5gpc8qhrsdfq24f5ggrxdaezqsnvda3kkum5wfjkzmfqf3jkgem9wgsyuctwdus9xgrcyqcjcgpzgfskx6eqf9hzqnteypzxz7fzypfhg6trddjhygrcyqezcgpzfysywmm5ypxxjemgw3hxjmn8yptk7untd9hxwg3q2d6xjcmtv4ezq7pqxgsxzmnyyqcjqmt0wfjjq6t5v4khxxqyjw5qcqp2rzjq0gxwkzc8w6323m55m4jyxcjwmy7stt9hwkwe2qxmy8zpsgg7jcuwz87fcqqeuqqqyqqqqlgqqqqn3qq9qn07ytgrxxzad9hc4xt3mawjjt8znfv8xzscs7007v9gh9j569lencxa8xeujzkxs0uamak9aln6ez02uunw6rd2ht2sqe4hz8thcdagpleym0j';

describe('BOLT 11 invoices', () => {
  it('decodes BOLT 11’s examples: amount, network, timestamp, expiry, hashes, description', () => {
    expect(decodeBolt11(COFFEE)).to.deep.equal({
      network: 'mainnet',
      amountMsat: 250_000_000n,
      timestamp: 1496314658,
      expirySeconds: 60,
      paymentHash: BOLT11_HASH,
      descriptionHash: null,
      description: '1 cup coffee',
    });
    const cake = decodeBolt11(CAKE);
    expect(cake.amountMsat).to.equal(2_000_000_000n);
    expect(cake.expirySeconds, 'BOLT 11’s default').to.equal(3600);
    expect(cake.descriptionHash).to.equal(bytesToHex(sha256(utf8ToBytes(CAKE_TEXT))));
    expect(decodeBolt11(CAKE_TESTNET).network).to.equal('testnet');
    const pico = decodeBolt11(PICO);
    expect(pico.amountMsat).to.equal(967_878_534n);
    expect(pico.expirySeconds).to.equal(604_800);
    expect(pico.paymentHash).to.equal('462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f');
    expect(pico.description).to.match(/^Blockstream Store: 88\.85 USD/);
  });

  it('the devnet’s writer reproduces BOLT 11’s examples to the last character of the signature', () => {
    const common = { network: 'mainnet', timestamp: 1496314658, paymentHash: BOLT11_HASH, privateKey: BOLT11_KEY } as const;
    expect(encodeBolt11({ ...common, amountMsat: 250_000_000n, description: '1 cup coffee', expirySeconds: 60 })).to.equal(COFFEE);
    expect(encodeBolt11({ ...common, amountMsat: 2_000_000_000n, descriptionHash: bytesToHex(sha256(utf8ToBytes(CAKE_TEXT))) })).to.equal(
      CAKE,
    );
  });

  it('reads every expiry, down to one 5-bit word', () => {
    for (const expirySeconds of [1, 31, 32, 600, 604_800, 2 ** 32]) {
      const pr = encodeBolt11({ network: 'regtest', timestamp: 1, paymentHash: BOLT11_HASH, privateKey: BOLT11_KEY, expirySeconds });
      expect(decodeBolt11(pr).expirySeconds, String(expirySeconds)).to.equal(expirySeconds);
    }
  });

  it('reads upper case, as QR codes carry it', () => {
    expect(decodeBolt11(COFFEE.toUpperCase()).paymentHash).to.equal(BOLT11_HASH);
  });

  it('refuses a broken checksum, another coin, a sub-millisatoshi amount and a missing payment hash', () => {
    expectCheckoutError(() => decodeBolt11(`${COFFEE.slice(0, -1)}q`), 'checksum', 'lightning');
    expectCheckoutError(() => decodeBolt11('not an invoice'), 'checksum', 'lightning');
    // A well-formed bech32 string with another prefix: written by hand, as no writer would.
    const other = encodeBolt11({ network: 'mainnet', timestamp: 1, paymentHash: BOLT11_HASH, privateKey: BOLT11_KEY, description: 'x' });
    expect(other.startsWith('lnbc1')).to.equal(true);
    expectCheckoutError(() => decodeBolt11(rewritePrefix(other, 'lnltc')), 'unsupported', 'lightning');
    expectCheckoutError(() => decodeBolt11(rewritePrefix(other, 'lnbc25p')), 'invalid', 'lightning');
    expectCheckoutError(() => decodeBolt11(rewritePrefix(other, 'lnbc025u')), 'invalid', 'lightning');
    expectCheckoutError(() => decodeBolt11(rewritePrefix(other, 'lnbc25x')), 'invalid', 'lightning');
    expect(decodeBolt11(rewritePrefix(other, 'lnbcrt25u'))).to.include({ network: 'regtest', amountMsat: 2_500_000n });
    expect(decodeBolt11(rewritePrefix(other, 'lntbs1m'))).to.include({ network: 'signet', amountMsat: 100_000_000n });
    // BOLT 11: a p field of the wrong length is skipped, which leaves none.
    const short = encodeBolt11({ network: 'mainnet', timestamp: 1, paymentHash: BOLT11_HASH.slice(0, 62), privateKey: BOLT11_KEY });
    expectCheckoutError(() => decodeBolt11(short), 'invalid', 'lightning');
  });
});

/** The same data under another human-readable part, with a valid checksum. */
function rewritePrefix(invoice: string, prefix: string): string {
  const { words } = bech32.decode(invoice as `${string}1${string}`, false);
  return bech32.encode(prefix, words, false);
}

const ADDRESS = parseLightningAddress('shop@pay.example');
const METADATA = JSON.stringify([
  ['text/plain', 'Payment to Corner Shop'],
  ['text/identifier', 'shop@pay.example'],
]);
const PAY_REQUEST = {
  tag: 'payRequest',
  callback: 'https://pay.example/lnurlp/shop/callback?k=1',
  minSendable: 1_000,
  maxSendable: 100_000_000_000,
  metadata: METADATA,
};

describe('Lightning Address (LUD-16) and pay request (LUD-06)', () => {
  it('turns name@domain into the pay request’s URL; http only for this machine and .onion', () => {
    expect(ADDRESS).to.deep.equal({ address: 'shop@pay.example', url: 'https://pay.example/.well-known/lnurlp/shop' });
    expect(parseLightningAddress(' Shop@Pay.Example ').address).to.equal('shop@pay.example');
    expect(parseLightningAddress('a.b-c_d+e@127.0.0.1:8999').url).to.equal('http://127.0.0.1:8999/.well-known/lnurlp/a.b-c_d+e');
    for (const bad of ['shop', 'shop@', '@pay.example', 'sh op@pay.example', 'shop@pay.example/x', 'shop@pay..example', 'a@b@c']) {
      expectCheckoutError(() => parseLightningAddress(bad), 'invalid', 'lightning');
    }
  });

  it('reads a pay request whose metadata names this address', () => {
    const request = readPayRequest(PAY_REQUEST, ADDRESS);
    expect(request).to.deep.include({ minSendableMsat: 1_000, maxSendableMsat: 100_000_000_000, description: 'Payment to Corner Shop' });
    expect(invoiceRequestUrl(request, sendableMsat(request, 25_000))).to.equal(
      'https://pay.example/lnurlp/shop/callback?k=1&amount=25000000',
    );
    expect(invoiceRequestUrl({ ...request, callback: 'https://pay.example/cb' }, 1000)).to.equal('https://pay.example/cb?amount=1000');
  });

  it('refuses what a broken or hostile service serves, each with its reason', () => {
    const refused = (body: unknown, code: string): void => void expectCheckoutError(() => readPayRequest(body, ADDRESS), code, 'lightning');
    refused({ status: 'ERROR', reason: 'unknown user' }, 'unavailable');
    refused(null, 'invalid');
    refused({ ...PAY_REQUEST, tag: 'withdrawRequest' }, 'invalid');
    refused({ ...PAY_REQUEST, callback: 'http://pay.example/cb' }, 'insecure');
    refused({ ...PAY_REQUEST, callback: 'https://user:pw@pay.example/cb' }, 'invalid');
    refused({ ...PAY_REQUEST, callback: 'javascript:alert(1)' }, 'invalid');
    refused({ ...PAY_REQUEST, minSendable: 0 }, 'invalid');
    refused({ ...PAY_REQUEST, minSendable: 5_000, maxSendable: 1_000 }, 'invalid');
    refused({ ...PAY_REQUEST, maxSendable: '100' }, 'invalid');
    refused({ ...PAY_REQUEST, metadata: 'not json' }, 'invalid');
    refused({ ...PAY_REQUEST, metadata: JSON.stringify([['text/identifier', 'shop@pay.example']]) }, 'invalid');
    refused(
      {
        ...PAY_REQUEST,
        metadata: JSON.stringify([
          ['text/plain', 'Payment'],
          ['text/identifier', 'thief@pay.example'],
        ]),
      },
      'mismatch',
    );
    expect(readPayRequest({ ...PAY_REQUEST, callback: 'http://127.0.0.1:8999/cb' }, ADDRESS).callback).to.equal('http://127.0.0.1:8999/cb');
  });

  it('keeps the amount within minSendable and maxSendable', () => {
    const request = readPayRequest({ ...PAY_REQUEST, minSendable: 10_000, maxSendable: 50_000_000 }, ADDRESS);
    expect(sendableMsat(request, 10)).to.equal(10_000);
    expect(sendableMsat(request, 50_000)).to.equal(50_000_000);
    expectCheckoutError(() => sendableMsat(request, 9), 'out-of-range', 'lightning');
    expectCheckoutError(() => sendableMsat(request, 50_001), 'out-of-range', 'lightning');
  });

  it('reads the invoice answer, with its verify URL (LUD-21) or without', () => {
    expect(readInvoiceResponse({ pr: COFFEE, routes: [] })).to.deep.equal({ pr: COFFEE, verify: null });
    expect(readInvoiceResponse({ pr: COFFEE, verify: 'https://pay.example/verify/abc' }).verify).to.equal('https://pay.example/verify/abc');
    expectCheckoutError(() => readInvoiceResponse({ status: 'ERROR', reason: 'amount too low' }), 'unavailable', 'lightning');
    expectCheckoutError(() => readInvoiceResponse({ routes: [] }), 'invalid', 'lightning');
    expectCheckoutError(() => readInvoiceResponse({ pr: COFFEE, verify: 'http://pay.example/v' }), 'insecure', 'lightning');
  });
});

describe('an invoice checked against what was asked (LUD-06)', () => {
  const now = Date.UTC(2026, 11, 4, 12);
  const seconds = Math.floor(now / 1000);
  const preimage = '11'.repeat(32);
  const paymentHash = bytesToHex(sha256(hex.decode(preimage)));
  const invoice = (overrides: Partial<Parameters<typeof encodeBolt11>[0]> = {}): string =>
    encodeBolt11({
      network: 'regtest',
      amountMsat: 25_000_000n,
      timestamp: seconds - 10,
      paymentHash,
      descriptionHash: bytesToHex(sha256(utf8ToBytes(METADATA))),
      expirySeconds: 600,
      paymentSecret: '22'.repeat(32),
      privateKey: BOLT11_KEY,
      ...overrides,
    });
  const terms = { amountMsat: 25_000_000, network: 'regtest', metadata: METADATA, now } as const;

  it('accepts the invoice for exactly the amount, on the network, committing to the metadata, unexpired', () => {
    const checked = checkInvoice(invoice(), terms);
    expect(checked.paymentHash).to.equal(paymentHash);
    expect(checked.expiresAt).to.equal((seconds - 10 + 600) * 1000);
  });

  it('refuses another amount, an open amount, another network, another description and an expired invoice', () => {
    expectCheckoutError(() => checkInvoice(invoice({ amountMsat: 1_000n }), terms), 'mismatch', 'lightning');
    expectCheckoutError(() => checkInvoice(invoice({ amountMsat: 25_000_001n }), terms), 'mismatch', 'lightning');
    expectCheckoutError(() => checkInvoice(invoice({ amountMsat: null }), terms), 'mismatch', 'lightning');
    expectCheckoutError(() => checkInvoice(invoice({ network: 'mainnet' }), terms), 'network-mismatch', 'lightning');
    expectCheckoutError(() => checkInvoice(invoice({ descriptionHash: '00'.repeat(32) }), terms), 'mismatch', 'lightning');
    expectCheckoutError(() => checkInvoice(invoice({ descriptionHash: undefined, description: 'x' }), terms), 'mismatch', 'lightning');
    expectCheckoutError(() => checkInvoice(invoice({ timestamp: seconds - 700 }), terms), 'expired', 'lightning');
  });

  it('takes testnet4’s invoices under lntb, as testnet’s', () => {
    expect(checkInvoice(invoice({ network: 'testnet' }), { ...terms, network: 'testnet4' }).network).to.equal('testnet');
    expectCheckoutError(() => checkInvoice(invoice({ network: 'signet' }), { ...terms, network: 'testnet' }), 'network-mismatch');
  });

  it('believes "settled" only with the preimage of this invoice’s payment hash (LUD-21)', () => {
    const pr = invoice();
    const target = { pr, paymentHash };
    expect(readVerify({ status: 'OK', settled: false, preimage: null, pr }, target)).to.deep.equal({ settled: false });
    expect(readVerify({ status: 'OK', settled: true, preimage: preimage.toUpperCase(), pr }, target)).to.deep.equal({
      settled: true,
      preimage,
    });
    expectCheckoutError(() => readVerify({ status: 'OK', settled: true, preimage: '22'.repeat(32), pr }, target), 'mismatch', 'lightning');
    expectCheckoutError(() => readVerify({ status: 'OK', settled: true, preimage: null, pr }, target), 'mismatch', 'lightning');
    expectCheckoutError(() => readVerify({ status: 'OK', settled: true, preimage, pr: COFFEE }, target), 'mismatch', 'lightning');
    expectCheckoutError(() => readVerify({ status: 'ERROR', reason: 'Not found' }, target), 'unavailable', 'lightning');
    expectCheckoutError(() => readVerify({ settled: 'yes' }, target), 'invalid', 'lightning');
    expect(preimageMatches(preimage, paymentHash)).to.equal(true);
    expect(preimageMatches('zz', paymentHash)).to.equal(false);
  });
});
