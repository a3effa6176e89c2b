/**
 * `npm run bench`: the figures the issues ask for, measured on this machine.
 * Run after `npm run build` (the npm script does both). Prints a table and writes bench/results.json.
 */
import { BUDGET_GZIP } from '../test/helpers/budget.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from '../test/helpers/serve-static.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.js';
import { startDevnet, type Devnet } from '../tools/devnet/server.js';
import { clockOffset, median, percentile, round, ZPUB } from './stats.js';
import { WEBHOOK_PAGE, webhookDelivery } from './webhooks.js';
import { allocationFigures, CROWD_PAGE } from './allocation.js';
import { attributionFigures } from './attribution.js';
import { receiverFlood } from './receiver-flood.js';
import { PROFILE_PAGE, profileFigures } from './profiles.js';
import { HONEST_PAGE, honestFigures, idleAndMemory } from './honest.js';
import { LIGHTNING_PAGE, lightningFigures } from './lightning.js';

const root = resolve(import.meta.dirname, '..');

function bundleSize(): Record<string, number> {
  const code = readFileSync(join(root, 'dist/btc-checkout.js'));
  return {
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    brotliBytes: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    budgetGzipBytes: BUDGET_GZIP,
    // Loaded beside it only for a checkout with a Lightning Address.
    lightningGzipBytes: gzipSync(readFileSync(join(root, 'dist/btc-checkout-lightning.js')), { level: 9 }).length,
  };
}

/**
 * Milliseconds from the start of the bundle's module load (before its download) to a painted
 * QR code, split in two: `module` is download, parse and evaluation of dist/btc-checkout.js;
 * `total` adds the element's work: key parsing, derivation (including secp256k1's one-time table
 * precomputation), the websocket subscription and the REST reconcile that establish the address's
 * history (on the local devnet), QR encoding, and the frame that paints it. Each run is a fresh
 * page with no cache, so every run pays what a first-time buyer pays.
 */
async function loadToQr(browser: Browser, url: string, devnet: Devnet, runs: number): Promise<Record<string, unknown>> {
  const totals: number[] = [];
  const modules: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const chain = devnet.createChain();
    await page.goto(`${url}/load-to-qr.html?api=${encodeURIComponent(`${devnet.url}/chains/${chain.id}/api`)}`);
    const { total, module } = await page
      .waitForFunction(() => (window as unknown as { timing?: { total: number; module: number } }).timing, null, { timeout: 20_000 })
      .then((handle) => handle.jsonValue() as Promise<{ total: number; module: number }>);
    totals.push(total);
    modules.push(module);
    await context.close();
  }
  return {
    runs,
    medianMs: round(median(totals)),
    p90Ms: round(percentile(totals, 0.9)),
    minMs: round(Math.min(...totals)),
    maxMs: round(Math.max(...totals)),
    moduleMedianMs: round(median(modules)),
    elementMedianMs: round(median(totals.map((t, i) => t - modules[i]!))),
  };
}

const LOAD_TO_QR_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  const start = performance.now();
  await import('/dist/btc-checkout.js');
  const module = performance.now() - start;
  const el = document.createElement('btc-checkout');
  el.setAttribute('xpub', '${ZPUB}');
  el.setAttribute('amount', '0.0015');
  el.setAttribute('index', '7');
  el.setAttribute('api', new URLSearchParams(location.search).get('api'));
  document.body.append(el);
  await new Promise((done) => {
    const check = () => (el.shadowRoot?.querySelector('[part~=qr] path') ? done() : requestAnimationFrame(check));
    check();
  });
  await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
  window.timing = { total: performance.now() - start, module };
</script>`;

/** A page that mounts one checkout per run on request and reports its status events. */
const WATCH_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script type="module">
  await import('/dist/btc-checkout.js');
  window.events = [];
  window.mount = (attributes) => {
    // Each run is a new visitor: no invoice kept from the run before.
    localStorage.clear();
    document.body.replaceChildren();
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.addEventListener('btc-checkout-status', (event) => window.events.push({ status: event.detail.status, at: performance.timeOrigin + performance.now() }));
    document.body.append(el);
    return new Promise((ready) => el.addEventListener('btc-checkout-status', (event) => event.detail.status === 'awaiting' && ready(el.receiveAddress)));
  };
</script>`;

/** When the page saw `status`, on this process's clock (`offsetMs` from clockOffset). */
async function statusAt(page: Page, status: string, offsetMs = 0): Promise<number> {
  const handle = await page.waitForFunction((wanted) => (window as any).events.find((event: any) => event.status === wanted)?.at, status, {
    timeout: 30_000,
  });
  return ((await handle.jsonValue()) as number) - offsetMs;
}

/**
 * Live detection: milliseconds from the devnet pushing a payment over the websocket to the
 * page's btc-checkout-status event (the page's stamps moved onto Node's clock, see clockOffset),
 * and the REST requests one checkout makes while its socket stays up, through a whole
 * lifecycle (awaiting → unconfirmed → confirming → paid with 3 confirmations).
 */
async function liveDetection(browser: Browser, url: string, devnet: Devnet, runs: number): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  await page.goto(`${url}/watch.html`);
  await page.waitForFunction(() => (window as any).mount);
  const latencies: number[] = [];
  const restPerCheckout: number[] = [];
  const clock = await clockOffset(page);
  for (let i = 0; i < runs; i++) {
    const chain = devnet.createChain();
    await page.evaluate(() => ((window as any).events = []));
    const address = await page.evaluate(
      ([api, index, xpub]) => (window as any).mount({ xpub, index, amount: '0.001', confirmations: '3', api }),
      [`${devnet.url}/chains/${chain.id}/api`, String(i), ZPUB],
    );
    chain.chain.pay([{ address, sats: 100_000 }]);
    const pushedAt = chain.lastPushAt;
    latencies.push((await statusAt(page, 'unconfirmed', clock.offsetMs)) - pushedAt);
    chain.chain.mine(1);
    await statusAt(page, 'confirming');
    chain.chain.mine(2);
    await statusAt(page, 'paid');
    restPerCheckout.push(chain.stats.rest.total);
  }
  await page.close();
  return {
    runs,
    pushToStatusMedianMs: round(median(latencies)),
    pushToStatusP90Ms: round(percentile(latencies, 0.9)),
    pushToStatusMaxMs: round(Math.max(...latencies)),
    pageClock: { offsetMs: round(clock.offsetMs), uncertaintyMs: round(clock.errorMs) },
    restRequestsPerCheckout: { median: median(restPerCheckout), max: Math.max(...restPerCheckout) },
    restRoutes: 'GET /blocks/tip/height and GET /address/:a/txs, once, after subscribing',
  };
}

/**
 * Polling only (ws="none"): milliseconds from broadcasting a payment to the status event. The
 * payment lands at a random moment of the 5-second polling cycle, as a real one would.
 */
async function pollingDetection(browser: Browser, url: string, devnet: Devnet, runs: number): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  await page.goto(`${url}/watch.html`);
  await page.waitForFunction(() => (window as any).mount);
  const latencies: number[] = [];
  const clock = await clockOffset(page);
  for (let i = 0; i < runs; i++) {
    const chain = devnet.createChain();
    await page.evaluate(() => ((window as any).events = []));
    const address = await page.evaluate(
      ([api, xpub]) => (window as any).mount({ xpub, index: '0', amount: '0.001', ws: 'none', api }),
      [`${devnet.url}/chains/${chain.id}/api`, ZPUB],
    );
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5_000));
    const paidAt = performance.timeOrigin + performance.now();
    chain.chain.pay([{ address, sats: 100_000 }]);
    latencies.push((await statusAt(page, 'unconfirmed', clock.offsetMs)) - paidAt);
  }
  await page.close();
  return {
    runs,
    pollIntervalMs: 5_000,
    medianMs: round(median(latencies)),
    p90Ms: round(percentile(latencies, 0.9)),
    maxMs: round(Math.max(...latencies)),
  };
}

// BENCH_ONLY=webhooks,allocation runs some sections and prints them without writing results.json.
const only = process.env.BENCH_ONLY?.split(',');
const want = (section: string): boolean => !only || only.includes(section);
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
results.bundle = bundleSize();

const devnet = await startDevnet({ profile: 'lenient' });
const { url, close: closeStatic } = await serveStatic(root, {
  '/load-to-qr.html': LOAD_TO_QR_PAGE,
  '/watch.html': WATCH_PAGE,
  '/webhook.html': WEBHOOK_PAGE,
  '/crowd.html': CROWD_PAGE,
  '/profile.html': PROFILE_PAGE,
  '/honest.html': HONEST_PAGE,
  '/lightning.html': LIGHTNING_PAGE,
});
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
try {
  results.chromium = browser.version();
  if (want('loadToQr')) results.loadToQr = await loadToQr(browser, url, devnet, 25);
  if (want('liveDetection')) results.liveDetection = await liveDetection(browser, url, devnet, 25);
  if (want('pollingDetection')) results.pollingDetection = await pollingDetection(browser, url, devnet, 12);
  if (want('webhooks')) results.webhooks = await webhookDelivery(browser, url, devnet, 10);
  if (want('allocation')) results.allocation = await allocationFigures(browser, url, devnet);
  if (want('attribution')) results.attribution = await attributionFigures(browser, url, devnet);
  if (want('receiverFlood')) results.receiverFlood = await receiverFlood(devnet);
  if (want('profiles')) results.profiles = await profileFigures(browser, url, devnet);
  if (want('honest')) results.honest = await honestFigures(browser, url, devnet);
  if (want('lightning')) results.lightning = await lightningFigures(browser, url, devnet);
  // The idle figures alone (also part of honest), for comparing a change quickly.
  if (only?.includes('idle')) results.idle = await idleAndMemory(browser, url, devnet, 20);
} finally {
  await browser.close();
  await closeStatic();
  await devnet.close();
}

console.log(JSON.stringify(results, null, 2));
if (!only) writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
