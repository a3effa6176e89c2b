/**
 * `npm run screenshots`: photographs the demo's gallery (demo/gallery.html) in headless Chromium
 * for the README: one picture per state, each with its four cards (a phone and the default
 * width, light and dark), into docs/screenshots/<state>.png. It starts a demo of its own, on
 * free ports, and fails if any card does not reach its state.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startDemo } from '../demo/server.js';
import { SCENES } from '../demo/gallery.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
await mkdir(out, { recursive: true });

const demo = await startDemo({ port: 0, devnetPort: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // The outage cards' 503s are the scene, not a problem.
    if (message.type() === 'error' && !/status of 503/.test(message.text())) problems.push(message.text());
  });
  await page.goto(`${demo.url}gallery.html`);
  await page.waitForFunction(() => document.documentElement.dataset.gallery, null, { timeout: 90_000 });
  if ((await page.evaluate(() => document.documentElement.dataset.gallery)) !== 'ready') {
    throw new Error(`the gallery did not reach every state: ${problems.join('; ')}`);
  }
  // The countdowns tick; the pictures are taken once every card has drawn its state.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  for (const scene of Object.keys(SCENES)) {
    const file = `${out}${scene}.png`;
    await page.locator(`section[data-scene="${scene}"]`).screenshot({ path: file, animations: 'disabled' });
    console.log(`docs/screenshots/${scene}.png`);
  }
} finally {
  await browser.close();
  await demo.close();
}
