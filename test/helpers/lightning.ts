/**
 * Lightning in Node tests: an invoice from a Lightning Address on the devnet, as a buyer's page
 * gets it (through the checkout's own session), and a wallet paying it.
 */
import { createLightningSession, type LightningOffer } from '../../src/core/lightning-session.js';
import type { NetworkName } from '../../src/core/networks.js';

/** The invoice `address` offers for `sats`, checked as the checkout checks it. */
export async function offerFrom(address: string, sats: number, network: NetworkName): Promise<LightningOffer> {
  const session = createLightningSession(
    { address, sats, network },
    {
      fetch: (url, init) => fetch(url, init as RequestInit),
      setTimeout,
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      now: Date.now,
    },
  );
  session.start();
  while (session.state.status === 'requesting') await new Promise((resolve) => setTimeout(resolve, 5));
  const state = session.state;
  session.stop();
  if (state.status !== 'offered') throw new Error(`no invoice: ${JSON.stringify(state)}`);
  return state.offer;
}

/** Pays `pr` on the devnet at `devnetUrl`, as a wallet would; its preimage. */
export async function settleOnDevnet(devnetUrl: string, pr: string): Promise<string> {
  const response = await fetch(`${devnetUrl}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr }) });
  return ((await response.json()) as { preimage: string }).preimage;
}
