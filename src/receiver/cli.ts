#!/usr/bin/env node
/**
 * Runs the reference receiver:
 * `btc-checkout-receiver --xpub <key or descriptor> --api <url> [--state receiver.json] [--network mainnet]
 * [--confirmations 1] [--gap-limit 20] [--port 8990]`.
 */
import { argument } from '../server/http.js';
import { startReceiver } from './server.js';
const xpub = argument('xpub');
const api = argument('api');
if (!xpub || !api) {
  console.error('usage: btc-checkout-receiver --xpub <key or descriptor> --api <url> [--state file] [--network n] [--confirmations n] [--gap-limit n] [--port n]');
  process.exit(2);
}
const receiver = await startReceiver({
  xpub,
  api,
  network: argument('network'),
  confirmations: Number(argument('confirmations') ?? 1),
  gapLimit: Number(argument('gap-limit') ?? 20),
  // The indices handed out to index-url checkouts must survive a restart: never give one twice.
  stateFile: argument('state') ?? 'btc-checkout-receiver.json',
  port: Number(argument('port') ?? 8990),
});
console.log(`receiver: POST ${receiver.url}/json, GET ${receiver.url}/blockonomics, GET ${receiver.url}/blockchain-info, POST ${receiver.url}/index; log at ${receiver.url}/log`);
process.on('SIGINT', () => void receiver.close().then(() => process.exit(0)));
