/**
 * The fault soak: many invoices in Chromium (the shipped dist/btc-checkout.js) against every
 * devnet server profile at once, with faults injected at random moments from a seeded generator,
 * so that any run can be replayed from its seed. Then every fault is healed, blocks are mined, and
 * the run is judged: every payment found with the right final status, no non-payer credited,
 * every webhook event a page owed received by the merchant, no uncaught error.
 *
 * Faults: dropped sockets and the backend down; 429 and 5xx bursts with and without CORS,
 * stalled requests, HTML instead of data, reset connections; malformed, unknown, duplicate and
 * out-of-order websocket frames; RBF replacements and reorgs; tabs hidden (frozen) and shown,
 * reloads in the middle of a payment, a second tab on the same order; the webhook receiver down;
 * corrupted storage; a device's clock jumping.
 */
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDevnet, type Devnet, type DevnetChain, type ProfileName } from '../../tools/devnet/index.js';
import { listen } from '../../tools/http.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.js';
import { seededRandom } from '../helpers/fakes.js';
import { serveStatic } from '../helpers/serve-static.js';
import { addressAt, VPUB } from '../helpers/shop.js';

export interface SoakOptions {
  readonly seed: number;
  readonly profiles: readonly ProfileName[];
  readonly invoicesPerProfile: number;
  readonly faultsPerProfile: number;
  /** Mean pause between two faults (ms). */
  readonly faultEveryMs: number;
  /** How long the healed run may take to settle (ms). */
  readonly settleMs: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly seed: number;
  readonly profiles: readonly ProfileName[];
  readonly faults: number;
  readonly faultsByKind: Record<string, number>;
  readonly invoices: number;
  /** Transactions sent to pay invoices (split payments count each part; replacements are not counted). */
  readonly payments: number;
  readonly payers: number;
  /** Invoices whose request was never shown in time to pay it (stuck). */
  readonly neverShown: readonly string[];
  /** Paying invoices that ended paid, with exactly what was paid received. */
  readonly detected: number;
  readonly missedPayments: readonly string[];
  readonly wrongFinalStatuses: readonly string[];
  readonly falseCredits: readonly string[];
  readonly webhookEventsOwed: number;
  readonly webhookEventsReceived: number;
  readonly lostWebhookEvents: readonly string[];
  readonly uncaughtErrors: readonly string[];
  readonly durationMs: number;
  /** What each failing invoice went through, to replay it by hand. */
  readonly failures: readonly Record<string, unknown>[];
}

/**
 * The shop page. `Date.now` runs `skew` ms off (the device's clock jumped), shared by the device's tabs; status events
 * of every checkout are reported to the soak as they happen, so that a reload loses none.
 */
const SOAK_PAGE = `<!doctype html><meta charset="utf-8"><body>
<script>
  // The device's clock, not one tab's: every tab of a device reads the same clock, as they do.
  const realNow = Date.now.bind(Date);
  let skew = Number(localStorage.getItem('soak-skew') || 0);
  Date.now = () => realNow() + skew;
  addEventListener('storage', (event) => { if (event.key === 'soak-skew') skew = Number(event.newValue || 0); });
  window.setSkew = (ms) => { skew = ms; localStorage.setItem('soak-skew', String(ms)); };
</script>
<script type="module">
  await import('/dist/btc-checkout.js');
  window.mount = (order, attributes) => {
    const el = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.dataset.order = order;
    el.addEventListener('btc-checkout-status', (event) => {
      const { status, invoice } = event.detail;
      window.soakReport?.({ order, status, invoiceId: invoice?.id ?? null, receivedSats: invoice?.receivedSats ?? 0 });
    });
    document.body.append(el);
  };
  window.checkouts = () => [...document.querySelectorAll('btc-checkout')].map((el) => ({
    order: el.dataset.order, status: el.status, address: el.receiveAddress, amountSats: el.amountSats,
    invoiceId: el.invoice?.id ?? null, receivedSats: el.invoice?.receivedSats ?? 0,
  }));
  window.inspect = (order) => [...document.querySelectorAll('btc-checkout')].filter((el) => el.dataset.order === order).map((el) => ({
    connection: el.controller?.state?.connection, notice: el.controller?.state?.notice?.message ?? null,
    kept: localStorage.getItem('btc-checkout:invoice:order:' + order), skew: Date.now() - performance.timeOrigin - performance.now(),
    outbox: localStorage.getItem('btc-checkout:outbox'), deliveries: (el.deliveries ?? []).slice(-8),
  }));
  window.ready = true;
</script>`;

/** A webhook receiver that records every json call, and can be down for a while. */
async function startSink(): Promise<{
  url: string;
  calls: { invoiceId: string; status: string; event: string; id: string }[];
  down(ms: number, how: 'reset' | '503'): void;
  close(): Promise<void>;
}> {
  const calls: { invoiceId: string; status: string; event: string; id: string }[] = [];
  let downUntil = 0;
  let downHow: 'reset' | '503' = '503';
  const server: Server = createServer((request, response) => {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
      });
      return void response.end();
    }
    if (Date.now() < downUntil) {
      if (downHow === 'reset') return void request.socket.destroy();
      response.writeHead(503, { 'access-control-allow-origin': '*', 'retry-after': '2' });
      return void response.end('down');
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        const payload = JSON.parse(body);
        calls.push({ invoiceId: payload.invoiceId, status: payload.status, event: payload.event, id: payload.id });
      } catch {
        // Not ours: ignored.
      }
      response.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      response.end('ok');
    });
  });
  const listening = await listen(server);
  return {
    url: `${listening.url}/hook`,
    calls,
    down(ms, how) {
      downUntil = Date.now() + ms;
      downHow = how;
    },
    close: () => listening.close(),
  };
}

type Plan = 'full' | 'split' | 'over' | 'none';

interface Invoice {
  readonly order: string;
  readonly attributes: Record<string, string>;
  readonly plan: Plan;
  readonly rbf: boolean;
  readonly device: number;
  address: string | null;
  amountSats: number | null;
  /** Sum the buyer sent (of the transactions that stand). */
  paidSats: number;
  /** Pending transactions, replaceable while unconfirmed. */
  txids: string[];
  /** Every (invoice id, status) a page showed. */
  readonly seen: Set<string>;
  readonly statuses: Set<string>;
  /** What each tab showing it shows once healed. */
  final: { status: string; receivedSats: number; invoiceId: string | null; address: string | null; amountSats: number | null }[];
  /** Status events, in order, with the invoice and the time since the start. */
  readonly history: string[];
  /** The pages' own view of a failing invoice: connection, notice, what is kept in storage. */
  readonly inspected: unknown[];
}

interface Tab {
  page: Page;
  orders: string[];
  frozen: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Runs the soak and reports what it saw. Never throws for what it is there to find. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number): number => Math.floor(low + random() * (high - low + 1));
  const faultsByKind: Record<string, number> = {};
  const count = (kind: string): void => void (faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1);
  const uncaughtErrors: string[] = [];
  const neverShown: string[] = [];
  const timeline: string[] = [];

  const [devnet, browser, site] = await Promise.all([
    startDevnet({}),
    chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] }),
    serveStatic(resolve(import.meta.dirname, '../..'), { '/soak.html': SOAK_PAGE }),
  ]);
  const sinks: Awaited<ReturnType<typeof startSink>>[] = [];
  const closers: (() => void)[] = [];
  try {
    const runs = await Promise.all(
      options.profiles.map(async (profile, p) => {
        const sink = await startSink();
        sinks.push(sink);
        return soakProfile(profile, p, devnet, browser, site.url, sink);
      }),
    );
    const all = runs.flat();
    const owed = new Set(all.flatMap((invoice) => [...invoice.seen]));
    const received = new Set(
      sinks.flatMap((sink) => sink.calls.filter((call) => call.event === 'status').map((call) => `${call.invoiceId} ${call.status}`)),
    );
    const finals = new Map(all.map((invoice) => [invoice.order, invoice]));
    const paying = all.filter((invoice) => invoice.plan !== 'none' && invoice.paidSats > 0);
    const wrongFinalStatuses: string[] = [];
    const missedPayments: string[] = [];
    const falseCredits: string[] = [];
    const failures: Record<string, unknown>[] = [];
    let detected = 0;
    for (const invoice of finals.values()) {
      const payer = invoice.plan !== 'none' && invoice.paidSats > 0;
      const expected = payer ? 'paid' : 'awaiting';
      const shown = invoice.final.map((view) => view.status);
      const wrong = !shown.length || shown.some((status) => status !== expected);
      if (wrong) wrongFinalStatuses.push(`${invoice.order}: ${shown.join(', ') || 'not shown'}, expected ${expected}`);
      const unheard = [...invoice.seen].some((event) => !received.has(event));
      if (
        wrong ||
        unheard ||
        (!payer && [...invoice.statuses].some((status) => ['underpaid', 'unconfirmed', 'confirming', 'paid'].includes(status)))
      ) {
        const profile = options.profiles.find(
          (name) => invoice.order.startsWith(`soak-${name}-`) && /^\d+$/.test(invoice.order.slice(`soak-${name}-`.length)),
        );
        failures.push({
          order: invoice.order,
          plan: invoice.plan,
          index: invoice.attributes.index ?? null,
          paidTo: invoice.address,
          paidAmount: invoice.amountSats,
          paidSats: invoice.paidSats,
          txids: invoice.txids,
          history: invoice.history,
          final: invoice.final,
          inspected: invoice.inspected,
          owed: [...invoice.seen],
          heard: [...received].filter((event) => [...invoice.seen].some((owed) => owed.split(' ')[0] === event.split(' ')[0])),
          faults: timeline.filter((line) => line.includes(` ${profile} `)),
        });
      }
      if (payer) {
        if (shown.length && invoice.final.every((view) => view.status === 'paid' && view.receivedSats === invoice.paidSats)) detected++;
        else missedPayments.push(`${invoice.order}: paid ${invoice.paidSats}, shown ${JSON.stringify(invoice.final)}`);
      } else if ([...invoice.statuses].some((status) => ['underpaid', 'unconfirmed', 'confirming', 'paid'].includes(status))) {
        falseCredits.push(`${invoice.order}: never paid, shown ${[...invoice.statuses].join(' → ')}`);
      }
    }
    return {
      seed: options.seed,
      profiles: options.profiles,
      faults: Object.values(faultsByKind).reduce((a, b) => a + b, 0),
      faultsByKind,
      invoices: all.length,
      payments: paying.reduce((total, invoice) => total + (invoice.plan === 'split' ? 2 : 1), 0),
      payers: paying.length,
      neverShown,
      detected,
      missedPayments,
      wrongFinalStatuses,
      falseCredits,
      webhookEventsOwed: owed.size,
      webhookEventsReceived: [...owed].filter((event) => received.has(event)).length,
      lostWebhookEvents: [...owed].filter((event) => !received.has(event)),
      uncaughtErrors,
      durationMs: Date.now() - started,
      failures,
    };
  } finally {
    await browser.close().catch(() => undefined);
    for (const close of closers) close();
    await Promise.all([devnet.close(), site.close(), ...sinks.map((sink) => sink.close())]);
  }

  /** One profile's shop: its own chain, two devices with two tabs each, its own webhook receiver. */
  async function soakProfile(
    profile: ProfileName,
    p: number,
    devnet: Devnet,
    browser: Browser,
    siteUrl: string,
    sink: Awaited<ReturnType<typeof startSink>>,
  ): Promise<Invoice[]> {
    const chain: DevnetChain = devnet.createChain({ profile, latencyMs: 20 });
    // Each device reaches the servers from an address of its own, as buyers do: a per-client
    // rate limit (Blockstream's nginx) counts each device apart, not the whole soak as one.
    const proxies = await Promise.all([0, 1].map((d) => deviceProxy(new URL(devnet.url), `127.0.0.${10 + p * 2 + d}`)));
    closers.push(...proxies.map((proxy) => proxy.close));
    const apiOf = (device: number): string => `${proxies[device]!.url}/chains/${chain.id}/api`;
    const control = async (action: string, body: object = {}): Promise<void> => {
      await fetch(`${devnet.url}/chains/${chain.id}/control/${action}`, { method: 'POST', body: JSON.stringify(body) }).catch(
        () => undefined,
      );
    };
    const invoices = new Map<string, Invoice>();
    for (let i = 0; i < options.invoicesPerProfile; i++) {
      // Two in five on an address of their own (index); the rest shared through allocation, each
      // at its own price: the default configuration.
      const own = random() < 0.4;
      const roll = random();
      const plan: Plan = roll < 0.3 ? 'none' : own && roll < 0.45 ? 'split' : own && roll < 0.55 ? 'over' : 'full';
      const order = `soak-${profile}-${i}`;
      const attributes: Record<string, string> = {
        xpub: VPUB,
        network: 'regtest',
        api: apiOf(i % 2),
        amount: (0.001 + i * 0.00001).toFixed(5),
        'order-id': order,
        webhook: sink.url,
        expires: '0',
        ...(own ? { index: String(200 + p * 1000 + i) } : {}),
      };
      invoices.set(order, {
        order,
        attributes,
        plan,
        rbf: random() < 0.4,
        device: i % 2,
        address: null,
        amountSats: null,
        paidSats: 0,
        txids: [],
        seen: new Set(),
        statuses: new Set(),
        final: [],
        history: [],
        inspected: [],
      });
    }

    const contexts: BrowserContext[] = [];
    const tabs: Tab[] = [];
    const watchPage = (page: Page, tag: string): void => {
      page.on('pageerror', (error) => uncaughtErrors.push(`${profile} ${tag}: ${error.message}`));
    };
    const report = (event: { order: string; status: string; invoiceId: string | null; receivedSats: number }): void => {
      const invoice = invoices.get(event.order);
      if (!invoice) return;
      invoice.history.push(
        `${((Date.now() - started) / 1000).toFixed(1)}s ${event.status} ${event.invoiceId?.slice(0, 6)} ${event.receivedSats}`,
      );
      invoice.statuses.add(event.status);
      if (event.invoiceId && !['loading', 'error'].includes(event.status)) invoice.seen.add(`${event.invoiceId} ${event.status}`);
    };
    const openTab = async (context: BrowserContext, orders: string[]): Promise<Tab> => {
      const page = await context.newPage();
      watchPage(page, `tab ${tabs.length}`);
      await page.goto(`${siteUrl}/soak.html`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
      const tab: Tab = { page, orders, frozen: false };
      await mountAll(tab);
      tabs.push(tab);
      return tab;
    };
    const mountAll = async (tab: Tab): Promise<void> => {
      for (const order of tab.orders) {
        await tab.page
          .evaluate(([order, attributes]) => (window as any).mount(order, attributes), [order, invoices.get(order)!.attributes] as const)
          .catch(() => undefined);
      }
    };
    for (let d = 0; d < 2; d++) {
      const context = await browser.newContext();
      await context.exposeFunction('soakReport', report);
      contexts.push(context);
      const mine = [...invoices.values()].filter((invoice) => invoice.device === d).map((invoice) => invoice.order);
      await openTab(
        context,
        mine.filter((_, n) => n % 2 === 0),
      );
      await openTab(
        context,
        mine.filter((_, n) => n % 2 === 1),
      );
    }

    /** What every open tab shows of every order (a second tab shows the same order again). */
    const views = async (): Promise<
      Map<string, { status: string; address: string | null; amountSats: number | null; invoiceId: string | null; receivedSats: number }[]>
    > => {
      const found = new Map<
        string,
        { status: string; address: string | null; amountSats: number | null; invoiceId: string | null; receivedSats: number }[]
      >();
      for (const tab of tabs) {
        if (tab.frozen || tab.page.isClosed()) continue;
        const list = await tab.page.evaluate(() => (window as any).checkouts()).catch(() => []);
        for (const item of list) found.set(item.order, [...(found.get(item.order) ?? []), item]);
      }
      return found;
    };

    /** Pays what is due to an invoice whose request is shown (with its faults still going on). */
    const pay = async (invoice: Invoice): Promise<void> => {
      const seen = (await views()).get(invoice.order)?.find((view) => view.address && view.amountSats && view.status === 'awaiting');
      if (!seen?.address || !seen.amountSats) return;
      invoice.address = seen.address;
      invoice.amountSats = seen.amountSats;
      const parts =
        invoice.plan === 'split'
          ? [Math.floor(seen.amountSats / 3), seen.amountSats - Math.floor(seen.amountSats / 3)]
          : invoice.plan === 'over'
            ? [seen.amountSats + 1_234]
            : [seen.amountSats];
      for (const sats of parts) {
        const tx = chain.chain.pay([{ address: seen.address, sats }], { rbf: invoice.rbf });
        timeline.push(
          `${((Date.now() - started) / 1000).toFixed(1)}s ${profile} pay ${invoice.order} ${sats} to ${seen.address.slice(-6)} ${tx.txid.slice(0, 6)}`,
        );
        invoice.txids.push(tx.txid);
        invoice.paidSats += sats;
        if (parts.length > 1) await sleep(between(200, 1_500));
      }
    };

    const open = (): Tab[] => tabs.filter((candidate) => !candidate.frozen && !candidate.page.isClosed());
    const faults: (() => Promise<string>)[] = [
      async () => (chain.disconnectAll(), 'socket-drop'),
      async () => (await control('down', { ms: between(1_000, 6_000) }), 'backend-down'),
      async () => (
        await control('fail', {
          status: pick([429, 429, 500, 502, 503]),
          count: between(1, 6),
          retryAfter: random() < 0.5 ? between(1, 5) : undefined,
        }),
        'http-burst'
      ),
      async () => (await control('fail', { kind: 'nocors', status: pick([429, 502, 503]), count: between(1, 6) }), 'http-burst-no-cors'),
      async () => (await control('fail', { kind: 'hang', ms: 25_000, count: 1 }), 'stalled-request'),
      async () => (await control('fail', { kind: 'garbage', count: between(1, 3) }), 'html-instead-of-data'),
      async () => (await control('fail', { kind: 'reset', count: between(1, 3) }), 'connection-reset'),
      async () => {
        const junk = [
          'not json',
          '{"blocks":[null]}',
          '[]',
          'null',
          '{"address-transactions":[{"txid":5}]}',
          '{"block":{"height":"x"}}',
          '{"block-transactions":[null,{}]}',
          '{"address-removed-transactions":"x"}',
          '{"blocks":[{"height":-1,"id":""}]}',
          `{"address-transactions":[{"txid":"${'f'.repeat(64)}","vout":[{"scriptpubkey_address":"${addressAt(0)}","value":1e30}]}]}`,
        ];
        await control('inject', { frames: [pick(junk)] });
        return 'malformed-frame';
      },
      async () => (
        await control('inject', {
          frames: [
            pick(['{"loadingIndicators":{}}', '{"conversions":{"USD":1}}', '{"mempoolInfo":{"size":1}}', '{"fees":{}}', '{"da":{}}']),
          ],
        }),
        'unknown-frame'
      ),
      async () => (await control('inject', { replay: 1 }), 'duplicate-frame'),
      async () => (await control('inject', { replay: between(2, 6) }), 'out-of-order-frame'),
      async () => {
        const pending = [...invoices.values()].filter(
          (invoice) => invoice.rbf && invoice.txids.some((txid) => chain.chain.mempool.has(txid)),
        );
        if (!pending.length) return (chain.chain.mine(1), 'block');
        const invoice = pick(pending);
        const old = invoice.txids.find((txid) => chain.chain.mempool.has(txid))!;
        const fresh = chain.chain.replace(old, null);
        invoice.txids = invoice.txids.map((txid) => (txid === old ? fresh.txid : txid));
        timeline.push(
          `${((Date.now() - started) / 1000).toFixed(1)}s ${profile} replace ${invoice.order} ${old.slice(0, 6)} by ${fresh.txid.slice(0, 6)}`,
        );
        return 'rbf-replacement';
      },
      async () => (chain.chain.blocks.length > 3 ? (chain.chain.reorg(between(1, 2)), 'reorg') : (chain.chain.mine(1), 'block')),
      async () => (chain.chain.mine(1), 'block'),
      async () => {
        const tab = open().length ? pick(open()) : null;
        if (!tab) return 'hide-skipped';
        tab.frozen = true;
        const session = await tab.page.context().newCDPSession(tab.page);
        await tab.page
          .evaluate(() => {
            Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
            document.dispatchEvent(new Event('visibilitychange'));
          })
          .catch(() => undefined);
        await session.send('Page.setWebLifecycleState', { state: 'frozen' }).catch(() => undefined);
        setTimeout(
          async () => {
            await session.send('Page.setWebLifecycleState', { state: 'active' }).catch(() => undefined);
            await tab.page
              .evaluate(() => {
                Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
                document.dispatchEvent(new Event('visibilitychange'));
              })
              .catch(() => undefined);
            await session.detach().catch(() => undefined);
            tab.frozen = false;
          },
          between(1_000, 5_000),
        );
        return 'tab-hidden';
      },
      async () => {
        const tab = open().length ? pick(open()) : null;
        if (!tab) return 'reload-skipped';
        tab.frozen = true;
        await tab.page.reload().catch(() => undefined);
        await tab.page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready).catch(() => undefined);
        await mountAll(tab);
        tab.frozen = false;
        return 'reload';
      },
      async () => {
        const order = pick([...invoices.keys()]);
        const invoice = invoices.get(order)!;
        // At most three extra tabs: the oldest is closed first, as a buyer does.
        const extra = tabs.filter((tab, n) => n >= 4 && !tab.frozen && !tab.page.isClosed());
        if (extra.length >= 3) await extra[0]!.page.close().catch(() => undefined);
        await openTab(contexts[invoice.device]!, [order]);
        return 'second-tab';
      },
      async () => (sink.down(between(1_000, 4_000), random() < 0.5 ? 'reset' : '503'), 'webhook-receiver-down'),
      async () => {
        const tab = open().length ? pick(open()) : null;
        if (!tab) return 'storage-skipped';
        await tab.page
          .evaluate(
            (which) => {
              const outbox = (() => {
                try {
                  return JSON.parse(localStorage.getItem('btc-checkout:outbox') ?? '[]');
                } catch {
                  return [];
                }
              })();
              const junk: [string, string][] = [
                [
                  'btc-checkout:outbox',
                  JSON.stringify(Array.isArray(outbox) ? [...outbox, null, 7, { id: 3 }, { url: 'javascript:x' }] : outbox),
                ],
                ['btc-checkout:acked', '{"not":"a list"}'],
                ['btc-checkout:invoice:order:someone-else', '{"receiver":"x","base":null}'],
                [`btc-checkout:account:${Math.random()}`, 'garbage'],
                ['btc-checkout:claims', '{{{'],
              ];
              const [key, value] = junk[which % junk.length]!;
              localStorage.setItem(key, value);
            },
            between(0, 4),
          )
          .catch(() => undefined);
        return 'storage-corrupted';
      },
      async () => {
        const tab = open().length ? pick(open()) : null;
        if (!tab) return 'clock-skipped';
        const skew = pick([-5 * 3_600_000, -600_000, 90_000, 3_600_000, 8 * 24 * 3_600_000]);
        await tab.page.evaluate((ms) => (window as any).setSkew(ms), skew).catch(() => undefined);
        return 'clock-jump';
      },
    ];

    // Faults, payments and blocks at random moments, until the fault budget is spent.
    const payers = [...invoices.values()].filter((invoice) => invoice.plan !== 'none');
    const unpaid = [...payers];
    let injected = 0;
    const giveUpAt = Date.now() + options.faultsPerProfile * options.faultEveryMs * 3 + 120_000;
    while ((injected < options.faultsPerProfile || unpaid.length) && Date.now() < giveUpAt) {
      await sleep(between(options.faultEveryMs / 2, (options.faultEveryMs * 3) / 2));
      if (unpaid.length && random() < 0.25) {
        const invoice = unpaid[0]!;
        const before = invoice.paidSats;
        await pay(invoice);
        if (invoice.paidSats > before) unpaid.shift();
        else if (injected >= options.faultsPerProfile) await sleep(500);
        continue;
      }
      if (injected >= options.faultsPerProfile) continue;
      const kind = await pick(faults)().catch((error) => `failed-fault:${(error as Error).message}`);
      count(kind);
      timeline.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${profile} ${kind}`);
      injected++;
    }
    // A request never shown could not be paid: that is a failure of its own.
    for (const invoice of unpaid) neverShown.push(`${invoice.order} (${profile})`);
    log(`${profile}: ${injected} faults, healing`);

    // Healed: the backend up, the receiver up, every clock right, every tab shown; two blocks.
    await control('heal');
    sink.down(0, '503');
    await sleep(6_000);
    for (const tab of tabs) await tab.page.evaluate(() => (window as any).setSkew(0)).catch(() => undefined);
    chain.chain.mine(2);
    const deadline = Date.now() + options.settleMs;
    const settled = async (): Promise<boolean> => {
      const now = await views();
      let done = true;
      for (const invoice of invoices.values()) {
        const shown = now.get(invoice.order) ?? [];
        invoice.final = shown.map((view) => ({
          status: view.status,
          receivedSats: view.receivedSats,
          invoiceId: view.invoiceId,
          address: view.address,
          amountSats: view.amountSats,
        }));
        const expected = invoice.plan === 'none' || invoice.paidSats === 0 ? 'awaiting' : 'paid';
        // Settled means the amounts too: a replayed frame can bring back a replaced payment for a
        // while, until a listing that can be believed about it takes it out again.
        if (
          !shown.length ||
          shown.some((view) => view.status !== expected || (expected === 'paid' && view.receivedSats !== invoice.paidSats))
        )
          done = false;
      }
      const received = new Set(sink.calls.map((call) => `${call.invoiceId} ${call.status}`));
      return done && [...invoices.values()].every((invoice) => [...invoice.seen].every((event) => received.has(event)));
    };
    while (Date.now() < deadline && !(await settled())) await sleep(1_000);
    const heard = new Set(sink.calls.map((call) => `${call.invoiceId} ${call.status}`));
    for (const invoice of invoices.values()) {
      const expected = invoice.plan === 'none' || invoice.paidSats === 0 ? 'awaiting' : 'paid';
      const allHeard = [...invoice.seen].every((event) => heard.has(event));
      if (allHeard && invoice.final.some((view) => view.status === expected) && invoice.final.every((view) => view.status === expected))
        continue;
      for (const tab of tabs) {
        if (tab.page.isClosed() || tab.frozen) continue;
        const found = await tab.page.evaluate((order) => (window as any).inspect(order), invoice.order).catch(() => []);
        invoice.inspected.push(...found);
      }
    }
    log(`${profile}: settled in ${Math.round((options.settleMs - (deadline - Date.now())) / 1000)} s`);
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    return [...invoices.values()];
  }
}

/** A TCP relay to `target` whose connections leave from `localAddress` (any of 127.0.0.0/8 on Linux). */
async function deviceProxy(target: URL, localAddress: string): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port), localAddress });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) socket.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
