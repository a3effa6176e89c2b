/**
 * The CDN file's size budget, gzip level 9 bytes of dist/btc-checkout.js: asserted by npm test
 * (test/node/package.test.ts) and reported by npm run bench. It was 50 KiB; attribution, device
 * claims, price tokens and the hardening against the adversarial review took the file to 56.3 KiB
 * (57,651 B). 57 KiB holds it there until the renovation (issue 13) brings it down.
 */
export const BUDGET_GZIP = 58_368;
