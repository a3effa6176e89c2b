/**
 * Lightning through a Lightning Address, with the shipped element in Chromium (it loads
 * dist/btc-checkout-lightning.js beside the CDN file) against the devnet's services, at the
 * element's default settings: the time from a wallet paying the invoice on offer (the devnet's
 * settle) to the page's `paid`, and the `verify` requests a waiting buyer costs the merchant's
 * service in its first minute and after.
 */
import type { Browser, Page } from 'playwright-core';
import type { Devnet } from '../tools/devnet/server.js';
import { clockOffset, median, round, ZPUB } from './stats.js';

/** A page that mounts one Lightning checkout per run and records its status events. */
export const LIGHTNING_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  await import('/dist/btc-checkout.js');
  window.mount = (attributes) => {
    localStorage.clear();
    document.body.replaceChildren();
    window.events = [];
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.addEventListener('btc-checkout-status', (event) => window.events.push({ status: event.detail.status, at: performance.timeOrigin + performance.now() }));
    document.body.append(el);
    window.el = el;
  };
</script>`;

async function service(devnet: Devnet): Promise<{ name: string; address: string }> {
  return devnet.lightning.create({ network: 'mainnet' });
}

/** Mounts a checkout for `address` on a fresh chain; the Lightning invoice it offers. */
async function offered(page: Page, devnet: Devnet, address: string, index: number): Promise<string> {
  const chain = devnet.createChain();
  await page.evaluate((attributes) => (window as any).mount(attributes), {
    xpub: ZPUB,
    amount: '0.00025',
    index: String(index),
    api: `${devnet.url}/chains/${chain.id}/api`,
    lightning: address,
  });
  const handle = await page.waitForFunction(() => new URLSearchParams((window as any).el.uri?.split('?')[1]).get('lightning'), null, {
    timeout: 20_000,
  });
  return (await handle.jsonValue()) as string;
}

export async function lightningFigures(browser: Browser, url: string, devnet: Devnet, settles = 8, waitSeconds = 120) {
  const page = await browser.newPage();
  await page.goto(`${url}/lightning.html`);
  const { offsetMs } = await clockOffset(page);
  // A settle lands at a random point between two polls: sample several, spread over the backoff.
  const settleToPaidMs: number[] = [];
  for (let n = 0; n < settles; n++) {
    const pr = await offered(page, devnet, (await service(devnet)).address, 100 + n);
    await new Promise((resolve) => setTimeout(resolve, 1_000 + n * 2_700));
    const settledAt = Date.now();
    devnet.lightning.settle({ pr });
    const handle = await page.waitForFunction(() => (window as any).events.find((event: any) => event.status === 'paid')?.at, null, {
      timeout: 30_000,
    });
    settleToPaidMs.push((await handle.jsonValue()) - offsetMs - settledAt);
  }
  // A buyer who looks and does not pay.
  const { name, address } = await service(devnet);
  await offered(page, devnet, address, 200);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  await page.close();
  const { verifies } = devnet.lightning.stats(name)!;
  const inMinute = (minute: number) =>
    verifies.filter((at) => at - started >= minute * 60_000 && at - started < (minute + 1) * 60_000).length;
  const sorted = settleToPaidMs.map(round).sort((a, b) => a - b);
  return {
    settleToPaidMs: { samples: sorted, median: round(median(sorted)), max: sorted.at(-1) },
    verifyRequestsPerMinute: Array.from({ length: Math.floor(waitSeconds / 60) }, (_, minute) => inMinute(minute)),
  };
}
