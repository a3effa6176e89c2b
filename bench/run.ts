/**
 * `npm run bench`: the figures the issues ask for, measured on this machine.
 * Run after `npm run build` (the npm script does both). Prints a table and writes bench/results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic } from './serve.js';

const root = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const BUDGET_GZIP = 51_200;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const round = (n: number): number => Math.round(n * 10) / 10;

function bundleSize(): Record<string, number> {
  const code = readFileSync(join(root, 'dist/btc-checkout.js'));
  return {
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    brotliBytes: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    budgetGzipBytes: BUDGET_GZIP,
  };
}

/**
 * Milliseconds from the start of the bundle's module load (before its download) to a painted
 * QR code, split in two: `module` is download, parse and evaluation of dist/btc-checkout.js;
 * `total` adds the element's work: key parsing, derivation (including secp256k1's one-time table
 * precomputation), QR encoding, and the frame that paints it. Each run is a fresh page with no
 * cache, so every run pays what a first-time buyer pays.
 */
async function loadToQr(browser: Browser, url: string, runs: number): Promise<Record<string, unknown>> {
  const totals: number[] = [];
  const modules: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/load-to-qr.html`);
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
  el.setAttribute('xpub', 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs');
  el.setAttribute('amount', '0.0015');
  el.setAttribute('index', '7');
  document.body.append(el);
  await new Promise((done) => {
    const check = () => (el.shadowRoot?.querySelector('[part~=qr] path') ? done() : requestAnimationFrame(check));
    check();
  });
  await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
  window.timing = { total: performance.now() - start, module };
</script>`;

const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
results.bundle = bundleSize();

const { url, server } = await serveStatic(root, { '/load-to-qr.html': LOAD_TO_QR_PAGE });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  results.chromium = browser.version();
  results.loadToQr = await loadToQr(browser, url, 25);
} finally {
  await browser.close();
  server.close();
}

console.log(JSON.stringify(results, null, 2));
writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
