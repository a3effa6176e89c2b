/**
 * The gallery: every state of the checkout side by side, at a phone's and a desktop's width, in
 * light and dark. Each card runs for real against its own chain on the devnet, and is brought to
 * its state by what would bring a buyer there (a payment, a block, an outage, a mistake), not
 * by setting the state. `npm run screenshots` photographs it for the README.
 *
 * It does not load the element: the page (demo/gallery.html) loads it from the sources, the
 * gallery test (test/element/gallery.test.ts) from the shipped file.
 */
import type { BtcCheckout } from '../src/element/btc-checkout.js';
import { parseBip21 } from '../src/core/bip21.js';

/** BIP 84's public test account on regtest, as on the demo page: never for real money. */
const SHOP_XPUB = 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x';

/** A shop's logo, drawn here so the gallery asks nothing of the network. */
const LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2f6f4f"/><path d="M9 21V11h6a4 4 0 0 1 0 8h-6m6 0 5 4" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>',
)}`;

interface Chain {
  readonly api: string;
  readonly control: string;
}

interface Scene {
  /** What the buyer sees, in a few words: the row's heading. */
  readonly title: string;
  /** How the card got there. */
  readonly how: string;
  readonly attributes: Record<string, string>;
  /**
   * The card picks its address itself, as a shop without a server does (the unmatched payment
   * needs that: a tag makes its request's amount its own); otherwise it is given an index.
   */
  readonly allocates?: boolean;
  /** The chain's conditions before the card starts (an outage, a slow API); attributes it brings (a Lightning Address). */
  prepare?(chain: Chain): Promise<void | Record<string, string>>;
  /** What happens once the card asks for payment. */
  act?(el: BtcCheckout, chain: Chain): Promise<void>;
  /** The card has reached the scene's state. */
  reached(el: BtcCheckout): boolean;
}

const part = (el: BtcCheckout, name: string): Element | null => el.shadowRoot?.querySelector(`[part~="${name}"]`) ?? null;
const shows = (status: string) => (el: BtcCheckout) => el.status === status && el.getAttribute('status') === status;

async function control(chain: Chain, action: string, body: object = {}): Promise<{ txid?: string }> {
  const response = await fetch(`${chain.control}/${action}`, { method: 'POST', body: JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(`devnet ${action}: ${answer.error}`);
  return answer;
}

async function until(condition: () => unknown, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`the gallery's ${what} never came`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The devnet a chain lives on: its API is `<devnet>/chains/<id>/api`. */
const devnetOf = (chain: Chain): string => chain.api.replace(/\/chains\/[^/]+\/api$/, '');

/** A Lightning Address service of the card's own on the devnet, as the `lightning` attribute. */
async function lightningService(chain: Chain): Promise<Record<string, string>> {
  const response = await fetch(`${devnetOf(chain)}/lightning/services`, { method: 'POST', body: '{}' });
  return { lightning: ((await response.json()) as { address: string }).address };
}

/** The Lightning invoice the card offers (in its BIP 21 URI), once it does. */
async function lightningInvoice(el: BtcCheckout): Promise<string> {
  const invoice = (): string | null => (el.uri ? (parseBip21(el.uri).params.lightning ?? null) : null);
  await until(invoice, 'Lightning invoice');
  return invoice()!;
}

/** Pays the card's address once it asks for payment: `share` of what is due, or a set amount. */
async function pay(el: BtcCheckout, chain: Chain, sats: (due: number) => number, confirm = false): Promise<void> {
  await until(() => shows('awaiting')(el), 'request for payment');
  await control(chain, 'pay', { address: el.receiveAddress, sats: sats(el.invoice!.dueSats), confirm });
}

export const SCENES = {
  loading: {
    title: 'Loading',
    how: 'The API is slow to answer: a still placeholder the size of the card, so nothing jumps.',
    attributes: { amount: '25', currency: 'USD', label: 'Corner Shop' },
    prepare: (chain) => control(chain, 'latency', { ms: 3_600_000 }).then(() => undefined),
    reached: shows('loading'),
  },
  awaiting: {
    title: 'Awaiting payment',
    how: 'Priced in dollars, with the shop’s name and logo, the amount to copy, a countdown and what happens at zero.',
    attributes: { amount: '25', currency: 'USD', label: 'Corner Shop', 'show-sats': '' },
    reached: shows('awaiting'),
  },
  underpaid: {
    title: 'Partly paid',
    how: 'The buyer paid half: what arrived, what is still due, and the QR asks for the rest.',
    attributes: { amount: '0.002', label: 'Corner Shop' },
    act: (el, chain) => pay(el, chain, (due) => due / 2),
    reached: shows('underpaid'),
  },
  unmatched: {
    title: 'A payment that is not this one',
    how: 'Someone sent 12,345 sats to the address, not the amount asked: noted calmly, and the request still stands.',
    allocates: true,
    attributes: { amount: '0.001', label: 'Corner Shop' },
    act: (el, chain) => pay(el, chain, () => 12_345),
    reached: (el) => shows('awaiting')(el) && part(el, 'unmatched') !== null,
  },
  unconfirmed: {
    title: 'Payment seen',
    how: 'Paid in full, not yet in a block: the receipt is already there.',
    attributes: { amount: '0.001', label: 'Corner Shop', 'order-id': '1042' },
    act: (el, chain) => pay(el, chain, (due) => due),
    reached: shows('unconfirmed'),
  },
  confirming: {
    title: 'Confirming',
    how: 'The shop asks for 3 confirmations: 1 of 3, in words and as progress.',
    attributes: { amount: '0.001', label: 'Corner Shop', confirmations: '3', 'order-id': '1042' },
    act: (el, chain) => pay(el, chain, (due) => due, true),
    reached: shows('confirming'),
  },
  paid: {
    title: 'Paid',
    how: 'A receipt to copy or print, the transaction linked to the explorer, and the way back to the shop.',
    attributes: { amount: '0.001', label: 'Corner Shop', 'order-id': '1042', 'return-url': 'https://shop.example/thanks' },
    act: (el, chain) => pay(el, chain, (due) => due, true),
    reached: shows('paid'),
  },
  lightning: {
    title: 'Lightning beside on-chain',
    how: 'The shop’s Lightning Address in the same QR code (BIP 21 lightning=), and a link and copy button for wallets that read only an invoice.',
    attributes: { amount: '0.00025', label: 'Corner Shop' },
    prepare: lightningService,
    act: (el) => lightningInvoice(el).then(() => undefined),
    reached: (el) => shows('awaiting')(el) && part(el, 'lightning-link') !== null,
  },
  'lightning-paid': {
    title: 'Paid by Lightning',
    how: 'A wallet paid the invoice: settled in seconds, no confirmations, and the receipt names the payment by its hash.',
    attributes: { amount: '0.00025', label: 'Corner Shop', 'order-id': '1042' },
    prepare: lightningService,
    async act(el, chain) {
      const pr = await lightningInvoice(el);
      await fetch(`${devnetOf(chain)}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr }) });
    },
    reached: shows('paid'),
  },
  expired: {
    title: 'Expired',
    how: 'Nobody paid within its time (3 seconds here): a heading, then what to do next.',
    attributes: { amount: '0.001', label: 'Corner Shop', expires: '0.05' },
    reached: shows('expired'),
  },
  late: {
    title: 'Paid after it expired',
    how: 'The buyer paid in full after the countdown ran out: the payment is seen, and the shop decides.',
    attributes: { amount: '0.001', label: 'Corner Shop', expires: '0.05', 'order-id': '1042' },
    async act(el, chain) {
      await until(() => shows('expired')(el), 'expiry');
      await control(chain, 'pay', { address: el.receiveAddress, sats: el.invoice!.expectedSats, confirm: true });
    },
    reached: (el) => shows('expired')(el) && el.invoice!.late,
  },
  notice: {
    title: 'The network is down',
    how: 'The API answers 503 to everything: plain words for the buyer; the HTTP detail goes to the console and el.error.',
    attributes: { amount: '0.001', label: 'Corner Shop', ws: 'none' },
    prepare: (chain) => control(chain, 'fail', { status: 503, count: 1_000_000 }).then(() => undefined),
    reached: (el) => part(el, 'notice') !== null,
  },
  error: {
    title: 'A mistake in the tag',
    how: 'amount="-1": the buyer reads that checkout is unavailable; the mistake is folded away for the shop.',
    attributes: { amount: '-1', label: 'Corner Shop' },
    reached: shows('error'),
  },
} satisfies Record<string, Scene>;

export type SceneName = keyof typeof SCENES;
export const WIDTHS = { phone: '320px', desktop: '' } as const;
export const SCHEMES = ['light', 'dark'] as const;

export interface GalleryCard {
  readonly scene: SceneName;
  readonly width: keyof typeof WIDTHS;
  readonly scheme: (typeof SCHEMES)[number];
  readonly element: BtcCheckout;
  readonly ready: Promise<void>;
}

export interface GalleryOptions {
  scenes?: readonly SceneName[];
  widths?: readonly (keyof typeof WIDTHS)[];
  schemes?: readonly (typeof SCHEMES)[number][];
}

/**
 * Builds the gallery into `root`: a row per scene, a card per width and scheme, each on a chain
 * of its own at `devnet` (so one card's payment is never another's). Each card's `ready`
 * settles once it shows its scene, and rejects if it never does.
 */
export function buildGallery(root: HTMLElement, devnet: string, options: GalleryOptions = {}): GalleryCard[] {
  const cards: GalleryCard[] = [];
  let index = 100;
  for (const scene of options.scenes ?? (Object.keys(SCENES) as SceneName[])) {
    const spec: Scene = SCENES[scene];
    const row = Object.assign(document.createElement('section'), { className: 'scene', id: scene });
    row.dataset.scene = scene;
    const heading = Object.assign(document.createElement('h2'), { textContent: spec.title });
    row.append(heading, Object.assign(document.createElement('p'), { textContent: spec.how }));
    const cells = Object.assign(document.createElement('div'), { className: 'cards' });
    row.append(cells);
    root.append(row);
    for (const width of options.widths ?? (Object.keys(WIDTHS) as (keyof typeof WIDTHS)[])) {
      for (const scheme of options.schemes ?? SCHEMES) {
        const figure = Object.assign(document.createElement('figure'), { className: `${scheme} ${width}` });
        figure.append(Object.assign(document.createElement('figcaption'), { textContent: `${width}, ${scheme}` }));
        const element = document.createElement('btc-checkout') as BtcCheckout;
        cells.append(figure);
        const ready = startCard(figure, element, spec, devnet, index++, width, scheme);
        ready.then(
          () => (figure.dataset.ready = 'true'),
          () => (figure.dataset.ready = 'false'),
        );
        cards.push({ scene, width, scheme, element, ready });
      }
    }
  }
  return cards;
}

async function startCard(
  figure: HTMLElement,
  element: BtcCheckout,
  spec: Scene,
  devnet: string,
  index: number,
  width: keyof typeof WIDTHS,
  scheme: string,
): Promise<void> {
  const chain = (await (await fetch(`${devnet}/control/chains`, { method: 'POST', body: '{}' })).json()) as Chain;
  const prepared = (await spec.prepare?.(chain)) ?? {};
  const attributes: Record<string, string> = spec.allocates
    ? { ...spec.attributes, ...prepared }
    : { ...spec.attributes, ...prepared, index: String(index) };
  // An order is one invoice wherever it is shown (the page keeps it across reloads by its id), so
  // each card has an order of its own.
  if (attributes['order-id']) attributes['order-id'] = `${index + 900}`;
  for (const [name, value] of Object.entries({ xpub: SHOP_XPUB, network: 'regtest', api: chain.api, ...attributes })) {
    element.setAttribute(name, value);
  }
  element.style.colorScheme = scheme;
  if (WIDTHS[width]) element.style.width = WIDTHS[width];
  if (spec.attributes.label) {
    element.append(Object.assign(document.createElement('img'), { slot: 'logo', src: LOGO, alt: '', width: 32, height: 32 }));
  }
  // Only now on the page, so it starts with every attribute set, as a tag in HTML does.
  figure.append(element);
  await spec.act?.(element, chain);
  await until(() => spec.reached(element), `${element.getAttribute('status')} card's state`);
}
