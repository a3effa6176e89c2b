import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';

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

const cdn: UserConfig = {
  plugins: [minifyTemplates(), dropAnnotations, subresourceIntegrity],
  // Public-key-only secp256k1: see build/secp256k1-public.ts.
  resolve: {
    alias: [
      { find: /^@noble\/curves\/secp256k1\.js$/, replacement: fileURLToPath(new URL('./build/secp256k1-public.ts', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    // Terser packs this bundle about 2 KB (gzip) smaller than the default minifier.
    minify: 'terser',
    terserOptions: { ecma: 2020, module: true, compress: { passes: 3 } },
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
      entry: { index: 'src/index.ts', define: 'src/define.ts', core: 'src/core/index.ts', verify: 'src/core/verify.ts' },
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

export default defineConfig(({ mode }) => (mode === 'cdn' ? cdn : mode === 'node' ? node : { ...npm, plugins: [demo] }));
