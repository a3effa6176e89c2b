import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin, type Rollup, type UserConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';
import { locales } from './src/element/locales/index.js';

/**
 * Two builds from one source:
 * - `vite build`: the npm package in dist/lib, with bare imports so the user's bundler
 *   dedupes lit and the @scure libraries, one file per module;
 * - `vite build --mode cdn`: dist/btc-checkout.js, one minified ES module with every dependency
 *   inlined, which defines <btc-checkout> when loaded. It is the file the tests load.
 */
const external = (id: string): boolean => /^(lit|@lit|@scure|@noble|qrcode)(\/|$)/.test(id);

/**
 * Writes the CDN file's Subresource Integrity value (sha384, as `integrity` wants it) beside it,
 * as dist/btc-checkout.js.sri: a merchant pins the file they host or load with it.
 */
const subresourceIntegrity: Plugin = {
  name: 'btc-checkout:sri',
  generateBundle(_options, bundle) {
    const file = bundle['btc-checkout.js'];
    if (file?.type !== 'chunk') return;
    const integrity = `sha384-${createHash('sha384').update(file.code).digest('base64')}`;
    this.emitFile({ type: 'asset', fileName: 'btc-checkout.js.sri', source: `${integrity}\n` });
  },
};

/**
 * Drops the `/* @__PURE__ *\/` annotations the bundler leaves in the minified file: they guide
 * tree-shaking, which is done by then, and cost about 2 KB of the file merchants host.
 */
const dropAnnotations: Plugin = {
  name: 'btc-checkout:drop-annotations',
  generateBundle(_options, bundle) {
    const file = bundle['btc-checkout.js'];
    if (file?.type === 'chunk') file.code = file.code.replaceAll('/* @__PURE__ */', '');
  },
};

/**
 * The catalogues besides English. The CDN build writes each as locales/<tag>.json beside the
 * file and pins its SHA-384 inside it (virtual:btc-checkout-locales; see locale-files.ts), so the
 * file loads only the language a buyer needs and trusts only the bytes it was built with. The
 * npm build pins none: bundler users import them from btc-checkout/locales.
 */
function localeFiles(pin: boolean): Plugin {
  const files = Object.entries(locales).map(([tag, messages]) => [tag, JSON.stringify(messages)] as const);
  const id = '\0btc-checkout-locales';
  return {
    name: 'btc-checkout:locales',
    resolveId: (source) => (source === 'virtual:btc-checkout-locales' ? id : null),
    load(source) {
      if (source !== id) return null;
      // SHA-384 cut to its first 24 bytes, base64url: what locale-files.ts compares (PIN_BYTES).
      const pinOf = (json: string): string => createHash('sha384').update(json).digest().subarray(0, 24).toString('base64url');
      const pinned = pin ? Object.fromEntries(files.map(([tag, json]) => [tag, pinOf(json)])) : {};
      return `export const PINNED_LOCALES = ${JSON.stringify(pinned)};`;
    },
    generateBundle() {
      if (pin) for (const [tag, json] of files) this.emitFile({ type: 'asset', fileName: `locales/${tag}.json`, source: json });
    },
  };
}

const terserOptions = { ecma: 2020, module: true, compress: { passes: 3 } } as const;

/**
 * Lightning, for checkouts with a Lightning Address only (virtual:btc-checkout-lightning). The
 * CDN build writes it as btc-checkout-lightning.js beside the file, built on its own with what it
 * needs inlined, and pins its SHA-384 inside the file, which loads it through a script element
 * with that `integrity` (element/pinned-module.ts). The npm build imports it, for the user's
 * bundler to split.
 */
function lightningModule(cdn: boolean): Plugin {
  const id = '\0btc-checkout-lightning';
  const file = 'btc-checkout-lightning.js';
  const path = (relative: string): string => JSON.stringify(fileURLToPath(new URL(relative, import.meta.url)));
  let code = '';
  return {
    name: 'btc-checkout:lightning',
    resolveId: (source) => (source === 'virtual:btc-checkout-lightning' ? id : null),
    async buildStart() {
      if (!cdn) return;
      const output = (await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          write: false,
          target: 'es2022',
          minify: 'terser',
          terserOptions,
          lib: { entry: 'src/lightning-module.ts', formats: ['es'], fileName: () => file },
        },
      })) as Rollup.RollupOutput[];
      code = output[0]!.output[0].code.replaceAll('/* @__PURE__ */', '');
    },
    load(source) {
      if (source !== id) return null;
      if (!cdn)
        return `export const loadLightning = () => import(${path('./src/core/lightning-session.ts')}).then((module) => module.createLightningSession);`;
      const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
      return `import { loadPinnedModule } from ${path('./src/element/pinned-module.ts')};
export const loadLightning = () => loadPinnedModule(${JSON.stringify(file)}, ${JSON.stringify(integrity)});`;
    },
    generateBundle() {
      if (cdn) this.emitFile({ type: 'asset', fileName: file, source: code });
    },
  };
}

const cdn: UserConfig = {
  plugins: [minifyTemplates(), dropAnnotations, subresourceIntegrity, localeFiles(true), lightningModule(true)],
  // Public-key-only secp256k1: see build/secp256k1-public.ts.
  resolve: {
    alias: [
      { find: /^@noble\/curves\/secp256k1\.js$/, replacement: fileURLToPath(new URL('./build/secp256k1-public.ts', import.meta.url)) },
      // qrcode's segment optimiser: qr.ts gives it its segments, so the search is never run.
      { find: /^dijkstrajs$/, replacement: fileURLToPath(new URL('./build/no-segment-search.cjs', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    // Terser packs this bundle about 2 KB (gzip) smaller than the default minifier.
    minify: 'terser',
    terserOptions,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'btc-checkout.js' },
  },
};

const npm: UserConfig = {
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: {
        index: 'src/index.ts',
        element: 'src/element.ts',
        locales: 'src/element/locales/index.ts',
        define: 'src/define.ts',
        core: 'src/core/index.ts',
        verify: 'src/core/verify.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      external,
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
};

/**
 * `vite build --mode node`: the btc-checkout-tools package (tools/: devnet, receiver, price
 * signer) into tools/dist, with the core it uses inlined and its dependencies left as imports.
 */
const node: UserConfig = {
  build: {
    outDir: 'tools/dist',
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    minify: false,
    rollupOptions: {
      input: {
        devnet: 'tools/devnet/index.ts',
        'devnet-cli': 'tools/devnet/cli.ts',
        receiver: 'tools/receiver/server.ts',
        'receiver-cli': 'tools/receiver/cli.ts',
        'price-cli': 'tools/receiver/price-cli.ts',
      },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
};

/** `npm start`: the demo page, from the sources, at http://localhost:5173/. */
const demo: Plugin = {
  name: 'btc-checkout:demo-home',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url !== '/') return next();
      res.writeHead(302, { location: '/demo/' });
      res.end();
    });
  },
};

export default defineConfig(({ mode }) =>
  mode === 'cdn' ? cdn : mode === 'node' ? node : { ...npm, plugins: [demo, localeFiles(false), lightningModule(false)] },
);
