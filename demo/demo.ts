/**
 * The demo page: points every checkout at the local devnet and wires the control buttons.
 */
import type { BtcCheckout } from '../src/element/btc-checkout.js';
import { parseBip21 } from '../src/core/bip21.js';

const log = document.getElementById('log')!;
const say = (line: string): void => {
  log.textContent = `${new Date().toLocaleTimeString()}  ${line}\n${log.textContent}`;
};
for (const type of [
  'btc-checkout-status',
  'btc-checkout-paid',
  'btc-checkout-error',
  'btc-checkout-unmatched',
  'btc-checkout-claim',
] as const) {
  document.addEventListener(type, (event) => {
    const { invoice, ...detail } = (event as CustomEvent).detail;
    say(`${type} ${JSON.stringify(detail)}${invoice ? ` #${invoice.index} ${invoice.receivedSats}/${invoice.expectedSats} sats` : ''}`);
  });
}
document.addEventListener('btc-checkout-webhook', (event) => {
  const { format, attempt, status, outcome, response } = event.detail;
  say(`btc-checkout-webhook ${format} attempt ${attempt}: ${outcome} (HTTP ${status}) ${response}`);
});

// Point the checkouts at the devnet and the shop's receiver before the element is defined, so
// none starts without them.
const { url, receiver, lightning } = (await (await fetch('/__devnet__')).json()) as {
  url: string;
  receiver: string | null;
  lightning: string;
};
for (const checkout of document.querySelectorAll<HTMLElement>('btc-checkout')) {
  if (!checkout.hasAttribute('api')) checkout.setAttribute('api', `${url}/api`);
  // The shop's Lightning Address: a service on the devnet.
  if (checkout.hasAttribute('data-lightning')) checkout.setAttribute('lightning', lightning);
  // The shop's server gives this buyer an index of their own; without it, a fixed one.
  if (checkout.hasAttribute('data-index-url')) {
    if (receiver) checkout.setAttribute('index-url', `${receiver}/index`);
    else checkout.setAttribute('index', '9');
  }
  // The price as the shop's build signed it (btc-checkout-price): the page cannot change it.
  const signed = checkout.dataset.signedPrice?.split(' ');
  if (signed) {
    const [amount, currency, item] = signed;
    checkout.setAttribute('price-token', await (await fetch(`/__price__?amount=${amount}&currency=${currency}&item=${item}`)).text());
  }
  const format = checkout.dataset.webhook;
  if (format && receiver) {
    checkout.setAttribute(
      'webhook',
      `${receiver}/${format}${format === 'blockchain-info' ? `?invoice_id=${checkout.getAttribute('order-id') ?? 'demo'}&secret=demo` : ''}`,
    );
    if (format !== 'json') checkout.setAttribute('webhook-format', format);
  }
}
const { registerLocales } = await import('../src/index.js');
// From npm (as here, from the sources) the languages are registered; the CDN file loads them itself.
registerLocales((await import('../src/element/locales/index.js')).locales);
// The page's language is what the checkouts read (their nearest ancestor's lang).
const language = document.getElementById('language') as HTMLSelectElement;
language.onchange = () => {
  if (language.value) document.documentElement.lang = language.value;
  else document.documentElement.removeAttribute('lang');
  for (const checkout of document.querySelectorAll<BtcCheckout>('btc-checkout')) checkout.requestUpdate();
};

const control = async (action: string, body: object = {}): Promise<any> => {
  const response = await fetch(`${url}/control/${action}`, { method: 'POST', body: JSON.stringify(body) });
  const result = await response.json();
  if (!response.ok) say(`devnet ${action}: ${result.error}`);
  return result;
};

const checkouts = [...document.querySelectorAll<BtcCheckout>('btc-checkout')];

const refreshHeight = async (): Promise<void> => {
  const height = await (await fetch(`${url}/api/blocks/tip/height`)).text();
  document.getElementById('height')!.textContent = `height ${height}`;
};
await refreshHeight();

const lastTx = new Map<BtcCheckout, string>();
/** What is still due; an open amount (the tip jar) gets 10,000 sats. */
const due = (c: BtcCheckout): number => c.invoice!.dueSats || c.invoice!.expectedSats || 10_000;
const actions: Record<string, (checkout: BtcCheckout) => Promise<unknown>> = {
  'Pay exact': (c) => pay(c, due(c)),
  'Pay half': (c) => pay(c, Math.floor(due(c) / 2)),
  Overpay: (c) => pay(c, Math.ceil(due(c) * 1.5)),
  // Another buyer shown the same address, at another price: never this buyer's payment.
  'Another buyer pays': (c) => pay(c, 123_456),
  // The page is the buyer's: they drop the signed price and ask 1 sat. The page then believes a
  // 1-sat payment; the shop's receiver, holding the order to its signed price, does not.
  'Buyer edits the price': async (c) => {
    c.removeAttribute('price-token');
    c.removeAttribute('currency');
    c.setAttribute('amount', '0.00000001');
  },
  'Pay (RBF)': (c) => pay(c, due(c), true),
  // A Lightning wallet pays the invoice on offer (in the QR's lightning= parameter).
  'Pay by Lightning': async (c) => {
    const pr = c.uri && parseBip21(c.uri).params.lightning;
    if (!pr) return say('no Lightning invoice on offer');
    await fetch(`${url}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr }) });
    say(`paid the Lightning invoice ${pr.slice(0, 24)}…`);
  },
  'Replace: pay elsewhere': async (c) => {
    const txid = lastTx.get(c);
    if (txid) await control('replace', { txid, address: 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk', sats: 1000 });
  },
};
async function pay(checkout: BtcCheckout, sats: number, rbf = false): Promise<void> {
  if (!checkout.receiveAddress) return;
  const { txid } = await control('pay', { address: checkout.receiveAddress, sats, rbf });
  lastTx.set(checkout, txid);
  say(`paid ${sats} sats to #${checkout.receiveIndex}${rbf ? ' (signals RBF)' : ''}: ${txid}`);
}
for (const panel of document.querySelectorAll<HTMLElement>('.controls')) {
  const checkout = checkouts[Number(panel.dataset.for)]!;
  for (const [label, action] of Object.entries(actions)) {
    const button = Object.assign(document.createElement('button'), { textContent: label });
    button.onclick = () => void action(checkout);
    panel.append(button);
  }
}

const chainActions: Record<string, () => Promise<unknown>> = {
  mine: () => control('mine', { blocks: 1 }),
  mine3: () => control('mine', { blocks: 3 }),
  reorg: () => control('reorg', { depth: 1, leave: [...lastTx.values()] }),
  disconnect: () => control('disconnect'),
  fail: () => control('fail', { status: 503, count: 4 }),
  noPrice: () => control('prices', { USD: -1 }),
  price: () => control('prices', { USD: 100_000 }),
  newVisitor: async () => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('btc-checkout:')) localStorage.removeItem(key);
    // The device's claims (held addresses, paid announcements) live in IndexedDB.
    await new Promise((done) => {
      const request = indexedDB.deleteDatabase('btc-checkout');
      request.onsuccess = request.onerror = request.onblocked = done;
    });
    location.reload();
  },
};
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-chain]')) {
  button.onclick = async () => {
    await chainActions[button.dataset.chain!]!();
    say(`chain: ${button.textContent}`);
    await refreshHeight();
  };
}

// The receiver's log: what each webhook claimed, and what the chain says.
const receiverRows = document.getElementById('receiver')!;
interface LogEntry {
  time: number;
  via: string;
  claim: string;
  orderId: string | null;
  verified: boolean;
  paid: boolean;
  status: string;
  reason: string | null;
  answer: string;
}
const cell = (text: string, className = ''): HTMLTableCellElement =>
  Object.assign(document.createElement('td'), { textContent: text, className });
async function refreshReceiver(): Promise<void> {
  if (!receiver) return;
  // The receiver shows its log to the merchant only: the demo server fetches it for the page.
  const entries = (await (await fetch('/__receiver_log__')).json()) as LogEntry[];
  receiverRows.replaceChildren(
    ...entries
      .slice(-30)
      .reverse()
      .map((entry) => {
        const row = document.createElement('tr');
        row.append(
          cell(new Date(entry.time).toLocaleTimeString()),
          cell(entry.via),
          cell(entry.claim),
          cell(entry.orderId ?? ''),
          cell(entry.verified ? '✓ true' : '✗ false', entry.verified ? 'ok' : 'bad'),
          cell(entry.paid ? 'paid' : 'not yet', entry.paid ? 'ok' : ''),
          cell(entry.reason ?? ''),
          cell(entry.answer),
        );
        return row;
      }),
  );
}
setInterval(() => void refreshReceiver().catch(() => undefined), 2_000);

// Anyone can call a webhook URL: the receiver must not believe it.
document.getElementById('forge')!.onclick = async () => {
  const shop = checkouts[0]!;
  if (!receiver || !shop.invoice) return;
  const forged = {
    ...shop.invoice,
    invoiceId: shop.invoice.id,
    status: 'paid',
    receivedSats: shop.invoice.expectedSats,
    txids: ['ab'.repeat(32)],
  };
  await fetch(`${receiver}/json`, { method: 'POST', body: JSON.stringify(forged) });
  say('sent a forged "paid" webhook for order 1042');
  await refreshReceiver();
};
