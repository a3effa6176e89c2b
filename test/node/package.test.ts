/**
 * Checks on what `npm run build` produces: the files a user gets from npm or the CDN.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { BUDGET_GZIP, BUDGET_LIGHTNING_GZIP } from '../helpers/budget.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Module specifiers imported or re-exported by a JavaScript file, read with a real parser. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** Every bare specifier reachable from `entry` through relative imports. */
function bareImportsReachableFrom(entry: string, seen = new Set<string>()): Set<string> {
  const bare = new Set<string>();
  if (seen.has(entry)) return bare;
  seen.add(entry);
  for (const specifier of importsOf(entry)) {
    if (specifier.startsWith('.')) {
      for (const name of bareImportsReachableFrom(join(dirname(entry), specifier), seen)) bare.add(name);
    } else bare.add(specifier);
  }
  return bare;
}

describe('built package', () => {
  it(`keeps the CDN file within its budget: ${BUDGET_GZIP} bytes gzipped`, () => {
    const gzipped = gzipSync(readFileSync(join(root, 'dist/btc-checkout.js')), { level: 9 }).length;
    expect(gzipped, 'gzip bytes of dist/btc-checkout.js').to.be.at.most(BUDGET_GZIP);
  });

  it('dist/btc-checkout.js imports nothing: every dependency is inlined', () => {
    expect(importsOf(join(root, 'dist/btc-checkout.js'))).to.deep.equal([]);
  });

  describe('the Lightning file, beside the CDN file', () => {
    const lightning = (): Buffer => readFileSync(join(root, 'dist/btc-checkout-lightning.js'));
    it(`is within its budget: ${BUDGET_LIGHTNING_GZIP} bytes gzipped`, () => {
      expect(gzipSync(lightning(), { level: 9 }).length, 'gzip bytes of dist/btc-checkout-lightning.js').to.be.at.most(
        BUDGET_LIGHTNING_GZIP,
      );
    });
    it('imports nothing, and hands its session over through the slot the CDN file leaves for it', () => {
      expect(importsOf(join(root, 'dist/btc-checkout-lightning.js'))).to.deep.equal([]);
      expect(lightning().toString()).to.contain('Symbol.for("btc-checkout:btc-checkout-lightning.js")');
    });
    it('is pinned inside the CDN file by its SHA-384, which the browser enforces as the script’s integrity', () => {
      const integrity = `sha384-${createHash('sha384').update(lightning()).digest('base64')}`;
      const cdn = readFileSync(join(root, 'dist/btc-checkout.js'), 'utf8');
      expect(cdn).to.contain(integrity);
      expect(cdn).to.contain('btc-checkout-lightning.js');
      // No BOLT 11 or LNURL code in the file every checkout loads.
      expect(cdn).not.to.contain('payRequest');
      expect(cdn).not.to.contain('BOLT 11');
    });
  });

  it('the core entry never reaches lit or the DOM element', () => {
    const bare = [...bareImportsReachableFrom(join(root, 'dist/lib/core.js'))];
    expect(bare.filter((name) => /^lit|^@lit|qrcode/.test(name))).to.deep.equal([]);
    expect(bare).to.include('@scure/bip32');
  });

  it('the npm entry keeps its dependencies as bare imports, for the user’s bundler to share', () => {
    const bare = bareImportsReachableFrom(join(root, 'dist/lib/index.js'));
    expect([...bare]).to.include.members(['lit', '@scure/bip32']);
  });

  it('every file the exports map names exists', () => {
    const targets: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    expect(targets.length).to.be.greaterThan(4);
    for (const target of targets) expect(existsSync(join(root, target)), target).to.equal(true);
  });

  it('the README pins this version of the CDN file with its integrity value (node scripts/readme-integrity.mjs writes it)', () => {
    const integrity = readFileSync(join(root, 'dist/btc-checkout.js.sri'), 'utf8').trim();
    expect(integrity).to.equal(
      `sha384-${createHash('sha384')
        .update(readFileSync(join(root, 'dist/btc-checkout.js')))
        .digest('base64')}`,
    );
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).to.include(
      `https://cdn.jsdelivr.net/npm/btc-checkout@${pkg.version}/dist/btc-checkout.js" integrity="${integrity}" crossorigin="anonymous"`,
    );
  });

  it('btc-checkout/core exports an explicit list: the public API, not every internal', async () => {
    const core = await import(join(root, 'dist/lib/core.js'));
    const names = Object.keys(core);
    expect(names.length).to.be.within(30, 60);
    expect(names).to.include.members([
      'parseAccount',
      'deriveAddress',
      'createCheckout',
      'verifyPayment',
      'planWebhooks',
      'createOutbox',
      'parseConfig',
    ]);
    expect(names).not.to.include.members(['notEsploraData', 'fetchWithin', 'toChainTx']);
    expect(readFileSync(join(root, 'src/core/index.ts'), 'utf8')).not.to.match(/export \*/);
  });

  it('sideEffects names exactly the files that register the element', () => {
    // src/define.ts too: the CDN build bundles from the sources, and would drop the registration
    // index.ts imports for its side effect alone.
    expect(pkg.sideEffects).to.deep.equal(['./dist/btc-checkout.js', './dist/lib/define.js', './dist/lib/index.js', './src/define.ts']);
    expect(readFileSync(join(root, 'dist/lib/define.js'), 'utf8')).to.match(/customElements|define/);
  });
});
