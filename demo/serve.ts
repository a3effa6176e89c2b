/**
 * `npm start`: the devnet and the demo page wired to it, fully offline.
 * Devnet on http://127.0.0.1:8999 (or a free port), demo on http://localhost:5173/demo/.
 */
import { createServer, type Plugin } from 'vite';
import { startDevnet, type Devnet } from '../src/devnet/server.js';

async function devnetOnPort(): Promise<Devnet> {
  try {
    return await startDevnet({ port: Number(process.env.DEVNET_PORT ?? 8999) });
  } catch {
    return startDevnet();
  }
}

const devnet = await devnetOnPort();

/** Tells the demo page where the devnet is. */
const devnetInfo: Plugin = {
  name: 'btc-checkout:devnet-info',
  configureServer(server) {
    server.middlewares.use('/__devnet__', (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ url: devnet.url }));
    });
  },
};

const vite = await createServer({ plugins: [devnetInfo], server: { port: Number(process.env.PORT ?? 5173) } });
await vite.listen();
const local = vite.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
console.log(`\n  <btc-checkout> demo:  ${local}demo/\n  devnet (regtest):     ${devnet.url}/api  (control: ${devnet.url}/control)\n`);

const stop = async (): Promise<void> => {
  await vite.close();
  await devnet.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
