#!/usr/bin/env node
/**
 * Runs the reference receiver:
 * `btc-checkout-receiver --xpub <key or descriptor> --api <url> [--database btc-checkout-receiver.db]
 * [--prices prices.json] [--price-key-file price.key] [--log-token …] [--network mainnet]
 * [--confirmations 1] [--lookahead 1000] [--gap-limit 20] [--recheck-ms 30000] [--recheck-after-ms 60000]
 * [--api-per-minute 120] [--lightning name@domain] [--port 8990]`.
 * The price key can also come from the environment, as BTC_CHECKOUT_PRICE_KEY.
 */
import { readFileSync } from 'node:fs';
import { argument } from '../http.js';
import { startReceiver } from './server.js';

const xpub = argument('xpub');
const api = argument('api');
if (!xpub || !api) {
  console.error(
    'usage: btc-checkout-receiver --xpub <key or descriptor> --api <url> [--database file] [--prices prices.json] [--price-key-file file] [--log-token token] [--network n] [--confirmations n] [--lookahead n] [--gap-limit n] [--port n]',
  );
  process.exit(2);
}
const keyFile = argument('price-key-file');
const priceKey = keyFile ? readFileSync(keyFile, 'utf8').trim() : process.env.BTC_CHECKOUT_PRICE_KEY;
if (!priceKey && !argument('prices'))
  console.warn('receiver: no price key and no price list: no order can be paid until one gives its price.');
const receiver = await startReceiver({
  xpub,
  api,
  network: argument('network'),
  confirmations: Number(argument('confirmations') ?? 1),
  lookahead: Number(argument('lookahead') ?? 1000),
  gapLimit: Number(argument('gap-limit') ?? 20),
  // Orders, settlements, indices handed out and pending re-checks: a restart must forget none.
  database: argument('database') ?? 'btc-checkout-receiver.db',
  prices: argument('prices'),
  lightning: argument('lightning'),
  priceKey,
  logToken: argument('log-token') ?? process.env.BTC_CHECKOUT_LOG_TOKEN,
  recheckMs: argument('recheck-ms') ? Number(argument('recheck-ms')) : undefined,
  recheckAfterMs: argument('recheck-after-ms') ? Number(argument('recheck-after-ms')) : undefined,
  limits: argument('api-per-minute') ? { apiPerMinute: Number(argument('api-per-minute')) } : undefined,
  port: Number(argument('port') ?? 8990),
  host: argument('host'),
});
console.log(
  `receiver: POST ${receiver.url}/json, GET ${receiver.url}/blockonomics, GET ${receiver.url}/blockchain-info, POST ${receiver.url}/index; log at ${receiver.url}/log`,
);
const stop = (): void => void receiver.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
