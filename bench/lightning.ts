/**
 * Lightning through a Lightning Address, at the session's default settings (no element yet):
 * the time from a wallet paying the invoice (the devnet's settle) to the session's `settled`,
 * and the `verify` requests a waiting buyer costs the merchant's service in its first minute
 * and after.
 */
import type { Devnet } from '../tools/devnet/server.js';
import { createLightningSession, type LightningSession } from '../src/core/lightning-session.js';

const effects = {
  fetch: (url: string, init?: object) => fetch(url, init as RequestInit),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

async function service(devnet: Devnet): Promise<{ name: string; address: string }> {
  return (await fetch(`${devnet.url}/lightning/services`, { method: 'POST', body: '{}' })).json();
}

const until = async (session: LightningSession, status: string): Promise<void> => {
  while (session.state.status !== status) await new Promise((resolve) => setTimeout(resolve, 5));
};

export async function lightningFigures(devnet: Devnet, settles = 6, waitSeconds = 120) {
  // A settle lands at a random point between two polls: sample several.
  const settleToPaidMs: number[] = [];
  for (let n = 0; n < settles; n++) {
    const session = createLightningSession({ address: (await service(devnet)).address, sats: 25_000, network: 'regtest' }, effects);
    session.start();
    await until(session, 'offered');
    await new Promise((resolve) => setTimeout(resolve, 5_000 + n * 3_000));
    const offer = (session.state as { offer: { pr: string } }).offer;
    const paidAt = Date.now();
    await fetch(`${devnet.url}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr: offer.pr }) });
    await until(session, 'settled');
    settleToPaidMs.push(Date.now() - paidAt);
    session.stop();
  }
  // A buyer who looks and does not pay.
  const { name, address } = await service(devnet);
  const waiting = createLightningSession({ address, sats: 25_000, network: 'regtest' }, effects);
  const started = Date.now();
  waiting.start();
  await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  waiting.stop();
  const { verifies } = (await (await fetch(`${devnet.url}/lightning/services/${name}`)).json()) as { verifies: number[] };
  const inMinute = (minute: number) =>
    verifies.filter((at) => at - started >= minute * 60_000 && at - started < (minute + 1) * 60_000).length;
  const sorted = [...settleToPaidMs].sort((a, b) => a - b);
  return {
    settleToPaidMs: { samples: sorted, median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) },
    verifyRequestsPerMinute: Array.from({ length: Math.floor(waitSeconds / 60) }, (_, minute) => inMinute(minute)),
  };
}
