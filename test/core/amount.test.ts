import { expect } from 'chai';
import { formatBtc, MAX_SATS, parseAmount, parseDecimal } from '../../src/core/amount.js';
import { expectCheckoutError } from '../helpers/expect-error.js';

describe('amounts', () => {
  const good: [string, 'BTC' | 'sats', number][] = [
    ['1', 'BTC', 100_000_000],
    ['0.0015', 'BTC', 150_000],
    ['.5', 'BTC', 50_000_000],
    ['20.3', 'BTC', 2_030_000_000],
    ['0.00000001', 'BTC', 1],
    ['0.1000000000', 'BTC', 10_000_000],
    [' 0.001 ', 'BTC', 100_000],
    ['007', 'BTC', 700_000_000],
    ['21000000', 'BTC', MAX_SATS],
    // Float traps: 0.1 + 0.2, 1.005 * 1e8 and 4.35 * 1e8 are all inexact in binary.
    ['0.3', 'BTC', 30_000_000],
    ['1.005', 'BTC', 100_500_000],
    ['4.35', 'BTC', 435_000_000],
    ['0.29', 'BTC', 29_000_000],
    ['50000', 'sats', 50_000],
    ['1', 'sats', 1],
  ];
  for (const [text, unit, sats] of good) {
    it(`${JSON.stringify(text)} ${unit} = ${sats} sats`, () => expect(parseAmount(text, unit)).to.equal(sats));
  }

  const bad: [string, 'BTC' | 'sats', RegExp, string][] = [
    ['0', 'BTC', /more than zero/, 'invalid'],
    ['0.00000000', 'BTC', /more than zero/, 'invalid'],
    ['-1', 'BTC', /more than zero/, 'invalid'],
    ['1e-3', 'BTC', /exponent/, 'invalid'],
    ['1E5', 'BTC', /exponent/, 'invalid'],
    ['abc', 'BTC', /not a number/, 'invalid'],
    ['0x10', 'BTC', /not a number/, 'invalid'],
    ['1.2.3', 'BTC', /not a number/, 'invalid'],
    ['.', 'BTC', /not a number/, 'invalid'],
    ['Infinity', 'BTC', /not a number/, 'invalid'],
    ['NaN', 'BTC', /not a number/, 'invalid'],
    ['1,000', 'BTC', /dot for decimals/, 'invalid'],
    ['0,5', 'BTC', /dot for decimals/, 'invalid'],
    ['0.000000001', 'BTC', /at most 8 decimals/, 'invalid'],
    ['21000000.00000001', 'BTC', /21 million/, 'out-of-range'],
    ['99999999999999999999', 'BTC', /21 million/, 'out-of-range'],
    ['1.5', 'sats', /whole number/, 'invalid'],
    ['2100000000000001', 'sats', /21 million/, 'out-of-range'],
  ];
  for (const [text, unit, message, code] of bad) {
    it(`refuses ${JSON.stringify(text)} ${unit}`, () => {
      expect(expectCheckoutError(() => parseAmount(text, unit), code, 'amount').message).to.match(message);
    });
  }

  it('parseDecimal keeps every digit', () => {
    expect(parseDecimal('19.990')).to.deep.equal({ units: 1999n, scale: 2 });
    expect(parseDecimal('123456789.123456789123')).to.deep.equal({ units: 123456789123456789123n, scale: 12 });
  });

  const printed: [number, string][] = [
    [1, '0.00000001'],
    [150_000, '0.0015'],
    [100_000_000, '1'],
    [2_030_000_000, '20.3'],
    [MAX_SATS, '21000000'],
    [123_456_789, '1.23456789'],
  ];
  for (const [sats, text] of printed) {
    it(`formatBtc(${sats}) = ${text}`, () => expect(formatBtc(sats)).to.equal(text));
  }
  it('formatBtc and parseAmount round-trip', () => {
    for (let sats = 1; sats < MAX_SATS; sats = sats * 7 + 3) expect(parseAmount(formatBtc(sats), 'BTC')).to.equal(sats);
  });
});
