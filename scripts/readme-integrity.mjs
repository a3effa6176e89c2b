// Writes the built CDN file's integrity value (dist/btc-checkout.js.sri) and the package version
// into the README's pinned CDN snippet. Usage: npm run build && node scripts/readme-integrity.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const integrity = readFileSync('dist/btc-checkout.js.sri', 'utf8').trim();
const readme = readFileSync('README.md', 'utf8');
const pinned = /btc-checkout@[0-9][^/]*\/dist\/btc-checkout\.js" integrity="sha384-[A-Za-z0-9+/=]+"/;
if (!pinned.test(readme)) throw new Error('README.md has no pinned CDN snippet to update');
writeFileSync('README.md', readme.replace(pinned, `btc-checkout@${version}/dist/btc-checkout.js" integrity="${integrity}"`));
console.log(`README.md: btc-checkout@${version} ${integrity}`);
