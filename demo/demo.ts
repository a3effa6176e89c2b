/**
 * The demo page: points every checkout at the local devnet and wires the control buttons.
 */
import type { BtcCheckout } from '../src/element/btc-checkout.js';

const log = document.getElementById('log')!;
const say = (line: string): void => {
  log.textContent = `${new Date().toLocaleTimeString()}  ${line}\n${log.textContent}`;
};
for (const type of ['btc-checkout-status', 'btc-checkout-paid', 'btc-checkout-error'] as const) {
  document.addEventListener(type, (event) => {
    const { invoice, ...detail } = (event as CustomEvent).detail;
    say(`${type} ${JSON.stringify(detail)}${invoice ? ` #${invoice.index} ${invoice.receivedSats}/${invoice.expectedSats} sats` : ''}`);
  });
}

// Point the checkouts at the devnet before the element is defined, so none starts without it.
const { url } = await (await fetch('/__devnet__')).json();
for (const checkout of document.querySelectorAll('btc-checkout')) if (!checkout.hasAttribute('api')) checkout.setAttribute('api', `${url}/api`);
await import('../src/index.js');

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
const actions: Record<string, (checkout: BtcCheckout) => Promise<unknown>> = {
  'Pay exact': (c) => pay(c, c.invoice!.dueSats || c.invoice!.expectedSats),
  'Pay half': (c) => pay(c, Math.floor((c.invoice!.dueSats || c.invoice!.expectedSats) / 2)),
  'Overpay': (c) => pay(c, Math.ceil(c.invoice!.expectedSats * 1.5)),
  'Pay (RBF)': (c) => pay(c, c.invoice!.dueSats || c.invoice!.expectedSats, true),
  'Replace: pay elsewhere': async (c) => {
    const txid = lastTx.get(c);
    if (txid) await control('replace', { txid, address: 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk', sats: 1000 });
  },
};
async function pay(checkout: BtcCheckout, sats: number, rbf = false): Promise<void> {
  if (!checkout.address) return;
  const { txid } = await control('pay', { address: checkout.address, sats, rbf });
  lastTx.set(checkout, txid);
  say(`paid ${sats} sats to #${checkout.index}${rbf ? ' (signals RBF)' : ''}: ${txid}`);
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
};
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-chain]')) {
  button.onclick = async () => {
    await chainActions[button.dataset.chain!]!();
    say(`chain: ${button.textContent}`);
    await refreshHeight();
  };
}
