#!/usr/bin/env node
/**
 * Signs prices for static sites (run it when the site is built):
 * - `btc-checkout-price --new-key > price.key` makes a key: keep it on your server only.
 * - `btc-checkout-price --key-file price.key --amount 25 --currency USD [--item mug] [--expires 2027-01-01]`
 *   prints a token for `<btc-checkout price-token="…">`. The key can also come from the
 *   environment, as BTC_CHECKOUT_PRICE_KEY.
 */
import { readFileSync } from 'node:fs';
import { argument } from '../http.js';
import { newPriceKey, signPrice } from '../../src/core/price-token.js';

if (process.argv.includes('--new-key')) {
  console.log(newPriceKey());
  process.exit(0);
}
const keyFile = argument('key-file');
const key = keyFile ? readFileSync(keyFile, 'utf8').trim() : process.env.BTC_CHECKOUT_PRICE_KEY;
const amount = argument('amount');
if (!key || !amount) {
  console.error(
    'usage: btc-checkout-price --new-key | --key-file <file> --amount <decimal> [--currency BTC|sats|USD…] [--item <reference>] [--expires <date>]',
  );
  process.exit(2);
}
const expires = argument('expires');
const expiresAt = expires ? Math.floor(Date.parse(expires) / 1000) : undefined;
if (expires && !Number.isSafeInteger(expiresAt)) {
  console.error(`--expires: not a date: ${expires}`);
  process.exit(2);
}
try {
  console.log(
    signPrice(
      {
        amount,
        currency: argument('currency') ?? 'BTC',
        ...(argument('item') ? { item: argument('item')! } : {}),
        ...(expiresAt ? { expires: expiresAt } : {}),
      },
      key,
    ),
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
