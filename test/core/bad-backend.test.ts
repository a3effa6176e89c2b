/**
 * Every hostile or odd backend of the adversarial review (../shared/docs/reviews/adversarial.md,
 * rows B01–B26), as a table: the checkout core with a scripted REST API and websocket on a manual
 * clock. None may crash, credit what was not paid, lose what was, or busy-loop.
 */
import { expect } from 'chai';
import { createCheckout, type CheckoutState } from '../../src/core/checkout.js';
import { parseConfig } from '../../src/core/config.js';
import { REQUEST_TIMEOUT_MS } from '../../src/core/http.js';
import { FakeSocket, ManualTimers, scriptedFetch, type Answer } from '../helpers/fakes.js';

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
/** Index 1 of ZPUB's receive chain (BIP 84). */
const ADDRESS = 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g';
const OTHER = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
const API = 'https://mempool.space/api';
const LISTING = `${API}/address/${ADDRESS}/txs`;
const TIP = `${API}/blocks/tip/height`;
const tx = (id: string, value: number, height?: number, address = ADDRESS) => ({
  txid: id.repeat(64).slice(0, 64),
  vin: [{ sequence: 0xffffffff }],
  vout: [{ scriptpubkey_address: address, value }],
  status: height ? { confirmed: true, block_height: height } : { confirmed: false },
});
const txid = (id: string): string => id.repeat(64).slice(0, 64);
const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

type Route = Answer | ((url: string) => Answer | Promise<Answer> | 'network-error');

/** A checkout for 0.001 BTC (100,000 sats) at ADDRESS against scripted servers. */
function world(routes: Record<string, Route>, attributes: Record<string, string> = {}) {
  const timers = new ManualTimers();
  const sockets: FakeSocket[] = [];
  const fetch = scriptedFetch({ [TIP]: { body: '100' }, [LISTING]: { body: [] }, ...routes });
  const checkout = createCheckout(parseConfig({ xpub: ZPUB, index: '1', amount: '0.001', ...attributes }), {
    fetch,
    now: () => timers.now,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    randomBytes: (n) => new Uint8Array(n).fill(7),
  });
  const seen: CheckoutState[] = [];
  checkout.subscribe((state) => void seen.push(state));
  const statuses = (): string[] => seen.map((state) => state.status).filter((status, i, all) => status !== all[i - 1]);
  const notices = (): string[] => [
    ...new Set(seen.map((state) => state.notice?.message).filter((message): message is string => !!message)),
  ];
  return { checkout, timers, fetch, sockets, seen, statuses, notices };
}
type World = ReturnType<typeof world>;

/** Opens the newest socket and has the server acknowledge the subscription with its blocks. */
async function live(w: World, height = 100): Promise<FakeSocket> {
  await w.timers.advance(0);
  const socket = w.sockets.at(-1)!;
  socket.open();
  socket.receive({ blocks: [{ id: `h${height}`, height }] });
  await w.timers.advance(10);
  return socket;
}

/** REST requests made between two moments. */
const requestsIn = async (w: World, ms: number): Promise<number> => {
  const before = w.fetch.requests.length;
  await w.timers.advance(ms);
  return w.fetch.requests.length - before;
};

const ROWS: [id: string, what: string, run: () => Promise<void>][] = [
  [
    'B01',
    'malformed JSON from the listing, then fixed: a notice while broken, awaiting once fixed',
    async () => {
      let broken = true;
      const w = world({ [LISTING]: () => (broken ? { body: '{"not json' } : { body: [] }) }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(1_000);
      expect(w.checkout.state.status).to.equal('loading');
      expect(w.notices().join()).to.match(/not Esplora data/);
      broken = false;
      await w.timers.advance(120_000);
      expect(w.checkout.state).to.include({ status: 'awaiting', notice: null });
    },
  ],
  [
    'B02',
    'an HTML page with HTTP 200 as the tip height: a notice, no crash',
    async () => {
      const w = world({ [TIP]: { body: '<!doctype html><title>Maintenance</title>' } }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(1_000);
      expect(w.checkout.state.status).to.equal('loading');
      expect(w.notices().join()).to.match(/not Esplora data/);
    },
  ],
  [
    'B03',
    'a huge listing (10,000 old transactions on one page): awaiting, none counted',
    async () => {
      // Full pages are paged back from their last transaction: the next page is empty.
      const w = world(
        {
          [LISTING]: { body: Array.from({ length: 10_000 }, (_, n) => tx(hex4(n), 100_000, 50)) },
          [`${LISTING}/chain/${txid(hex4(9_999))}`]: { body: [] },
        },
        { ws: 'none' },
      );
      w.checkout.start();
      await w.timers.advance(1_000);
      expect(w.checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    },
  ],
  [
    'B04',
    'wrong-typed fields: ill-typed transactions ignored, the well-typed 1-sat one counted',
    async () => {
      let listing: unknown[] = [];
      const w = world({ [LISTING]: () => ({ body: listing }) }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(1_000);
      listing = [
        { ...tx('a', 100_000), vout: [{ scriptpubkey_address: ADDRESS, value: '100000' }] },
        { ...tx('b', 100_000), txid: 12345 },
        { ...tx('c', 100_000), vout: { scriptpubkey_address: ADDRESS, value: 100_000 } },
        { ...tx('d', 100_000), status: { confirmed: true, block_height: '101' } },
        tx('e', 1),
      ];
      await w.timers.advance(120_000);
      expect(w.checkout.state.invoice).to.include({ status: 'underpaid', receivedSats: 1 });
    },
  ],
  [
    'B05',
    'a payment of a negative value: ignored',
    async () => {
      const w = world({});
      w.checkout.start();
      const socket = await live(w);
      socket.receive({ 'address-transactions': [tx('a', -100_000)] });
      expect(w.checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    },
  ],
  [
    'B06',
    'an impossible value (2^53 − 1 sats, more than 21 million BTC): refused, not paid',
    async () => {
      const w = world({});
      w.checkout.start();
      const socket = await live(w);
      socket.receive({
        'address-transactions': [
          tx('a', Number.MAX_SAFE_INTEGER),
          {
            ...tx('b', 1),
            vout: [
              { scriptpubkey_address: ADDRESS, value: 2 ** 52 },
              { scriptpubkey_address: ADDRESS, value: 2 ** 52 },
            ],
          },
        ],
      });
      expect(w.checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    },
  ],
  [
    'B07',
    'the right value paid to another address, over the socket and REST: ignored',
    async () => {
      let listing: unknown[] = [];
      const w = world({ [LISTING]: () => ({ body: listing }) });
      w.checkout.start();
      const socket = await live(w);
      socket.receive({ 'address-transactions': [tx('a', 100_000, undefined, OTHER)] });
      listing = [tx('b', 100_000, undefined, OTHER)];
      await w.timers.advance(60_000);
      expect(w.checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    },
  ],
  [
    'B08',
    'the tip going back after paid (3 confirmations): steps back, paid announced once, no crash',
    async () => {
      const w = world({}, { confirmations: '3' });
      w.checkout.start();
      const socket = await live(w);
      socket.receive({ 'address-transactions': [tx('a', 100_000)] });
      socket.receive({ block: { id: 'h101', height: 101, previousblockhash: 'h100' }, 'block-transactions': [tx('a', 100_000, 101)] });
      socket.receive({ block: { id: 'h102', height: 102, previousblockhash: 'h101' } });
      socket.receive({ block: { id: 'h103', height: 103, previousblockhash: 'h102' } });
      expect(w.checkout.state.status).to.equal('paid');
      socket.receive({ blocks: [{ id: 'x60', height: 60 }] });
      socket.receive({ block: { id: 'h104', height: 104, previousblockhash: 'x60' } });
      expect(w.statuses().filter((status) => status === 'paid').length).to.be.at.least(1);
      expect(w.checkout.state.invoice!.receivedSats).to.equal(100_000);
    },
  ],
  [
    'B09',
    'garbage frames (binary, not JSON, null, arrays, deep nesting, wrong types, {"blocks":[null]}): ignored',
    async () => {
      const w = world({});
      w.checkout.start();
      const socket = await live(w);
      for (const frame of [
        '\u0000\u0001binary',
        'not json',
        'null',
        '[1,2]',
        '['.repeat(100_000),
        '{"blocks":[null]}',
        '{"blocks":"x"}',
        '{"address-transactions":[null,7,"x",{"txid":5}]}',
        '{"block":{"height":"1e3","id":7}}',
        '{"__proto__":{"polluted":1}}',
      ]) {
        socket.onmessage?.({ data: frame });
      }
      expect(({} as { polluted?: number }).polluted).to.equal(undefined);
      expect(w.checkout.state).to.include({ status: 'awaiting', connection: 'live' });
    },
  ],
  [
    'B10',
    '20,000 block frames that each look like a reorg: the REST listings stay bounded',
    async () => {
      const w = world({});
      w.checkout.start();
      const socket = await live(w);
      const before = w.fetch.requests.length;
      for (let n = 0; n < 20_000; n++) socket.receive({ blocks: [{ id: `r${n}`, height: 100 + (n % 3) }] });
      await w.timers.advance(10_000);
      expect(w.fetch.requests.length - before).to.be.at.most(10);
    },
  ],
  [
    'B11',
    '3,000 distinct 1-sat payments: underpaid by the right amount, no crash',
    async () => {
      const w = world({});
      w.checkout.start();
      const socket = await live(w);
      socket.receive({ 'address-transactions': Array.from({ length: 3_000 }, (_, n) => tx(hex4(n), 1)) });
      expect(w.checkout.state.invoice).to.include({ status: 'underpaid', receivedSats: 3_000 });
    },
  ],
  [
    'B12',
    'a 429 storm without Retry-After (no socket): 10 REST requests a minute at most',
    async () => {
      const w = world({ [TIP]: { status: 429 }, [LISTING]: { status: 429 } }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(60_000);
      expect(await requestsIn(w, 60_000)).to.be.at.most(10);
      expect(w.notices().join()).to.match(/asked to wait/);
    },
  ],
  [
    'B13',
    'a 429 storm with Retry-After: 0: 30 REST requests a minute at most',
    async () => {
      const w = world(
        { [TIP]: { status: 429, headers: { 'retry-after': '0' } }, [LISTING]: { status: 429, headers: { 'retry-after': '0' } } },
        { ws: 'none' },
      );
      w.checkout.start();
      await w.timers.advance(60_000);
      expect(await requestsIn(w, 60_000)).to.be.at.most(30);
    },
  ],
  [
    'B14',
    'a Retry-After of 25 days: the wait is capped, no busy loop of timers',
    async () => {
      const w = world({ [TIP]: { status: 429, headers: { 'retry-after': '2200000' } } }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(30_000);
      expect(w.timers.fired, 'timers fired in 30 s').to.be.at.most(20);
    },
  ],
  [
    'B15',
    'a Retry-After of 25 days during allocation (no index): no flood of notices or timers',
    async () => {
      const w = world({ [`${API}/addresses/txs`]: { status: 429, headers: { 'retry-after': '2200000' } } }, { index: '' });
      w.checkout.start();
      await w.timers.advance(30_000);
      expect(w.timers.fired).to.be.at.most(20);
      expect(w.seen.filter((state, i) => state.notice !== w.seen[i - 1]?.notice).length).to.be.at.most(3);
    },
  ],
  [
    'B16',
    'a socket that acknowledges and then drops every second: reconnects back off',
    async () => {
      const w = world({});
      w.checkout.start();
      await w.timers.advance(0);
      const served = new Set<FakeSocket>();
      for (let second = 0; second < 60; second++) {
        const socket = w.sockets.at(-1)!;
        if (!served.has(socket)) {
          served.add(socket);
          socket.open();
          socket.receive({ blocks: [{ id: 'h100', height: 100 }] });
          await w.timers.advance(1_000);
          socket.drop();
        } else await w.timers.advance(1_000);
      }
      expect(w.sockets.length, 'connections in a minute').to.be.at.most(12);
    },
  ],
  [
    'B17',
    'REST answers 500 forever (no socket): backoff, 10 requests a minute at most',
    async () => {
      const w = world({ [TIP]: { status: 500 }, [LISTING]: { status: 500 } }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(60_000);
      expect(await requestsIn(w, 60_000)).to.be.at.most(10);
    },
  ],
  [
    'B18',
    'every connection reset, no socket: backoff, 10 requests a minute at most',
    async () => {
      const w = world({ [TIP]: () => 'network-error', [LISTING]: () => 'network-error' }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(60_000);
      expect(await requestsIn(w, 60_000)).to.be.at.most(10);
      expect(w.notices().join()).to.match(/Cannot reach/);
    },
  ],
  [
    'B19',
    'a listing that never answers, once (no socket): timed out, retried, awaiting',
    async () => {
      let calls = 0;
      const w = world({ [LISTING]: () => (++calls === 1 ? new Promise<Answer>(() => undefined) : { body: [] }) }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(REQUEST_TIMEOUT_MS + 60_000);
      expect(w.checkout.state.status).to.equal('awaiting');
    },
  ],
  [
    'B20',
    'an allocation request that never answers, once (no index): timed out, retried, awaiting',
    async () => {
      let calls = 0;
      const w = world(
        { [`${API}/addresses/txs`]: () => (++calls === 1 ? new Promise<Answer>(() => undefined) : { body: [] }) },
        { index: '' },
      );
      w.checkout.start();
      await w.timers.advance(REQUEST_TIMEOUT_MS + 60_000);
      expect(w.checkout.state.status).to.equal('awaiting');
    },
  ],
  [
    'B21',
    'inconsistent backends: an empty first listing, then an old payment (fixed address): not counted',
    async () => {
      let listing: unknown[] = [];
      const w = world({ [LISTING]: () => ({ body: listing }) }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(1_000);
      listing = [tx('old', 100_000, 50)];
      await w.timers.advance(120_000);
      expect(w.checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    },
  ],
  [
    'B22',
    'tip heights of "1e3", "-5" and "": refused as not Esplora data',
    async () => {
      for (const body of ['1e3', '-5', '', '0x64']) {
        const w = world({ [TIP]: { body } }, { ws: 'none' });
        w.checkout.start();
        await w.timers.advance(1_000);
        expect(w.checkout.state.status, body).to.equal('loading');
        expect(w.notices().join(), body).to.match(/not Esplora data/);
      }
    },
  ],
  [
    'B23',
    'a mempool-removal notice naming a confirmed payment: it stays paid',
    async () => {
      const w = world({});
      w.checkout.start();
      const socket = await live(w);
      socket.receive({ block: { id: 'h101', height: 101, previousblockhash: 'h100' }, 'block-transactions': [tx('a', 100_000, 101)] });
      expect(w.checkout.state.status).to.equal('paid');
      socket.receive({ 'address-removed-transactions': [tx('a', 100_000)] });
      expect(w.checkout.state.status).to.equal('paid');
    },
  ],
  [
    'B24',
    'a price of 1e20 USD a bitcoin: refused as implausible, no request shown',
    async () => {
      const w = world({ [`${API}/v1/prices`]: { body: { time: 1, USD: 1e20 } } }, { amount: '25', currency: 'USD' });
      w.checkout.start();
      await w.timers.advance(1_000);
      expect(w.checkout.state.payment).to.equal(null);
      expect(w.notices().join()).to.match(/price/i);
    },
  ],
  [
    'B25',
    'an API error body with a phishing line: never shown to the buyer',
    async () => {
      const phishing = 'Payment failed. Send 0.01 BTC to bc1qattacker00000000000000000000000000000 instead';
      const w = world({ [LISTING]: { status: 404, body: phishing }, [TIP]: { status: 503, body: phishing } }, { ws: 'none' });
      w.checkout.start();
      await w.timers.advance(60_000);
      expect(w.notices().length).to.be.at.least(1);
      for (const notice of w.notices()) expect(notice).not.to.match(/attacker|Send 0\.01/);
    },
  ],
  [
    'B26',
    'a payment made before the invoice, confirmed between the subscription and the first listing: not counted',
    async () => {
      let answer: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (answer = resolve));
      const w = world({ [LISTING]: async () => (await held, { body: [tx('old', 100_000)] }) });
      w.checkout.start();
      await w.timers.advance(0);
      const socket = w.sockets.at(-1)!;
      socket.open();
      socket.receive({ blocks: [{ id: 'h100', height: 100 }] });
      socket.receive({ block: { id: 'h101', height: 101, previousblockhash: 'h100' }, 'block-transactions': [tx('old', 100_000, 101)] });
      answer();
      await w.timers.advance(60_000);
      expect(w.checkout.state.invoice).to.include({ status: 'awaiting', receivedSats: 0 });
    },
  ],
];

describe('every hostile or odd backend of the adversarial review (B01–B26)', () => {
  it('has every B row', () => {
    expect(ROWS.map(([id]) => id)).to.deep.equal(Array.from({ length: 26 }, (_, n) => `B${String(n + 1).padStart(2, '0')}`));
  });
  for (const [id, what, run] of ROWS) it(`${id}: ${what}`, run);
});
