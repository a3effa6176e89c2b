import { expect } from 'chai';
import { createRestClient } from '../../src/core/http.js';
import { watchAddress, SETTLE_MS, SOCKET_GRACE_MS, type WatchOptions } from '../../src/core/chain/watcher.js';
import type { ChainEvent } from '../../src/core/invoice.js';
import { FakeSocket, ManualTimers, scriptedFetch, type Answer } from '../helpers/fakes.js';

const API = 'https://api.example/api';
const TIP = `${API}/blocks/tip/height`;
const TXS = `${API}/address/addr/txs`;

function setup(
  options: {
    ws?: boolean;
    derived?: boolean;
    listNow?: boolean;
    isHistory?: WatchOptions['isHistory'];
    answers?: Record<string, Answer | ((url: string) => Answer)>;
  } = {},
) {
  const timers = new ManualTimers();
  const fetch = scriptedFetch({ [TIP]: { body: '100' }, [TXS]: { body: [] }, ...options.answers });
  const events: ChainEvent[] = [];
  const errors: (string | null)[] = [];
  const connections: string[] = [];
  let wake: (() => void) | null = null;
  FakeSocket.created.length = 0;
  const effects = {
    fetch,
    now: () => timers.now,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    createSocket: (url: string) => new FakeSocket(url),
    random: () => 0.5,
    onWake: (listener: () => void) => ((wake = listener), () => (wake = null)),
  };
  const watchOptions: WatchOptions = {
    address: 'addr',
    rest: createRestClient([API], effects),
    wsUrl: options.ws === false ? null : 'wss://api.example/api/v1/ws',
    wsDerived: options.derived,
    listNow: options.listNow,
    isHistory: options.isHistory,
    pollMs: () => 5_000,
    onEvent: (event) => events.push(event),
    onConnection: (connection) => connections.push(connection),
    onError: (error) => errors.push(error?.message ?? null),
  };
  const watcher = watchAddress(watchOptions, effects);
  return { watcher, timers, fetch, events, errors, connections, wake: () => wake?.(), socket: () => FakeSocket.created.at(-1)! };
}

const restCalls = (fetch: { requests: string[] }): number => fetch.requests.length;

describe('address watcher', () => {
  it('with a healthy socket: one listing after subscribing (the socket gives the tip), one more once a server cache has expired, then no REST at all', async () => {
    const { watcher, timers, fetch, events, connections, socket } = setup();
    socket().open();
    socket().receive({ blocks: [{ id: 'h', height: 100 }] });
    await timers.advance(10);
    expect(fetch.requests).to.deep.equal([TXS]);
    expect(events.map((e) => e.type)).to.deep.equal(['tip', 'snapshot']);
    expect(events[1]).to.include({ tipHeight: 100, requestedAt: timers.now - 10 });
    expect(connections).to.deep.equal(['connecting', 'live']);
    await timers.advance(SETTLE_MS);
    expect(fetch.requests).to.deep.equal([TXS, TXS]);
    for (let minute = 0; minute < 10; minute++) {
      socket().receive({ pong: true });
      await timers.advance(25_000);
    }
    expect(restCalls(fetch)).to.equal(2);
    watcher.stop();
  });

  it('lists at once, without waiting for the socket, when the address has no history yet', async () => {
    const { watcher, timers, fetch, events } = setup({ listNow: true });
    await timers.advance(0);
    expect(fetch.requests.sort()).to.deep.equal([TXS, TIP].sort());
    expect(events.map((e) => e.type)).to.deep.equal(['snapshot']);
    watcher.stop();
  });

  it('R2: a derived socket URL that never opens is given up: it polls, and says so', async () => {
    const { watcher, timers, connections, socket } = setup({ derived: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      socket().drop();
      await timers.advance(60_000);
    }
    expect(connections.at(-1)).to.equal('polling');
    expect(FakeSocket.created).to.have.length(3);
    await timers.advance(600_000);
    expect(FakeSocket.created).to.have.length(3);
    watcher.stop();
  });

  it('B4: pages back through a backend that lists 10 at a time, to the invoice’s history', async () => {
    const txs = Array.from({ length: 25 }, (_, n) => ({
      txid: n.toString(16).padStart(64, '0'),
      vin: [],
      vout: [{ scriptpubkey_address: 'addr', value: 1_000 + n }],
      status: { confirmed: true, block_height: 200 - n },
    }));
    const page = (from: number) => ({ body: txs.slice(from, from + 10) });
    const { watcher, timers, events } = setup({
      ws: false,
      isHistory: (tx) => tx.height !== null && tx.height <= 185,
      answers: {
        [TXS]: page(0),
        [`${TXS}/chain/${txs[9]!.txid}`]: { status: 404, body: 'Cannot GET' },
        [`${TXS}?after_txid=${txs[9]!.txid}`]: page(10),
        [`${TXS}?after_txid=${txs[19]!.txid}`]: page(20),
      },
    });
    await timers.advance(0);
    const snapshot = events.find((e) => e.type === 'snapshot') as Extract<ChainEvent, { type: 'snapshot' }>;
    // 200 … 186 are newer than the history (≤ 185): all of them listed, over two pages.
    expect(snapshot.complete).to.equal(true);
    expect(snapshot.txs.map((tx) => tx.height)).to.include.members([186, 190, 200]);
    watcher.stop();
  });

  it('polls over REST when the socket does not come up within the grace period', async () => {
    const { watcher, timers, fetch, connections } = setup();
    await timers.advance(SOCKET_GRACE_MS - 1);
    expect(restCalls(fetch)).to.equal(0);
    await timers.advance(1);
    expect(restCalls(fetch)).to.equal(2);
    await timers.advance(5_000);
    expect(restCalls(fetch)).to.equal(4);
    expect(connections[0]).to.equal('connecting');
    watcher.stop();
  });

  it('stops polling once the socket is live, and polls again when it drops', async () => {
    const { watcher, timers, fetch, socket } = setup();
    await timers.advance(SOCKET_GRACE_MS + 5_000);
    expect(restCalls(fetch)).to.equal(4);
    socket().open();
    socket().receive({ blocks: [{ id: 'h', height: 100 }] });
    for (let step = 0; step < 3; step++) {
      socket().receive({ pong: true });
      await timers.advance(20_000);
    }
    // Live: one listing on subscribing and one once a cache expired, each without the tip.
    expect(restCalls(fetch)).to.equal(6);
    socket().drop();
    await timers.advance(SOCKET_GRACE_MS);
    expect(restCalls(fetch)).to.equal(8);
    watcher.stop();
  });

  it('with ws="none": polls at once, then every interval', async () => {
    const { watcher, timers, fetch, connections } = setup({ ws: false });
    await timers.advance(0);
    expect(restCalls(fetch)).to.equal(2);
    await timers.advance(15_000);
    expect(restCalls(fetch)).to.equal(8);
    expect(connections).to.deep.equal(['polling']);
    expect(FakeSocket.created).to.have.length(0);
    watcher.stop();
  });

  it('backs off on errors and honours Retry-After', async () => {
    let fail = 3;
    const { watcher, timers, fetch, errors } = setup({
      ws: false,
      answers: { [TIP]: () => (fail-- > 0 ? { status: 429, headers: { 'retry-after': '60' } } : { body: '100' }) },
    });
    await timers.advance(0);
    expect(errors.at(-1)).to.match(/asked to wait|HTTP 429/);
    await timers.advance(59_000);
    const before = fetch.requests.filter((url) => url === TIP).length;
    await timers.advance(1_000);
    expect(fetch.requests.filter((url) => url === TIP).length).to.be.greaterThan(before);
    await timers.advance(180_000);
    expect(errors.at(-1)).to.equal(null);
    watcher.stop();
  });

  it('retries a failed reconcile even while the socket is live', async () => {
    let fail = 1;
    const { watcher, timers, events, socket } = setup({ answers: { [TXS]: () => (fail-- > 0 ? { status: 500 } : { body: [] }) } });
    socket().open();
    socket().receive({ blocks: [{ id: 'h', height: 100 }] });
    await timers.advance(10);
    expect(events.filter((e) => e.type === 'snapshot')).to.have.length(0);
    await timers.advance(10_000);
    expect(events.filter((e) => e.type === 'snapshot')).to.have.length(1);
    watcher.stop();
  });

  it('reconciles on a reorg and when the page wakes up', async () => {
    const { watcher, timers, fetch, socket, wake } = setup();
    socket().open();
    socket().receive({ blocks: [{ id: 'h', height: 100 }] });
    await timers.advance(10);
    socket().receive({ block: { id: 'x', height: 101, previousblockhash: 'not-h' } });
    await timers.advance(10);
    expect(restCalls(fetch)).to.equal(2);
    socket().receive({ block: { id: 'y', height: 102, previousblockhash: 'x' } });
    await timers.advance(10);
    expect(restCalls(fetch)).to.equal(2);
    wake();
    await timers.advance(10);
    expect(restCalls(fetch)).to.equal(3);
    watcher.stop();
    expect(timers.pending).to.deep.equal([]);
  });
});
