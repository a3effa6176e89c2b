/**
 * `btc-checkout/locales`: every catalogue besides English, by language tag, for bundler users:
 * `registerLocales(locales)` (from `btc-checkout`) makes them available to every checkout. The
 * CDN file loads these from beside itself instead (locales/<tag>.json, pinned by hash).
 * @module
 */
import type { Messages } from '../messages.js';
import { de } from './de.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';
import { ja } from './ja.js';
import { pt } from './pt.js';
import { zhHans } from './zh-Hans.js';

export { de, es, fr, it, ja, pt, zhHans };

/** The catalogues by the language tag they are chosen for. */
export const locales: Readonly<Record<string, Messages>> = { de, es, fr, it, ja, pt, 'zh-Hans': zhHans };
