/**
 * Parts of the CDN file that only some checkouts need live in files of their own beside it
 * (btc-checkout-lightning.js), loaded the first time a checkout needs one. Each is loaded through
 * a script element with the `integrity` this file was built with, which the browser enforces: the
 * page's pin on btc-checkout.js covers those files too, as it covers the language files.
 * @module
 */

// A variable, not `new URL(…, import.meta.url)` itself, which bundlers would rewrite.
const here = import.meta.url;
const loads = new Map<string, Promise<unknown>>();

/**
 * What the module `file` (beside this one) hands over: it calls the function left for it at
 * `Symbol.for('btc-checkout:' + file)` on globalThis. Once per page; a failed load is tried again
 * by the next checkout.
 */
export function loadPinnedModule<T>(file: string, integrity: string): Promise<T> {
  let load = loads.get(file) as Promise<T> | undefined;
  if (!load) {
    load = new Promise<T>((resolve, reject) => {
      const slot = Symbol.for(`btc-checkout:${file}`);
      const global = globalThis as unknown as Record<symbol, unknown>;
      global[slot] = (exported: T): void => {
        delete global[slot];
        resolve(exported);
      };
      const script = document.createElement('script');
      script.type = 'module';
      script.src = new URL(file, here).href;
      script.integrity = integrity;
      script.crossOrigin = 'anonymous';
      script.onerror = () =>
        reject(
          new Error(
            `${script.src} could not be loaded: it is missing, is not the file this version was built with, or the page's Content-Security-Policy blocks it.`,
          ),
        );
      document.head.append(script);
    });
    load.catch(() => loads.delete(file));
    loads.set(file, load);
  }
  return load;
}
