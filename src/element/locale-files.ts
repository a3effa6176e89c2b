/**
 * The CDN file's other languages: each catalogue is a JSON file beside it (locales/<tag>.json),
 * fetched when a buyer's language needs it and used only if its SHA-384 is the one pinned in
 * this file at build time. A JSON file cannot run code, and a changed one is refused, so the
 * page's `integrity` on the one script still covers every word the checkout shows.
 * @module
 */
import { PINNED_LOCALES } from 'virtual:btc-checkout-locales';
import { base64urlnopad } from '@scure/base';
import type { FetchLike } from '../core/effects.js';
import { registerLocales, type Messages } from './messages.js';

/** The tags this build can load (none in the npm build: bundler users register them, see locales/index.ts). */
export const loadableLocales: readonly string[] = Object.keys(PINNED_LOCALES);

// A variable, not `new URL(…, import.meta.url)` itself, which bundlers would rewrite.
const here = import.meta.url;
/**
 * The pins are SHA-384 cut to 192 bits (32 characters each, kept small in the file): a changed
 * catalogue would need a second preimage of 192 bits, far beyond reach.
 */
const PIN_BYTES = 24;
const loads = new Map<string, Promise<boolean>>();

/** Loads and registers the catalogue `tag` once per page; false when it cannot be had or verified (then English stays). */
export function loadLocale(tag: string, fetch: FetchLike): Promise<boolean> {
  let load = loads.get(tag);
  if (!load) {
    load = fetchVerified(tag, fetch).then(
      (messages) => (registerLocales({ [tag]: messages }), true),
      (error: Error) => (console.warn(`btc-checkout: the ${tag} catalogue was not used: ${error.message}`), false),
    );
    loads.set(tag, load);
  }
  return load;
}

async function fetchVerified(tag: string, fetch: FetchLike): Promise<Messages> {
  const pinned = PINNED_LOCALES[tag];
  // crypto.subtle exists in secure contexts only (https, localhost): unverifiable means unused.
  if (!pinned || !globalThis.crypto?.subtle) throw new Error('it cannot be verified here');
  const url = new URL(`locales/${tag}.json`, here).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const text = await response.text();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', new TextEncoder().encode(text)));
  if (base64urlnopad.encode(digest.subarray(0, PIN_BYTES)) !== pinned)
    throw new Error(`${url} is not the file this version was built with`);
  return JSON.parse(text) as Messages;
}
