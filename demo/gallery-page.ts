/**
 * demo/gallery.html: the element from the sources, every language registered, a new visitor's
 * storage, then the gallery. `?lang=de` shows it in another language; `?scenes=paid,expired`
 * shows some scenes only. The page says when every card has reached its state
 * (`data-gallery="ready"` on <html>), which is what the screenshot script waits for.
 */
import { registerLocales } from '../src/index.js';
import { locales } from '../src/element/locales/index.js';
import { buildGallery, type SceneName } from './gallery.js';

registerLocales(locales);
const query = new URLSearchParams(location.search);
if (query.get('lang')) document.documentElement.lang = query.get('lang')!;

// A new visitor: no invoice kept from the last visit, no address held by this device.
for (const key of Object.keys(localStorage)) if (key.startsWith('btc-checkout:')) localStorage.removeItem(key);
await new Promise((done) => {
  const request = indexedDB.deleteDatabase('btc-checkout');
  request.onsuccess = request.onerror = request.onblocked = done;
});

const { url } = (await (await fetch('/__devnet__')).json()) as { url: string };
const scenes = query.get('scenes')?.split(',') as SceneName[] | undefined;
const cards = buildGallery(document.getElementById('gallery')!, url, { scenes });
const outcomes = await Promise.allSettled(cards.map((card) => card.ready));
const failed = outcomes.flatMap((outcome, i) =>
  outcome.status === 'rejected' ? [`${cards[i]!.scene} (${cards[i]!.width}, ${cards[i]!.scheme}): ${outcome.reason}`] : [],
);
if (failed.length) console.error(`gallery: ${failed.join('; ')}`);
document.documentElement.dataset.gallery = failed.length ? 'failed' : 'ready';
