/**
 * Issue 12's benchmarks, measured the way a buyer meets the checkout:
 * - time to QR for the default configuration (allocation, no index) and a fixed index, on
 *   localhost and at 100 ms a REST answer, the four variants interleaved run by run, with the
 *   page's main-thread CPU time (Chromium's TaskDuration) next to the wall time;
 * - detection from the chain's push next to the polling peers use (a 2 s and a 5 s poll for the
 *   payment, BTCPay's 30 s while confirming), all watching the same payments in the same run;
 * - REST requests per hour of an open checkout, socket up and socket down;
 * - idle CPU per element, and memory after an hour of blocks.
 */
import type { Browser, Page } from 'playwright-core';
import type { Devnet } from '../tools/devnet/server.js';
import { clockOffset, median, percentile, round, ZPUB } from './stats.js';

/** Mounts one checkout with the given attributes; resolves when its QR is painted. Pollers watch an address as peers do. */
export const HONEST_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  const started = performance.now();
  await import('/dist/btc-checkout.js');
  window.events = [];
  window.mount = (attributes) => {
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries(attributes)) if (value !== null) el.setAttribute(name, value);
    el.addEventListener('btc-checkout-status', (event) => window.events.push({ status: event.detail.status, at: performance.timeOrigin + performance.now() }));
    document.body.append(el);
    return new Promise((done) => {
      const check = () => (el.shadowRoot?.querySelector('[part~=qr] path') ? requestAnimationFrame(() => setTimeout(() => done({ ms: performance.now() - started, address: el.receiveAddress }), 0)) : requestAnimationFrame(check));
      check();
    });
  };
  /** A peer's poller: asks the listing every intervalMs from a random phase; records when it first shows txid (confirmed, if asked). */
  window.poll = (api, address, txid, intervalMs, confirmed) => new Promise((found) => {
    const ask = async () => {
      const list = await (await fetch(api + '/address/' + address + '/txs')).json().catch(() => []);
      const tx = list.find((tx) => tx.txid === txid);
      if (tx && (!confirmed || tx.status.confirmed)) return found(performance.timeOrigin + performance.now());
      setTimeout(ask, intervalMs);
    };
    setTimeout(ask, Math.random() * intervalMs);
  });
</script>`;

/** Chromium's main-thread busy time (TaskDuration) of `page`, counted from this call on. */
const cpuMeter = async (page: Page): Promise<() => Promise<number>> => {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  return async () => {
    const { metrics } = (await session.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
};

const summary = (values: number[]) => ({ medianMs: round(median(values)), p90Ms: round(percentile(values, 0.9)) });

/** Time to QR and main-thread CPU, four variants interleaved. */
async function timeToQr(browser: Browser, url: string, devnet: Devnet, rounds: number) {
  const variants = [
    { name: 'allocation, localhost', index: null, latencyMs: 0 },
    { name: 'fixed index, localhost', index: '7', latencyMs: 0 },
    { name: 'allocation, 100 ms', index: null, latencyMs: 100 },
    { name: 'fixed index, 100 ms', index: '7', latencyMs: 100 },
  ];
  const wall = new Map(variants.map((variant) => [variant.name, [] as number[]]));
  const cpu = new Map(variants.map((variant) => [variant.name, [] as number[]]));
  for (let round_ = 0; round_ < rounds; round_++) {
    for (const variant of variants) {
      const chain = devnet.createChain({ profile: 'mempool', network: 'mainnet', latencyMs: variant.latencyMs });
      const context = await browser.newContext();
      const page = await context.newPage();
      const cpuMs = await cpuMeter(page);
      await page.goto(`${url}/honest.html`);
      await page.waitForFunction(() => (window as any).mount);
      const shown = (await page.evaluate(([xpub, api, index]) => (window as any).mount({ xpub, amount: '0.001', api, index }), [
        ZPUB,
        `${devnet.url}/chains/${chain.id}/api`,
        variant.index,
      ] as const)) as { ms: number };
      wall.get(variant.name)!.push(shown.ms);
      cpu.get(variant.name)!.push(await cpuMs());
      await context.close();
    }
  }
  return Object.fromEntries(
    variants.map((variant) => [variant.name, { wall: summary(wall.get(variant.name)!), mainThreadCpu: summary(cpu.get(variant.name)!) }]),
  );
}

/** The widget's push detection and peers' polling, watching the same payments. */
async function detection(browser: Browser, url: string, devnet: Devnet, runs: number) {
  const page = await browser.newPage();
  await page.goto(`${url}/honest.html`);
  await page.waitForFunction(() => (window as any).mount);
  const clock = await clockOffset(page);
  const seen = {
    push: [] as number[],
    poll2s: [] as number[],
    poll5s: [] as number[],
    confirmPush: [] as number[],
    confirmPoll30s: [] as number[],
  };
  for (let run = 0; run < runs; run++) {
    const chain = devnet.createChain({ network: 'mainnet' });
    const api = `${devnet.url}/chains/${chain.id}/api`;
    await page.evaluate(() => (((window as any).events = []), document.body.replaceChildren(), localStorage.clear()));
    const { address } = (await page.evaluate(
      ([xpub, api, index]) => (window as any).mount({ xpub, amount: '0.001', api, index, confirmations: '1' }),
      [ZPUB, api, String(run)] as const,
    )) as { address: string };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { txid } = chain.chain.pay([{ address, sats: 100_000 }]);
    const paidAt = chain.lastPushAt;
    const pollers = Promise.all(
      [2_000, 5_000].map((ms) =>
        page.evaluate(([api, address, txid, ms]) => (window as any).poll(api, address, txid, ms, false), [api, address, txid, ms] as const),
      ),
    );
    const status = async (wanted: string): Promise<number> =>
      ((await (
        await page.waitForFunction((wanted) => (window as any).events.find((event: any) => event.status === wanted)?.at, wanted, {
          timeout: 60_000,
        })
      ).jsonValue()) as number) - clock.offsetMs;
    seen.push.push((await status('unconfirmed')) - paidAt);
    const [at2, at5] = (await pollers).map((at) => (at as number) - clock.offsetMs);
    seen.poll2s.push(at2! - paidAt);
    seen.poll5s.push(at5! - paidAt);
    const confirmPoller = page.evaluate(([api, address, txid]) => (window as any).poll(api, address, txid, 30_000, true), [
      api,
      address,
      txid,
    ] as const);
    chain.chain.mine(1);
    const minedAt = chain.lastPushAt;
    seen.confirmPush.push((await status('paid')) - minedAt);
    seen.confirmPoll30s.push(((await confirmPoller) as number) - clock.offsetMs - minedAt);
  }
  await page.close();
  const push = median(seen.push);
  const confirmPush = median(seen.confirmPush);
  return {
    runs,
    payment: {
      pushMedianMs: round(push),
      poll2sMedianMs: round(median(seen.poll2s)),
      poll5sMedianMs: round(median(seen.poll5s)),
      poll2sOverPush: round(median(seen.poll2s) / push),
      poll5sOverPush: round(median(seen.poll5s) / push),
    },
    confirmation: {
      pushMedianMs: round(confirmPush),
      poll30sMedianMs: round(median(seen.confirmPoll30s)),
      poll30sOverPush: round(median(seen.confirmPoll30s) / confirmPush),
    },
  };
}

/** REST requests of one open checkout over `seconds`, scaled to an hour, with the socket up and down. */
async function requestsPerHour(browser: Browser, url: string, devnet: Devnet, seconds: number) {
  const result: Record<string, number> = {};
  await Promise.all(
    (['socket up', 'socket down'] as const).map(async (variant) => {
      const chain = devnet.createChain({ network: 'mainnet' });
      const page = await browser.newPage();
      await page.goto(`${url}/honest.html`);
      await page.waitForFunction(() => (window as any).mount);
      await page.evaluate(([xpub, api, ws]) => (window as any).mount({ xpub, amount: '0.001', api, index: '3', ws }), [
        ZPUB,
        `${devnet.url}/chains/${chain.id}/api`,
        variant === 'socket up' ? null : 'none',
      ] as const);
      const before = chain.stats.rest.total;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      result[variant] = Math.round(((chain.stats.rest.total - before) * 3600) / seconds);
      await page.close();
    }),
  );
  return { measuredSeconds: seconds, awaitingRequestsPerHour: result };
}

/** Main-thread CPU of ten awaiting checkouts over `seconds`, per element; the heap after an hour of blocks. */
export async function idleAndMemory(browser: Browser, url: string, devnet: Devnet, seconds: number) {
  const chain = devnet.createChain({ network: 'mainnet' });
  const page = await browser.newPage();
  const cpuMs = await cpuMeter(page);
  await page.goto(`${url}/honest.html`);
  await page.waitForFunction(() => (window as any).mount);
  for (let n = 0; n < 10; n++)
    await page.evaluate(([xpub, api, index, expires]) => (window as any).mount({ xpub, amount: '0.001', api, index, expires }), [
      ZPUB,
      `${devnet.url}/chains/${chain.id}/api`,
      String(n),
      process.env.IDLE_EXPIRES ?? '60',
    ] as const);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const cpuBefore = await cpuMs();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const idleCpuMsPerElementPerSecond = (await cpuMs()) - cpuBefore;
  const heap = async (): Promise<number> => {
    await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.());
    return page.evaluate(() => (performance as any).memory?.usedJSHeapSize ?? 0);
  };
  const heapBefore = await heap();
  // An hour of blocks: six, each with a hundred transactions to other addresses, a tenth of a second apart.
  for (let block = 0; block < 6; block++) {
    for (let n = 0; n < 100; n++) chain.chain.pay([{ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', sats: 1_000 + n }]);
    chain.chain.mine(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const heapAfter = await heap();
  await page.close();
  return {
    elements: 10,
    idleCpuMsPerElementPerSecond: Math.round((idleCpuMsPerElementPerSecond / 10 / seconds) * 1000) / 1000,
    heapBytesBeforeBlocks: heapBefore,
    heapBytesAfterAnHourOfBlocks: heapAfter,
  };
}

export async function honestFigures(browser: Browser, url: string, devnet: Devnet) {
  return {
    timeToQr: await timeToQr(browser, url, devnet, 8),
    detection: await detection(browser, url, devnet, 6),
    requests: await requestsPerHour(browser, url, devnet, 60),
    idle: await idleAndMemory(browser, url, devnet, 20),
  };
}
