/**
 * The demo's gallery (demo/gallery.ts), built on the shipped bundle: every card reaches its
 * state the way a buyer gets there, every one passes axe-core in light and in dark (contrast
 * included), and nothing spills out of a phone's 320 px. The README's screenshots are taken
 * from this gallery (`npm run screenshots`).
 */
import { expect } from '@open-wc/testing';
import '../../dist/btc-checkout.js';
import { buildGallery, SCENES, type GalleryCard } from '../../demo/gallery.js';

describe('the demo gallery: every state, light and dark, phone and desktop (shipped bundle)', () => {
  let root: HTMLElement;
  let cards: GalleryCard[];
  before(async function () {
    this.timeout(60_000);
    const { url } = (await (await fetch('/__devnet__')).json()) as { url: string };
    root = document.body.appendChild(document.createElement('main'));
    cards = buildGallery(root, url);
    const outcomes = await Promise.allSettled(cards.map((card) => card.ready));
    const failed = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [`${cards[i]!.scene}: ${outcome.reason}`] : []));
    expect(failed, 'every card reaches its state').to.deep.equal([]);
  });
  after(() => root.remove());

  it('has every scene at both widths and in both schemes', () => {
    expect(cards).to.have.length(Object.keys(SCENES).length * 4);
    const states = new Set(cards.map((card) => card.element.status));
    for (const status of ['loading', 'awaiting', 'underpaid', 'unconfirmed', 'confirming', 'paid', 'expired', 'error']) {
      expect(states.has(status as never), status).to.equal(true);
    }
  });

  it('shows dark cards on a dark background, light ones on white', () => {
    for (const card of cards) {
      const background = getComputedStyle(card.element.shadowRoot!.querySelector('section')!).backgroundColor;
      expect(background, `${card.scene} ${card.scheme}`).to.equal(card.scheme === 'dark' ? 'rgb(23, 25, 29)' : 'rgb(255, 255, 255)');
    }
  });

  it('passes axe-core in every state and scheme, contrast included', async function () {
    this.timeout(120_000);
    for (const card of cards.filter((card) => card.width === 'desktop'))
      await expect(card.element, `${card.scene} ${card.scheme}`).to.be.accessible();
  });

  it('fits a 320 px phone in every state: nothing wider than the card', () => {
    for (const card of cards.filter((card) => card.width === 'phone')) {
      const section = card.element.shadowRoot!.querySelector('section')!;
      expect(card.element.getBoundingClientRect().width, card.scene).to.equal(320);
      expect(section.scrollWidth, `${card.scene}: scrolls sideways`).to.be.at.most(section.clientWidth);
    }
  });
});
