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
 * Milliseconds from the start of the bundle's module load (before its download) to a rendered
 * QR code: the `import()` of dist/btc-checkout.js, element registration, key parsing, derivation
 * (including secp256k1's one-time table precomputation), QR encoding and the frame that paints it.
 * Each run is a fresh page with no cache, so every run pays the full cost a first-time buyer pays.
 */
async function loadToQr(browser: Browser, url: string, runs: number): Promise<Record<string, number>> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/load-to-qr.html`);
    times.push(await page.waitForFunction(() => (window as unknown as { qrMs?: number }).qrMs, null, { timeout: 20_000 }).then((h) => h.jsonValue() as Promise<number>));
    await context.close();
  }
  return { runs, medianMs: round(median(times)), p90Ms: round(percentile(times, 0.9)), minMs: round(Math.min(...times)), maxMs: round(Math.max(...times)) };
}

const LOAD_TO_QR_PAGE = `<!doctype html><meta charset="utf-8"><body>
<btc-checkout xpub="zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs" amount="0.0015" index="7"></btc-checkout>
<script type="module">
  const start = performance.now();
  const el = document.querySelector('btc-checkout');
  await import('/dist/btc-checkout.js');
  await new Promise((done) => {
    const check = () => (el.shadowRoot?.querySelector('[part~=qr] path') ? done() : requestAnimationFrame(check));
    check();
  });
  await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
  window.qrMs = performance.now() - start;
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
