import { waitUntil } from '@open-wc/testing';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';

export const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
export const XPUB_86 = 'xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ';

/** Forgets the device's claims (see src/element/device-claims.ts), as a new visitor has none. */
export function clearDeviceClaims(): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.open('btc-checkout', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('claims');
    request.onerror = () => resolve();
    request.onsuccess = () => {
      const database = request.result;
      const transaction = database.transaction('claims', 'readwrite');
      transaction.objectStore('claims').clear();
      transaction.oncomplete = transaction.onerror = () => (database.close(), resolve());
    };
  });
}

// Every test is a new visitor: no invoice, outbox, allocation memory or claim left by another test.
localStorage.clear();
beforeEach(async () => {
  localStorage.clear();
  await clearDeviceClaims();
});

/** Resolves once the element reports `status` (and has rendered it). */
export async function untilStatus(el: BtcCheckout, status: string, timeout = 5000): Promise<void> {
  // The live property and the rendered attribute must agree: the attribute lags until the next render.
  await waitUntil(() => el.status === status && el.getAttribute('status') === status, `status never became ${status} (is ${el.status})`, {
    timeout,
  });
  await el.updateComplete;
}

export const part = (el: Element, name: string): HTMLElement | null => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

export const text = (el: Element, name: string): string => (part(el, name)?.textContent ?? '').replace(/\s+/g, ' ').trim();
