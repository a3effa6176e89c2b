import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import type { FetchLike } from '../../src/core/effects.js';
import { part, text, untilStatus, ZPUB } from '../helpers/element.js';
import { control, newChain, type TestChain } from '../helpers/devnet.js';

/** Waits until the status line reads `expected` (a catalogue arrives a moment after the first render). */
const untilStatusLine = (el: BtcCheckout, expected: string | RegExp): Promise<void> =>
  waitUntil(
    () => (typeof expected === 'string' ? text(el, 'status') === expected : expected.test(text(el, 'status'))),
    `the status line never read ${expected} (reads "${text(el, 'status')}")`,
    { timeout: 5000 },
  );

describe('<btc-checkout> in the buyer’s language (shipped bundle)', () => {
  let chain: TestChain;
  before(async () => {
    chain = await newChain();
  });

  it('lang on the element: the German catalogue, loaded from beside the file, with German numbers', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout lang="de" api=${chain.api} xpub=${ZPUB} index="0" amount="0.0125" show-sats></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    await untilStatusLine(el, 'Wir warten auf Ihre Zahlung.');
    expect(text(el, 'sats')).to.equal('1.250.000 Sats');
    expect(text(el, 'wallet-link')).to.equal('In Wallet öffnen');
    expect(part(el, 'qr')!.getAttribute('aria-label')).to.match(/^QR-Code: 0\.0125 BTC an bc1q/);
    // The BTC amount is what the buyer types into a wallet: a full stop in every language.
    expect(text(el, 'amount')).to.match(/^0\.0125 BTC/);
  });

  it('no lang of its own: the nearest ancestor’s, as <html lang> would give it (Japanese, one plural form)', async () => {
    const host = await fixture<HTMLDivElement>(
      html`<div lang="ja">
        <section><btc-checkout api=${chain.api} xpub=${ZPUB} index="1" amount="0.001" expires="30"></btc-checkout></section>
      </div>`,
    );
    const el = host.querySelector('btc-checkout')!;
    await untilStatus(el, 'awaiting');
    await untilStatusLine(el, 'お支払いをお待ちしています。');
    expect(text(el, 'countdown')).to.match(/^(30|29) 分以内にお支払いください$/);
  });

  it('Simplified Chinese for zh-CN; status changes speak it too', async () => {
    const own = await newChain();
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout lang="zh-CN" api=${own.api} xpub=${ZPUB} index="2" amount="0.001"></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    await untilStatusLine(el, '正在等待您的付款。');
    await control(own, 'pay', { address: el.receiveAddress, sats: 100_000 });
    await untilStatus(el, 'unconfirmed');
    expect(text(el, 'status')).to.equal('已收到付款，正在等待第一次确认。');
  });

  it('a language with no catalogue gets English sentences with English numbers, never a mix', async () => {
    const el = await fixture<BtcCheckout>(
      html`<btc-checkout lang="ko" api=${chain.api} xpub=${ZPUB} index="3" amount="0.0125" show-sats></btc-checkout>`,
    );
    await untilStatus(el, 'awaiting');
    expect(text(el, 'status')).to.equal('Waiting for your payment.');
    expect(text(el, 'sats')).to.equal('1,250,000 sats');
  });

  it('a page replaces any string over the chosen catalogue; the rest stay in the language', async () => {
    const el = document.createElement('btc-checkout');
    Object.assign(el, { lang: 'fr', api: chain.api, xpub: ZPUB, index: '4', amount: '0.001' });
    el.messages = { awaiting: 'On attend votre paiement, merci !' };
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.append(el);
    await untilStatus(el, 'awaiting');
    await untilStatusLine(el, 'On attend votre paiement, merci !');
    expect(text(el, 'wallet-link')).to.equal('Ouvrir dans le portefeuille');
  });

  it('a catalogue that is not the one this file was built with is refused: English stays, and the console says why', async () => {
    // Italian, fetched through the element's effects, altered on the way: as a compromised CDN or server would.
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    const tampering: FetchLike = async (url, init) => {
      const answer = await fetch(url, init as RequestInit);
      const body = (await answer.text()).replace('In attesa del tuo pagamento.', 'Paga a bc1qattacker, per favore.');
      return { ok: answer.ok, status: answer.status, headers: answer.headers, text: async () => body };
    };
    try {
      const el = document.createElement('btc-checkout');
      Object.assign(el, { lang: 'it', api: chain.api, xpub: ZPUB, index: '5', amount: '0.001', effects: { fetch: tampering } });
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      host.append(el);
      await untilStatus(el, 'awaiting');
      await waitUntil(() => warnings.length > 0, 'no warning', { timeout: 5000 });
      await el.updateComplete;
      expect(text(el, 'status')).to.equal('Waiting for your payment.');
      expect(warnings[0]).to.match(/the it catalogue was not used: .*locales\/it\.json is not the file this version was built with/);
    } finally {
      console.warn = warn;
    }
  });
});
