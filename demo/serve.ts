/**
 * `npm start`: the devnet and the demo page wired to it, fully offline.
 * Devnet on http://127.0.0.1:8999 (or a free port), demo on http://localhost:5173/demo/.
 */
import { startDemo } from './server.js';

const demo = await startDemo({ port: Number(process.env.PORT ?? 5173), devnetPort: Number(process.env.DEVNET_PORT ?? 8999) });
console.log(
  `\n  <btc-checkout> demo:  ${demo.url}\n  every state:          ${demo.url}gallery.html\n  devnet (regtest):     ${demo.devnet}/api  (control: ${demo.devnet}/control)\n  webhook receiver:     ${demo.receiver ?? 'not started'}  (log: ${demo.receiver}/log)\n`,
);

const stop = async (): Promise<void> => {
  await demo.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
