/**
 * Attribution figures (issue 9): with n buyers on n devices checking out at the same moment on a
 * shop whose pages choose the address (allocation, gap limit 20), how often does a buyer
 *
 * - see an unmatched-payment notice they did not cause (another buyer was shown the same address
 *   and paid to it while their checkout was open), when every buyer pays;
 * - get shown "paid" without paying (another buyer at the same price got the same address and
 *   the same amount tag, and paid), when half of them pay, all at one price (the worst case).
 *
 * Simulated with the core's own allocation, tag, reducer and summary (in-memory API, one store
 * per device), and measured through the shipped bundle in Chromium against the devnet (the crowd
 * page of allocation.ts).
 */
import type { Browser } from 'playwright-core';
import type { Devnet, DevnetChain } from '../tools/devnet/server.js';
import { allocateIndex } from '../src/core/allocate.js';
import type { RestClient } from '../src/core/http.js';
import { deriveAddress, parseAccount } from '../src/core/account.js';
import { amountTag, EMPTY_WATCH, reduceWatch, summarizeInvoice, type InvoicePolicy } from '../src/core/invoice.js';
import { memoryStore } from '../src/core/store.js';

const VPUB = 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x';
const account = parseAccount(VPUB, { network: 'regtest' });
const derived = new Map<number, string>();
const derive = (index: number): string => {
  let address = derived.get(index);
  if (address === undefined) derived.set(index, (address = deriveAddress(account, index)));
  return address;
};
const GAP_LIMIT = 20;
const CROWDS = [2, 5, 10, 100];
/** An established shop: its last used receive index is 30. */
const HISTORY = Array.from({ length: 31 }, (_, i) => i);

interface Buyer {
  address: string;
  expectedSats: number;
  pays: boolean;
}

/** What each buyer's own checkout shows once the payments are in: their invoice, by the core's rule. */
function outcome(buyers: Buyer[]): { foreignNotice: boolean; paid: boolean }[] {
  return buyers.map((buyer, n) => {
    const policy: InvoicePolicy = {
      expectedSats: buyer.expectedSats,
      confirmations: 1,
      toleranceBasisPoints: 0,
      expiresAt: null,
      shared: true,
    };
    let watch = reduceWatch(EMPTY_WATCH, { type: 'snapshot', txs: [], tipHeight: 100, complete: true }, 0, policy);
    const payments = buyers
      .map((payer, m) => ({ payer, m }))
      .filter(({ payer }) => payer.pays && payer.address === buyer.address)
      .map(({ payer, m }) => ({ txid: String(m), valueSats: payer.expectedSats, height: 101, rbf: false }));
    watch = reduceWatch(watch, { type: 'txs', txs: payments }, 0, policy);
    const invoice = summarizeInvoice(
      {
        id: '',
        address: buyer.address,
        index: 0,
        network: 'regtest',
        orderId: null,
        item: null,
        priceToken: null,
        createdAt: 0,
        tagSats: 0,
        fiat: null,
      },
      policy,
      watch,
    );
    return { foreignNotice: invoice.unmatched.some((payment) => payment.txid !== String(n)), paid: invoice.status === 'paid' };
  });
}

/** The in-memory API: HISTORY used, everything else unused. */
const used = new Set(HISTORY.map(derive));
const memoryApi: RestClient = {
  post: async (_path, body) =>
    JSON.stringify(
      (JSON.parse(body) as string[]).filter((a) => used.has(a)).map((a) => ({ txid: a, vout: [{ scriptpubkey_address: a }] })),
    ),
  get: async () => '{}',
};

async function simulate(n: number, rounds: number, samePrice: boolean, payers: (m: number) => boolean): Promise<Buyer[][]> {
  const all: Buyer[][] = [];
  for (let round = 0; round < rounds; round++) {
    all.push(
      await Promise.all(
        Array.from({ length: n }, async (_, m) => {
          const { index } = await allocateIndex(memoryApi, {
            api: 'memory',
            gapLimit: GAP_LIMIT,
            store: memoryStore(),
            key: 'k',
            now: () => 0,
            random: Math.random,
            derive,
            token: 't',
          });
          const price = samePrice ? 100_000 : 100_000 + Math.floor(Math.random() * 900) * 1_000;
          return { address: derive(index), expectedSats: price + amountTag(Math.random), pays: payers(m) };
        }),
      ),
    );
  }
  return all;
}

const share = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(2)}%`;

function figures(rounds: Buyer[][]): { buyers: number; foreignNotice: number; nonPayers: number; nonPayersShownPaid: number } {
  let buyers = 0;
  let foreignNotice = 0;
  let nonPayers = 0;
  let nonPayersShownPaid = 0;
  for (const round of rounds) {
    for (const [m, result] of outcome(round).entries()) {
      buyers++;
      if (result.foreignNotice) foreignNotice++;
      if (!round[m]!.pays) {
        nonPayers++;
        if (result.paid) nonPayersShownPaid++;
      }
    }
  }
  return { buyers, foreignNotice, nonPayers, nonPayersShownPaid };
}

/** The same, through the shipped bundle against the devnet: real allocation, sockets and rendering. */
async function inChromium(
  browser: Browser,
  url: string,
  devnet: Devnet,
  n: number,
  rounds: number,
  samePrice: boolean,
  payers: (m: number) => boolean,
) {
  const page = await browser.newPage();
  await page.goto(`${url}/crowd.html`);
  await page.waitForFunction(() => (window as any).crowd);
  const totals = { buyers: 0, foreignNotice: 0, nonPayers: 0, nonPayersShownPaid: 0 };
  for (let round = 0; round < rounds; round++) {
    const chain: DevnetChain = devnet.createChain();
    chain.chain.pay(HISTORY.map((index) => ({ address: derive(index), sats: 10_000 })));
    chain.chain.mine(1);
    const api = `${devnet.url}/chains/${chain.id}/api`;
    const list = Array.from({ length: n }, () => ({
      xpub: VPUB,
      network: 'regtest',
      api,
      amount: String(samePrice ? 0.001 : (100_000 + Math.floor(Math.random() * 900) * 1_000) / 1e8),
    }));
    const shown: { address: string; sats: number }[] = await page.evaluate((list) => (window as any).crowd(list), list);
    const paying = shown.map((_, m) => m).filter(payers);
    const txids = new Map(paying.map((m) => [chain.chain.pay([{ address: shown[m]!.address, sats: shown[m]!.sats }]).txid, m]));
    chain.chain.mine(1);
    const results: { status: string; unmatched: string[] }[] = await page.evaluate((paying) => (window as any).settled(paying), paying);
    for (const [m, result] of results.entries()) {
      totals.buyers++;
      if (result.unmatched.some((txid) => txids.get(txid) !== m)) totals.foreignNotice++;
      if (!payers(m)) {
        totals.nonPayers++;
        if (result.status === 'paid') totals.nonPayersShownPaid++;
      }
    }
  }
  await page.close();
  return totals;
}

export async function attributionFigures(browser: Browser, url: string, devnet: Devnet): Promise<Record<string, unknown>> {
  const everyonePays = (): boolean => true;
  const halfPay = (m: number): boolean => m % 2 === 1;
  const simulated: Record<string, unknown> = {};
  const chromium: Record<string, unknown> = {};
  for (const n of CROWDS) {
    const rounds = Math.ceil(40_000 / n);
    const notices = figures(await simulate(n, rounds, false, everyonePays));
    const falsePaid = figures(await simulate(n, rounds, true, halfPay));
    simulated[n] = {
      buyers: notices.buyers,
      unmatchedNoticeNotTheirs: share(notices.foreignNotice, notices.buyers),
      expectedNotice: share(1 - (1 - 1 / GAP_LIMIT) ** (n - 1), 1),
      nonPayersShownPaidAtOnePrice: `${share(falsePaid.nonPayersShownPaid, falsePaid.nonPayers)} of ${falsePaid.nonPayers}`,
    };
    const chromiumRounds = { 2: 30, 5: 12, 10: 6, 100: 2 }[n]!;
    const measured = await inChromium(browser, url, devnet, n, chromiumRounds, false, everyonePays);
    const measuredFalsePaid = await inChromium(browser, url, devnet, n, chromiumRounds, true, halfPay);
    chromium[n] = {
      rounds: chromiumRounds,
      buyers: measured.buyers,
      unmatchedNoticeNotTheirs: share(measured.foreignNotice, measured.buyers),
      nonPayersShownPaidAtOnePrice: `${measuredFalsePaid.nonPayersShownPaid} of ${measuredFalsePaid.nonPayers}`,
    };
  }
  return {
    setup: `n buyers on n devices at once, allocation in a window of ${GAP_LIMIT} addresses after the last used one, 1–99 sat tags; notices: every buyer pays, at varied prices; shown paid: half pay, all at one price`,
    simulated,
    measuredInChromium: chromium,
  };
}
