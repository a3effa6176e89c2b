/**
 * `npm start`: the devnet and the demo page wired to it, fully offline.
 * Devnet on http://127.0.0.1:8999 (or a free port), demo on http://localhost:5173/demo/.
 */
import { createServer, type Plugin } from 'vite';
import { startDevnet, type Devnet } from '../tools/devnet/server.js';
import type { ProfileName } from '../tools/devnet/profiles.js';
import { startReceiver } from '../tools/receiver/server.js';
import { memoryReceiverStore } from '../tools/receiver/store.js';
import { newPriceKey, signPrice } from '../src/core/price-token.js';

/** The demo's shop key: BIP 84's public test account on regtest (see demo/index.html). */
const SHOP_XPUB = 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x';

/**
 * The demo runs on the lenient devnet unless DEVNET_PROFILE says otherwise (mempool, esplora,
 * mempool-electrum): its regtest chain has fiat prices, which no real test network has.
 */
const profile = (process.env.DEVNET_PROFILE ?? 'lenient') as ProfileName;

async function devnetOnPort(): Promise<Devnet> {
  try {
    return await startDevnet({ port: Number(process.env.DEVNET_PORT ?? 8999), profile });
  } catch {
    return startDevnet({ profile });
  }
}

const devnet = await devnetOnPort();
// The shop's server: the reference receiver, checking every webhook against the devnet.
// The shop's price key: its server checks the prices the demo page's tokens state.
const PRICE_KEY = newPriceKey();
const receiver = await startReceiver({
  xpub: SHOP_XPUB,
  network: 'regtest',
  api: `${devnet.url}/api`,
  recheckMs: 10_000,
  lookahead: 200,
  priceKey: PRICE_KEY,
  // The demo forgets its orders when it stops; a shop keeps them (the default is an SQLite file).
  store: memoryReceiverStore(),
}).catch(() => null);

/**
 * Tells the demo page where the devnet is, signs its prices as a static site's build would
 * (`btc-checkout-price`), and shows it the receiver's log (which only this machine may read).
 */
const devnetInfo: Plugin = {
  name: 'btc-checkout:devnet-info',
  configureServer(server) {
    server.middlewares.use('/__devnet__', (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ url: devnet.url, receiver: receiver?.url ?? null }));
    });
    server.middlewares.use('/__price__', (request, response) => {
      const query = new URL(request.url ?? '/', 'http://demo').searchParams;
      response.setHeader('content-type', 'text/plain');
      response.end(
        signPrice(
          { amount: query.get('amount') ?? '0', currency: query.get('currency') ?? 'BTC', item: query.get('item') ?? undefined },
          PRICE_KEY,
        ),
      );
    });
    server.middlewares.use('/__receiver_log__', async (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(receiver ? await receiver.log(100) : []));
    });
  },
};

const vite = await createServer({ plugins: [devnetInfo], server: { port: Number(process.env.PORT ?? 5173) } });
await vite.listen();
const local = vite.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
console.log(
  `\n  <btc-checkout> demo:  ${local}demo/\n  devnet (regtest):     ${devnet.url}/api  (control: ${devnet.url}/control)\n  webhook receiver:     ${receiver?.url ?? 'not started'}  (log: ${receiver?.url}/log)\n`,
);

const stop = async (): Promise<void> => {
  await vite.close();
  await receiver?.close();
  await devnet.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
