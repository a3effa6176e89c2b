/**
 * The reference receiver under a flood (issue 10): 5,000 forged `json` calls over one minute,
 * each a new invoice with a valid price token (tokens are public) at an address of the shop,
 * with the receiver's default limits. Counts the API requests it made, minute by minute, and what
 * it kept.
 */
import type { Devnet } from '../tools/devnet/server.js';
import { deriveAddress, parseAccount } from '../src/core/account.js';
import { newPriceKey, signPrice } from '../src/core/price-token.js';
import { startReceiver } from '../tools/receiver/server.js';
import { memoryReceiverStore } from '../tools/receiver/store.js';
import { ZPUB } from './stats.js';

export async function receiverFlood(devnet: Devnet): Promise<Record<string, unknown>> {
  const account = parseAccount(ZPUB);
  const key = newPriceKey();
  const token = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, key);
  const chain = devnet.createChain();
  const store = memoryReceiverStore();
  const receiver = await startReceiver({
    xpub: ZPUB,
    api: `${devnet.url}/chains/${chain.id}/api`,
    priceKey: key,
    store,
    recheckAfterMs: 5_000,
  });
  const perMinute: number[] = [];
  const answers: Record<number, number> = {};
  const heap = process.memoryUsage().heapUsed;
  try {
    let before = chain.stats.rest.total;
    let calls = 0;
    for (let minute = 0; minute < 3; minute++) {
      const end = Date.now() + 60_000;
      let sent = 0;
      while (Date.now() < end) {
        if (minute === 0 && sent < 5_000) {
          const batch = Array.from({ length: 50 }, (_, n) => {
            const index = (sent + n) % 1000;
            const body = {
              invoiceId: `forged-${sent + n}`,
              orderId: 'attacker',
              status: 'awaiting',
              index,
              address: deriveAddress(account, index),
              network: 'mainnet',
              item: 'mug',
              priceToken: token,
              tagSats: ((sent + n) % 99) + 1,
              expectedSats: 100_001 + ((sent + n) % 99),
              createdAt: Date.now(),
              expiresAt: Date.now() + 7 * 86_400_000,
            };
            return fetch(`${receiver.url}/json`, { method: 'POST', body: JSON.stringify(body) }).then(
              (response) => (answers[response.status] = (answers[response.status] ?? 0) + 1),
            );
          });
          await Promise.all(batch);
          sent += batch.length;
          calls = sent;
        }
        await new Promise((done) => setTimeout(done, minute === 0 && sent < 5_000 ? 400 : 1_000));
      }
      perMinute.push(chain.stats.rest.total - before);
      before = chain.stats.rest.total;
    }
    return {
      calls,
      answers,
      apiRequestsPerMinute: perMinute,
      openInvoicesKept: await store.countOpen(Date.now()),
      heapGrowthMB: Math.round((process.memoryUsage().heapUsed - heap) / 1e5) / 10,
      limits: 'defaults: 120 API requests a minute, 20 open invoices per address, 10,000 in all, re-checks one per address per pass',
    };
  } finally {
    await receiver.close();
  }
}
