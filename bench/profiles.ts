/**
 * The checkout against each devnet profile (issue 11), with the default configuration
 * (allocation, no index, the derived socket URL) and 150 ms on every REST answer: time to the
 * QR, sequential REST round trips before it, REST requests through a whole checkout (awaiting →
 * unconfirmed → paid), and how long a payment takes to show. Every run is a fresh device (a new
 * browser context) on a fresh chain.
 */
import type { Browser } from 'playwright-core';
import type { Devnet } from '../tools/devnet/server.js';
import { PROFILES, type ProfileName } from '../tools/devnet/profiles.js';
import { median, round, ZPUB } from './stats.js';

const LATENCY_MS = 150;

/** A page that mounts one checkout and stamps (on the page's clock) when its QR is painted and each status. */
export const PROFILE_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  await import('/dist/btc-checkout.js');
  window.events = [];
  window.mount = (attributes) => {
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.addEventListener('btc-checkout-status', (event) => window.events.push({ status: event.detail.status, at: performance.timeOrigin + performance.now() }));
    const started = performance.timeOrigin + performance.now();
    document.body.append(el);
    return new Promise((done) => {
      const check = () => (el.shadowRoot?.querySelector('[part~=qr] path') ? requestAnimationFrame(() => done({ started, painted: performance.timeOrigin + performance.now(), address: el.receiveAddress, sats: el.amountSats })) : requestAnimationFrame(check));
      check();
    });
  };
</script>`;

/** Requests that started within half the latency of one another are one round trip. */
function roundTrips(times: number[]): number {
  let trips = 0;
  let last = -Infinity;
  for (const at of [...times].sort((a, b) => a - b)) {
    if (at - last > LATENCY_MS / 2) trips++;
    last = at;
  }
  return trips;
}

async function measure(browser: Browser, url: string, devnet: Devnet, profile: ProfileName, runs: number) {
  const qr: number[] = [];
  const trips: number[] = [];
  const requestsToQr: number[] = [];
  const requests: number[] = [];
  const detection: number[] = [];
  for (let run = 0; run < runs; run++) {
    const chain = devnet.createChain({ profile, network: 'mainnet', latencyMs: LATENCY_MS });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/profile.html`);
    await page.waitForFunction(() => (window as any).mount);
    const api = `${devnet.url}/chains/${chain.id}/api`;
    // Clocks: Chromium's and Node's timeOrigin agree to within a millisecond or two here (see stats.ts).
    const shown = (await page.evaluate(([xpub, api]) => (window as any).mount({ xpub, amount: '0.001', api }), [ZPUB, api])) as {
      started: number;
      painted: number;
      address: string;
      sats: number;
    };
    qr.push(shown.painted - shown.started);
    const before = chain.requests.filter((request) => request.at <= shown.painted);
    requestsToQr.push(before.length);
    trips.push(roundTrips(before.map((request) => request.at)));
    const paidAt = performance.timeOrigin + performance.now();
    chain.chain.pay([{ address: shown.address, sats: shown.sats }]);
    const seen = await page.waitForFunction(() => (window as any).events.find((event: any) => event.status === 'unconfirmed')?.at, null, {
      timeout: 60_000,
    });
    detection.push(((await seen.jsonValue()) as number) - paidAt);
    chain.chain.mine(1);
    await page.waitForFunction(() => (window as any).events.some((event: any) => event.status === 'paid'), null, { timeout: 90_000 });
    requests.push(chain.stats.rest.total);
    await context.close();
    // Blockstream's limit is per client: let the bucket fill again before the next device.
    if (profile === 'esplora') await new Promise((done) => setTimeout(done, 3_000));
  }
  return {
    runs,
    timeToQrMedianMs: round(median(qr)),
    timeToQrMaxMs: round(Math.max(...qr)),
    roundTripsBeforeQr: median(trips),
    requestsBeforeQr: median(requestsToQr),
    requestsPerCheckout: median(requests),
    detectionMedianMs: round(median(detection)),
    detectionMaxMs: round(Math.max(...detection)),
  };
}

export async function profileFigures(browser: Browser, url: string, devnet: Devnet): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {
    setup: `default configuration (allocation, no index, derived socket URL), a fresh device and chain per run, ${LATENCY_MS} ms on every REST answer, mainnet addresses; a checkout is awaiting → unconfirmed → paid (1 confirmation)`,
  };
  for (const profile of PROFILES) figures[profile] = await measure(browser, url, devnet, profile, profile === 'esplora' ? 3 : 5);
  return figures;
}
