/**
 * The demo: the devnet, the shop's receiver and the demo pages wired to them, fully offline.
 * `npm start` runs it (demo/serve.ts); `npm run screenshots` starts one of its own.
 */
import { fileURLToPath } from 'node:url';
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

async function devnetOnPort(port: number): Promise<Devnet> {
  try {
    return await startDevnet({ port, profile });
  } catch {
    return startDevnet({ profile });
  }
}

export interface Demo {
  /** The demo page, e.g. http://localhost:5173/demo/. */
  readonly url: string;
  /** The devnet's base URL (its API is at /api, its control at /control). */
  readonly devnet: string;
  /** The receiver's base URL, or null if it could not start. */
  readonly receiver: string | null;
  close(): Promise<void>;
}

/**
 * Starts the devnet (on `devnetPort` if free, else any port), the receiver and the demo pages
 * (on `port`; 0 for any free one).
 */
export async function startDemo({ port = 5173, devnetPort = 8999 }: { port?: number; devnetPort?: number } = {}): Promise<Demo> {
  const devnet = await devnetOnPort(devnetPort);
  // The shop's server: the reference receiver, checking every webhook against the devnet.
  // The shop's price key: its server checks the prices the demo page's tokens state.
  const PRICE_KEY = newPriceKey();
  // The shop's Lightning Address, a service on the devnet; the receiver checks Lightning claims with it.
  const { address: lightning } = devnet.lightning.create({ network: 'regtest' });
  const receiver = await startReceiver({
    lightning,
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
        response.end(JSON.stringify({ url: devnet.url, receiver: receiver?.url ?? null, lightning }));
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

  const vite = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    root: fileURLToPath(new URL('..', import.meta.url)),
    plugins: [devnetInfo],
    server: { port },
  });
  await vite.listen();
  const local = vite.resolvedUrls?.local[0] ?? `http://localhost:${port}/`;
  return {
    url: `${local}demo/`,
    devnet: devnet.url,
    receiver: receiver?.url ?? null,
    async close() {
      await vite.close();
      await receiver?.close();
      await devnet.close();
    },
  };
}
