/**
 * The packages as a newcomer installs them: `npm pack` both (btc-checkout, and btc-checkout-tools
 * with the devnet and the receiver), install the tarballs into a fresh project with no dev
 * dependencies, and use each entry the README promises from there: `btc-checkout/core` and
 * `btc-checkout/verify` in Node, `import 'btc-checkout'` through a bundler in a page, the CDN file
 * served from node_modules to a page, and the bins through `npx`.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.js';
import { serveStatic } from '../helpers/serve-static.js';
import { VPUB } from '../helpers/shop.js';
import type { Listening } from '../../tools/http.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
/** The first receive address of VPUB on regtest (BIP 84 m/84'/1'/0'/0/0), as core derives it in-tree. */
const FIRST = deriveAddress(parseAccount(VPUB, { network: 'regtest' }), 0);

/** Runs a command line in `cwd`; its output, or a failure with its output. */
async function sh(cwd: string, file: string, args: string[], timeout = 240_000): Promise<string> {
  const { stdout } = await run(file, args, { cwd, timeout, maxBuffer: 16 << 20, env: { ...process.env, npm_config_loglevel: 'error' } });
  return stdout;
}

/** Stops a bin started by {@link startBin}, with npx and the node process it started. */
function stopBin(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // Gone already.
  }
}

/** Starts a bin through npx and waits for the line that says where it listens. */
function startBin(cwd: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group: npx runs the bin as a child, and stopping must reach that child too.
    const child = spawn('npx', ['--no-install', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const timer = setTimeout(() => (stopBin(child), reject(new Error(`${args[0]} said nothing in 60 s:\n${output}`))), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk;
      const url = /https?:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ url, child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`${args[0]} exited (${code}):\n${output}`))));
  });
}

describe('the packed packages, installed into a fresh project', function () {
  this.timeout(600_000);
  let project: string;
  let browser: Browser;
  let devnet: { url: string; child: ChildProcess };
  const servers: Listening[] = [];

  before(async () => {
    project = mkdtempSync(join(tmpdir(), 'btc-checkout-tarball-'));
    const packed = JSON.parse(
      await sh(root, 'npm', ['pack', '--json', '--workspaces', '--include-workspace-root', '--pack-destination', project]),
    ) as { filename: string }[];
    const tarballs = packed.map((entry) => join(project, entry.filename.replace(/^@.*\//, '')));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'fresh-shop',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(
          tarballs.map((file, n) => [packed[n]!.filename.replace(/-\d+\.\d+\.\d+\.tgz$/, ''), `file:${file}`]),
        ),
      }),
    );
    // The registry, or npm's cache of it: what `npm install btc-checkout` would fetch.
    await sh(project, 'npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    devnet = await startBin(project, ['btc-checkout-devnet', '--port', '0']);
  });

  after(async () => {
    if (devnet) stopBin(devnet.child);
    await browser?.close();
    for (const server of servers) await server.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('installs no dev dependency, and the element package none of the tools’ (ws, btc-signer, SQLite)', async () => {
    const tree = JSON.parse(await sh(project, 'npm', ['ls', '--all', '--json', '--omit=dev'])) as {
      dependencies: Record<string, { dependencies?: Record<string, unknown> }>;
    };
    expect(Object.keys(tree.dependencies).sort()).to.deep.equal(['btc-checkout', 'btc-checkout-tools']);
    const element = JSON.parse(readFileSync(join(project, 'node_modules/btc-checkout/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(element.dependencies)).not.to.include.members(['ws', '@scure/btc-signer', 'better-sqlite3']);
    expect(Object.keys(element.dependencies)).to.include.members(['lit', '@scure/bip32', 'qrcode']);
    const everything = await sh(project, 'npm', ['ls', '--all', '--parseable']);
    expect(everything).not.to.match(/node_modules\/(vite|mocha|@web|typescript|playwright-core)$/m);
  });

  it('btc-checkout/core derives in Node, and btc-checkout/verify refuses a call it cannot check', async () => {
    const script = `
      import { parseAccount, deriveAddress, createCheckout } from 'btc-checkout/core';
      import { verifyPayment } from 'btc-checkout/verify';
      const address = deriveAddress(parseAccount(${JSON.stringify(VPUB)}, { network: 'regtest' }), 0);
      const refused = await verifyPayment({ xpub: ${JSON.stringify(VPUB)}, network: 'regtest', api: 'http://127.0.0.1:9', payload: { address: 'nonsense' }, expectedSats: 1000, fetch: async () => { throw new Error('offline'); } });
      console.log(JSON.stringify({ address, checkout: typeof createCheckout, ok: refused.ok }));`;
    const printed = JSON.parse(await sh(project, process.execPath, ['--input-type=module', '-e', script]));
    expect(printed).to.deep.equal({ address: FIRST, checkout: 'function', ok: false });
  });

  /** Bundles `source` with vite as a shop's build would, from the installed packages, into out-<name>/<name>.js. */
  async function bundle(name: string, source: string): Promise<void> {
    writeFileSync(join(project, `${name}.js`), source);
    await build({
      root: project,
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: join(project, `out-${name}`),
        lib: { entry: join(project, `${name}.js`), formats: ['es'], fileName: () => `${name}.js` },
      },
    });
  }

  /** Serves `script` (a module tag) with a checkout on the devnet; the page, once the checkout shows its address. */
  async function shopPage(script: string, tag = 'btc-checkout') {
    const page = `<!doctype html>${script}
      <${tag} xpub="${VPUB}" network="regtest" index="0" amount="0.001" api="${devnet.url}/api"></${tag}>`;
    const site = await serveStatic(project, { '/': page });
    servers.push(site);
    const tab = await browser.newPage();
    await tab.goto(site.url);
    await tab.waitForFunction(
      (name) => (document.querySelector(name) as unknown as { receiveAddress?: string } | null)?.receiveAddress,
      tag,
      { timeout: 30_000 },
    );
    return tab;
  }
  const shownAddress = (tab: Page, tag = 'btc-checkout'): Promise<string> =>
    tab.evaluate((name) => (document.querySelector(name) as unknown as { receiveAddress: string }).receiveAddress, tag);

  it('the CDN file, served from node_modules, shows the address on a page, and its integrity value is the one beside it', async () => {
    const cdn = join(project, 'node_modules/btc-checkout/dist/btc-checkout.js');
    const integrity = readFileSync(`${cdn}.sri`, 'utf8').trim();
    expect(integrity).to.equal(`sha384-${createHash('sha384').update(readFileSync(cdn)).digest('base64')}`);
    const tab = await shopPage(
      `<script type="module" src="/node_modules/btc-checkout/dist/btc-checkout.js" integrity="${integrity}" crossorigin="anonymous"></script>`,
    );
    expect(await shownAddress(tab)).to.equal(FIRST);
    await tab.close();
  });

  it("import 'btc-checkout' works through a bundler (vite) from the installed package", async () => {
    await bundle(
      'shop',
      "import 'btc-checkout';\nimport { BtcCheckout } from 'btc-checkout';\nwindow.registered = customElements.get('btc-checkout') === BtcCheckout;\n",
    );
    const tab = await shopPage('<script type="module" src="/out-shop/shop.js"></script>');
    expect(await tab.evaluate(() => (window as unknown as { registered: boolean }).registered)).to.equal(true);
    expect(await shownAddress(tab)).to.equal(FIRST);
    await tab.close();
  });

  it('btc-checkout/element registers nothing on import; defineBtcCheckout registers the tag the page chooses', async () => {
    await bundle(
      'own-tag',
      "import { defineBtcCheckout } from 'btc-checkout/element';\nwindow.before = customElements.get('btc-checkout') ?? null;\ndefineBtcCheckout('shop-checkout');\n",
    );
    const tab = await shopPage('<script type="module" src="/out-own-tag/own-tag.js"></script>', 'shop-checkout');
    expect(await tab.evaluate(() => (window as unknown as { before: unknown }).before)).to.equal(null);
    expect(await tab.evaluate(() => customElements.get('btc-checkout') ?? null)).to.equal(null);
    expect(await shownAddress(tab, 'shop-checkout')).to.equal(FIRST);
    await tab.close();
  });

  it('ships custom-elements.json where package.json says, naming the tag and every attribute with its property', () => {
    const root = join(project, 'node_modules/btc-checkout');
    const { customElements: path } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { customElements: string };
    const manifest = JSON.parse(readFileSync(join(root, path), 'utf8')) as {
      modules: { path: string; declarations?: { tagName?: string; attributes?: { name: string; fieldName: string }[] }[] }[];
    };
    const element = manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .find((declaration) => declaration.tagName === 'btc-checkout')!;
    expect(element.attributes!.map((attribute) => attribute.name)).to.include.members(['xpub', 'amount', 'address', 'index', 'order-id']);
    expect(element.attributes!.find((attribute) => attribute.name === 'order-id')!.fieldName).to.equal('orderId');
    for (const module of manifest.modules) expect(existsSync(join(root, module.path)), module.path).to.equal(true);
  });

  it('the bins run through npx: the devnet answers REST, the receiver answers, the price tool makes a key', async () => {
    expect(Number(await (await fetch(`${devnet.url}/api/blocks/tip/height`)).text()))
      .to.be.a('number')
      .and.at.least(0);
    const receiver = await startBin(project, [
      'btc-checkout-receiver',
      '--xpub',
      VPUB,
      '--network',
      'regtest',
      '--api',
      `${devnet.url}/api`,
      '--port',
      '0',
      '--database',
      ':memory:',
    ]);
    try {
      const answer = await fetch(`${receiver.url}/index`, { method: 'POST', body: JSON.stringify({ orderId: 'o-1', network: 'regtest' }) });
      expect(answer.status).to.equal(200);
      expect(((await answer.json()) as { address: string }).address).to.match(/^bcrt1/);
    } finally {
      stopBin(receiver.child);
    }
    expect((await sh(project, 'npx', ['--no-install', 'btc-checkout-price', '--new-key'])).trim()).to.match(/^[0-9a-f]{64}$/);
  });
});
