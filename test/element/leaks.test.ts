/**
 * 500 mount/unmount cycles with a live socket each (D01): nothing may be left behind. The probe
 * is imported before the shipped bundle, so every timer, socket and listener it makes is counted.
 */
import { leftovers, lastSocket, pendingTimerSites, type Leftovers } from '../helpers/leak-probe.js';
import { expect, fixture, html } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { ZPUB } from '../helpers/element.js';
import { newChain } from '../helpers/devnet.js';

const CYCLES = 500;

/** Waits for `condition`, leaving no timer behind (open-wc's waitUntil leaves its timeout, and the element with it, for seconds). */
async function until(condition: () => boolean, what: string, timeout: number): Promise<void> {
  const end = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`never ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
/** The live heap after a full collection (Chromium started with --expose-gc). */
const heap = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
};

describe(`${CYCLES} mounts and unmounts with live sockets leave nothing behind (shipped bundle)`, function () {
  this.timeout(600_000);

  it('no timer, interval, open socket or listener is left, and the heap settles', async () => {
    const chain = await newChain();
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const before: Leftovers = leftovers();
    const heapAt: number[] = [];
    for (let n = 0; n < CYCLES; n++) {
      const el = document.createElement('btc-checkout') as BtcCheckout;
      // A fixed index spreads the cycles over 500 addresses.
      for (const [name, value] of Object.entries({
        xpub: ZPUB,
        index: String(n),
        amount: '0.001',
        api: chain.api,
        ws: chain.ws,
        expires: '900',
      }))
        el.setAttribute(name, value);
      host.append(el);
      await until(() => el.status === 'awaiting', `awaiting (cycle ${n}: ${el.status})`, 10_000);
      const socket = lastSocket();
      await until(() => socket?.readyState === WebSocket.OPEN, 'an open socket', 5_000);
      el.remove();
      if (n === 49 || n === CYCLES - 1) heapAt.push(await heap());
    }
    // What a removal starts (a socket's close handshake) gets a moment to finish.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = leftovers();
    heapAt[1] = await heap();
    console.log(
      `leaks after ${CYCLES} cycles: ${JSON.stringify({ before, after, heapAfter50: heapAt[0], heapAfter500: heapAt[1], growthPerCycleBytes: Math.round((heapAt[1]! - heapAt[0]!) / (CYCLES - 50)), heapMode: typeof (globalThis as { gc?: unknown }).gc, timerSites: pendingTimerSites() })}`,
    );
    expect(after.socketsOpened - before.socketsOpened, 'a socket per cycle at least').to.be.at.least(CYCLES);
    expect(after.openSockets, 'sockets left open').to.equal(before.openSockets);
    expect(after.intervals, 'intervals left running').to.equal(before.intervals);
    expect(after.listeners, 'window and document listeners left').to.equal(before.listeners);
    expect(after.timers, `timers left pending: ${JSON.stringify(pendingTimerSites())}`).to.equal(before.timers);
    // What stays is caches that stop growing (lit's templates, the QR encoder's tables): per cycle,
    // a leaked checkout (its invoice, socket and closures) would hold tens of kilobytes.
    expect((heapAt[1]! - heapAt[0]!) / (CYCLES - 50), 'heap growth per cycle (bytes)').to.be.below(2_048);
  });
});
