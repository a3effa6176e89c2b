/**
 * A checkout that goes away takes its reads from the API with it: a browser opens only six
 * connections to a host, and a stalled API would otherwise hold them for up to 20 s after the
 * element is gone, stalling every other checkout and request to that host (seen when a
 * gallery of loading cards was taken down). Webhook calls are left to finish.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { untilStatus, ZPUB } from '../helpers/element.js';
import { control, newChain, newSink } from '../helpers/devnet.js';

describe('<btc-checkout> and the browser’s connections (shipped bundle)', () => {
  it('cancels its reads from the API when it is removed, and leaves its webhook calls alone', async () => {
    const chain = await newChain();
    const sink = await newSink();
    const signals: { url: string; signal: AbortSignal | undefined }[] = [];
    // The effects go in before the element starts, as an embedding sets them.
    const el = document.createElement('btc-checkout') as BtcCheckout;
    el.effects = {
      fetch: (url, init) => {
        signals.push({ url, signal: init?.signal as AbortSignal | undefined });
        // The webhook call never answers, as a slow shop server; the API answers.
        return url.startsWith(sink.url) ? new Promise(() => undefined) : fetch(url, init as RequestInit);
      },
    };
    for (const [name, value] of Object.entries({ api: chain.api, xpub: ZPUB, index: '3', amount: '0.001', webhook: sink.url })) {
      el.setAttribute(name, value);
    }
    document.body.append(el);
    await untilStatus(el, 'awaiting');
    await control(chain, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    await waitUntil(() => signals.some(({ url }) => url.startsWith(sink.url)), 'the webhook is called');
    const reads = signals.filter(({ url }) => url.startsWith(chain.api));
    expect(reads.length).to.be.above(0);
    el.remove();
    expect(
      reads.every(({ signal }) => signal?.aborted),
      'every read from the API is cancelled',
    ).to.equal(true);
    const webhooks = signals.filter(({ url }) => url.startsWith(sink.url));
    expect(
      webhooks.every(({ signal }) => !signal?.aborted),
      'no webhook call is cancelled',
    ).to.equal(true);
  });

  it('ten checkouts stalled on a slow API, removed, leave the host reachable at once', async function () {
    this.timeout(20_000);
    const slow = await newChain();
    await control(slow, 'latency', { ms: 60_000 });
    const stalled = await fixture<HTMLDivElement>(
      html`<div>
        ${Array.from({ length: 10 }, (_, i) => html`<btc-checkout api=${slow.api} ws="none" xpub=${ZPUB} index=${20 + i} amount="0.001"></btc-checkout>`)}
      </div>`,
    );
    // Long enough for every one to have its reads on the way.
    await new Promise((resolve) => setTimeout(resolve, 500));
    stalled.remove();
    const chain = await newChain();
    const started = performance.now();
    const el = await fixture<BtcCheckout>(html`<btc-checkout api=${chain.api} xpub=${ZPUB} index="40" amount="0.001"></btc-checkout>`);
    await untilStatus(el, 'awaiting', 5_000);
    expect(performance.now() - started, 'not waiting out the stalled requests (20 s)').to.be.below(5_000);
  });
});
