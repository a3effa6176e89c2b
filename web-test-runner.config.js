// Browser tests in Debian's Chromium (see toolchain.md: test tools cannot download browsers here).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
// `npm run test:browser` runs this under tsx, so it can start the devnet and the webhook lab
// from their TypeScript sources.
import { startDevnet } from './tools/devnet/server.ts';
import { startWebhookLab } from './test/helpers/webhook-lab.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './test/helpers/chromium.ts';

/**
 * Runs the devnet and the webhook lab beside the test server. Nothing in the tests may reach the
 * internet: pages ask `/__devnet__` where they are, and each test creates its own chain there.
 */
function devnet() {
  let chain;
  let lab;
  return {
    name: 'btc-checkout-devnet',
    async serverStart() {
      // The element suites run on the lenient devnet (no cache, no rate limit): the conformance
      // matrix (test/node/conformance.test.ts) runs the checkout against every real profile.
      [chain, lab] = await Promise.all([startDevnet({ profile: 'lenient' }), startWebhookLab()]);
    },
    async serverStop() {
      await Promise.all([chain?.close(), lab?.close()]);
    },
    serve(context) {
      if (context.path === '/__devnet__') return { body: JSON.stringify({ url: chain.url, lab: lab.url }), type: 'json' };
    },
  };
}

export default {
  nodeResolve: { browser: true },
  plugins: [
    // TypeScript only: with a target set, the plugin would also rewrite dist/btc-checkout.js, and
    // the tests must run the bytes that ship.
    esbuildPlugin({ ts: true }),
    devnet(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
  groups: [
    // Core logic in a real browser: the same files mocha runs in Node.
    { name: 'core', files: 'test/core/**/*.test.ts' },
    // The element, through the shipped bundle dist/btc-checkout.js.
    { name: 'element', files: 'test/element/**/*.test.ts' },
  ],
  // One page at a time: a hidden tab gets no requestAnimationFrame, which @open-wc's fixture()
  // waits on, so concurrent files would stall at random.
  concurrency: 1,
  testFramework: { config: { timeout: 15000 } },
};
