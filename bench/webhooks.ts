/**
 * Webhook delivery figures (issue 4), with the shipped bundle in Chromium, the devnet, and a
 * receiver on this machine.
 */
import type { Browser, Page } from 'playwright-core';
import type { Devnet } from '../tools/devnet/server.js';
import { startSink, type SinkCall } from './sink.js';
import { clockOffset, median, percentile, round, ZPUB } from './stats.js';

/** A page that mounts checkouts on request and records status and webhook events. */
export const WEBHOOK_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  await import('/dist/btc-checkout.js');
  window.events = [];
  const stamp = () => performance.timeOrigin + performance.now();
  window.mount = (attributes) => {
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.addEventListener('btc-checkout-status', (event) => window.events.push({ kind: 'status', status: event.detail.status, at: stamp() }));
    el.addEventListener('btc-checkout-webhook', (event) => window.events.push({ kind: 'webhook', outcome: event.detail.outcome, at: stamp() }));
    document.body.replaceChildren(el);
    return new Promise((ready) => el.addEventListener('btc-checkout-status', (event) => event.detail.status === 'awaiting' && ready(el.receiveAddress)));
  };
</script>`;

const waitFor = async (check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const statusOf = (call: SinkCall): string => JSON.parse(call.body).status;
const events = (page: Page): Promise<{ kind: string; status?: string; outcome?: string; at: number }[]> =>
  page.evaluate(() => (window as any).events);

async function open(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${url}/webhook.html`);
  await page.waitForFunction(() => (window as any).mount);
  return page;
}

export async function webhookDelivery(browser: Browser, url: string, devnet: Devnet, runs: number): Promise<Record<string, unknown>> {
  const sink = await startSink();
  try {
    // 1. A whole lifecycle per checkout, receiver healthy: status event → call received.
    const page = await open(browser, url);
    const latencies: number[] = [];
    const callsPerCheckout: number[] = [];
    const clock = await clockOffset(page);
    for (let i = 0; i < runs; i++) {
      const chain = devnet.createChain();
      const path = `/life-${i}`;
      await page.evaluate(() => ((window as any).events = []));
      const address = await page.evaluate((attributes) => (window as any).mount(attributes), {
        xpub: ZPUB,
        index: String(i),
        amount: '0.001',
        confirmations: '2',
        api: `${devnet.url}/chains/${chain.id}/api`,
        webhook: `${sink.url}${path}`,
      });
      chain.chain.pay([{ address, sats: 100_000 }]);
      await page.waitForFunction(() => (window as any).events.some((e: any) => e.status === 'unconfirmed'));
      chain.chain.mine(1);
      await page.waitForFunction(() => (window as any).events.some((e: any) => e.status === 'confirming'));
      chain.chain.mine(1);
      await waitFor(() => sink.calls.filter((call) => call.path === path).length >= 4, 'four calls');
      await new Promise((resolve) => setTimeout(resolve, 200)); // any duplicate would arrive now
      const calls = sink.calls.filter((call) => call.path === path);
      callsPerCheckout.push(calls.length);
      for (const event of (await events(page)).filter((e) => e.kind === 'status' && e.status !== 'loading')) {
        const call = calls.find((c) => statusOf(c) === event.status);
        if (call) latencies.push(call.at - (event.at - clock.offsetMs));
      }
    }
    await page.close();

    // 2. A receiver that answers 503 to the first attempt: time to recover.
    const recoveries: number[] = [];
    for (let i = 0; i < 3; i++) {
      const chain = devnet.createChain();
      const path = `/flaky-${i}`;
      sink.failFirst.set(path, 1);
      const flaky = await open(browser, url);
      await flaky.evaluate((attributes) => (window as any).mount(attributes), {
        xpub: ZPUB,
        index: String(100 + i),
        amount: '0.001',
        api: `${devnet.url}/chains/${chain.id}/api`,
        webhook: `${sink.url}${path}`,
      });
      await waitFor(() => sink.calls.filter((call) => call.path === path && call.answered === 200).length === 1, 'the retry');
      const calls = sink.calls.filter((call) => call.path === path);
      recoveries.push(calls[1]!.at - calls[0]!.at);
      await flaky.close();
    }

    // 3. The page goes away while a delivery waits for its retry: the beacon at pagehide, then
    //    the next page of the site that loads the widget (at-least-once; the id lets the receiver
    //    drop the duplicate).
    const chain = devnet.createChain();
    const path = '/leaving';
    sink.failFirst.set(path, 1);
    const leaving = await open(browser, url);
    await leaving.evaluate((attributes) => (window as any).mount(attributes), {
      xpub: ZPUB,
      index: '200',
      amount: '0.001',
      api: `${devnet.url}/chains/${chain.id}/api`,
      webhook: `${sink.url}${path}`,
    });
    await waitFor(() => sink.calls.some((call) => call.path === path), 'the first attempt');
    const leftAt = performance.timeOrigin + performance.now();
    await leaving.goto(`${url}/webhook.html`); // same origin: the same localStorage
    await leaving.waitForFunction(() => (window as any).mount);
    const beacon = await waitFor(() => sink.calls.filter((call) => call.path === path).length >= 2, 'the beacon', 5_000).then(
      () => sink.calls.filter((call) => call.path === path)[1]!.at - leftAt,
      () => null,
    );
    const nextPageAt = performance.timeOrigin + performance.now();
    await leaving.evaluate((attributes) => (window as any).mount(attributes), {
      xpub: ZPUB,
      index: '201',
      amount: '0.001',
      api: `${devnet.url}/chains/${chain.id}/api`,
    });
    await waitFor(() => sink.calls.filter((call) => call.path === path).length >= 3, 'the next page to send it', 30_000).catch(
      () => undefined,
    );
    const pathCalls = sink.calls.filter((call) => call.path === path);
    await leaving.close();

    return {
      runs,
      statusToReceiverMedianMs: round(median(latencies)),
      statusToReceiverP90Ms: round(percentile(latencies, 0.9)),
      statusToReceiverMaxMs: round(Math.max(...latencies)),
      pageClock: { offsetMs: round(clock.offsetMs), uncertaintyMs: round(clock.errorMs) },
      callsPerCheckout: {
        median: median(callsPerCheckout),
        max: Math.max(...callsPerCheckout),
        statuses: 'awaiting, unconfirmed, confirming, paid (confirmations=2)',
      },
      recoveryAfterOne503Ms: {
        runs: recoveries.length,
        median: round(median(recoveries)),
        max: round(Math.max(...recoveries)),
        scheduledBackoffMs: 5_000,
      },
      pageLeftDuringRetry: {
        beaconArrivedAfterMs: beacon === null ? null : round(beacon),
        nextPageSentAfterMs: pathCalls.length >= 3 ? round(pathCalls[2]!.at - nextPageAt) : null,
        callsForOneStatus: pathCalls.length,
        note: 'at-least-once: the beacon carries it at pagehide (its answer cannot be read), so the next page sends it again; receivers drop duplicates by id',
      },
    };
  } finally {
    await sink.close();
  }
}
