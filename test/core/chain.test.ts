import { expect } from 'chai';
import { createRestClient, DEFAULT_COOLDOWN_MS, HttpError, REQUEST_TIMEOUT_MS, retryAfterMs } from '../../src/core/http.js';
import { fetchAddressTxs, fetchTipHeight, toChainTx } from '../../src/core/chain/esplora.js';
import { openAddressSocket, PING_AFTER_MS, PONG_TIMEOUT_MS, type SocketEvents } from '../../src/core/chain/mempool-socket.js';
import { FakeSocket, fixture, flush, ManualTimers, scriptedFetch } from '../helpers/fakes.js';

const A = 'https://a.example/api';
const B = 'https://b.example/api';
const TXID = 'b6a53d8a8025c0c5b194345925a99741b645cae0b1f180f0613273029f2bf698';

describe('REST client', () => {
  it('fails over in order and then prefers the base that answered', async () => {
    const fetch = scriptedFetch({ [`${A}/blocks/tip/height`]: { status: 502 }, [`${B}/blocks/tip/height`]: { body: '100' } });
    const timers = new ManualTimers();
    const rest = createRestClient([A, B], { fetch, now: () => timers.now });
    expect(await rest.get('/blocks/tip/height')).to.equal('100');
    timers.now += 10_000;
    expect(await rest.get('/blocks/tip/height')).to.equal('100');
    expect(fetch.requests).to.deep.equal([`${A}/blocks/tip/height`, `${B}/blocks/tip/height`, `${B}/blocks/tip/height`]);
  });

  it('fails over on network errors', async () => {
    const fetch = scriptedFetch({ [`${A}/x`]: () => 'network-error', [`${B}/x`]: { body: 'ok' } });
    expect(await createRestClient([A, B], { fetch, now: () => 0 }).get('/x')).to.equal('ok');
  });

  it('honours 429 Retry-After: that base rests until then', async () => {
    let calls = 0;
    const fetch = scriptedFetch({
      [`${A}/x`]: () => (calls++ === 0 ? { status: 429, headers: { 'Retry-After': '20' } } : { body: 'again' }),
    });
    const timers = new ManualTimers();
    const rest = createRestClient([A], { fetch, now: () => timers.now });
    const error = await rest.get('/x').catch((e) => e);
    expect(error).to.be.instanceOf(HttpError);
    expect(error).to.include({ status: 429, retryAfterMs: 20_000, source: 'chain' });
    timers.now += 19_000;
    expect((await rest.get('/x').catch((e) => e)).retryAfterMs).to.equal(1_000);
    expect(fetch.requests.length).to.equal(1);
    timers.now += 1_000;
    expect(await rest.get('/x')).to.equal('again');
  });

  it('rests a rate-limited base 30 s when the server hides Retry-After (CORS)', async () => {
    const fetch = scriptedFetch({ [`${A}/x`]: { status: 429, body: '<html>429 Too Many Requests</html>' } });
    expect(
      (
        await createRestClient([A], { fetch, now: () => 0 })
          .get('/x')
          .catch((e) => e)
      ).retryAfterMs,
    ).to.equal(30_000);
  });

  it('does not fail over on a 4xx answer every base would give, and never repeats what the server said', async () => {
    const fetch = scriptedFetch({ [`${A}/tx/${TXID}`]: { status: 404, body: 'Payment failed. Send 0.01 BTC to bc1qattacker instead' } });
    const error = await createRestClient([A, B], { fetch, now: () => 0 })
      .get(`/tx/${TXID}`)
      .catch((e) => e);
    expect(error.status).to.equal(404);
    // B25: the answer's text may be anything; the buyer sees only who answered what status.
    expect(error.message).to.equal(`${A}/tx/… answered HTTP 404.`);
    expect(fetch.requests).to.have.length(1);
  });

  it('R5: a 400 that is an internal error (mempool/electrs) is retried elsewhere; one that refuses the request is not', async () => {
    const fetch = scriptedFetch({
      [`${A}/x`]: { status: 400, body: 'electrs connection reset' },
      [`${B}/x`]: { body: 'ok' },
      [`${A}/y`]: { status: 400, body: 'Invalid Bitcoin address' },
    });
    expect(await createRestClient([A, B], { fetch, now: () => 0 }).get('/x')).to.equal('ok');
    expect(
      (
        await createRestClient([A, B], { fetch, now: () => 0 })
          .get('/y')
          .catch((e) => e)
      ).status,
    ).to.equal(400);
  });

  it('R11: an API of another network is a configuration error, not something to retry', async () => {
    const fetch = scriptedFetch({ [`${A}/address/bc1q/txs`]: { status: 400, body: 'Address on invalid network' } });
    const error = await createRestClient([A], { fetch, now: () => 0 })
      .get('/address/bc1q/txs')
      .catch((e) => e);
    expect(error).to.include({ source: 'api', code: 'network-mismatch' });
  });

  it('R6: a failure it cannot read (a 429 without CORS looks like one) rests the base 30 s, until the network comes back', async () => {
    let now = 0;
    const fetch = scriptedFetch({ [`${A}/x`]: () => 'network-error' });
    const rest = createRestClient([A], { fetch, now: () => now });
    expect((await rest.get('/x').catch((e) => e)).retryAfterMs).to.equal(30_000);
    now = 29_000;
    await rest.get('/x').catch(() => undefined);
    expect(fetch.requests).to.have.length(1);
    rest.reset!();
    await rest.get('/x').catch(() => undefined);
    expect(fetch.requests).to.have.length(2);
  });

  it('a clock that goes back during a rest ends it, instead of making it last as long again (soak, seed 1)', async () => {
    let now = 10_000_000;
    const fetch = scriptedFetch({ [`${A}/x`]: { status: 429, headers: { 'retry-after': '30' } } });
    const rest = createRestClient([A], { fetch, now: () => now });
    await rest.get('/x').catch(() => undefined);
    now += 10_000;
    await rest.get('/x').catch(() => undefined);
    expect(fetch.requests, 'still resting').to.have.length(1);
    now -= 3_600_000;
    await rest.get('/x').catch(() => undefined);
    expect(fetch.requests, 'the rest ended with the clock jump').to.have.length(2);
  });

  it('B14: a Retry-After of weeks rests the base an hour at most', async () => {
    const fetch = scriptedFetch({ [`${A}/x`]: { status: 429, headers: { 'retry-after': '2200000' } } });
    expect(
      (
        await createRestClient([A], { fetch, now: () => 0 })
          .get('/x')
          .catch((e) => e)
      ).retryAfterMs,
    ).to.equal(3_600_000);
    expect(retryAfterMs('Wed, 21 Oct 2099 07:28:00 GMT', 0, 'Wed, 01 Jan 2099 00:00:00 GMT')).to.equal(3_600_000);
  });

  it("D16: an HTTP-date Retry-After is read on the server's clock, or believed 5 minutes at most on a skewed one of ours", () => {
    const serverNow = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    const ours = serverNow - 5 * 3_600_000;
    // Our clock 5 hours behind: without the server's Date, a wait of 5 hours 30 s would follow.
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:30 GMT', ours)).to.equal(300_000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:30 GMT', ours, 'Wed, 21 Oct 2026 07:28:00 GMT')).to.equal(30_000);
    expect(retryAfterMs('30', ours)).to.equal(30_000);
  });

  it('B19, B20: a request that never answers is given up after 20 s, cancelled, and the base rested', async () => {
    const timers = new ManualTimers();
    const signals: { aborted: boolean }[] = [];
    let answered = 0;
    const fetch = (_url: string, init?: { signal?: unknown }) => {
      signals.push(init!.signal as { aborted: boolean });
      // The first request hangs for ever; later ones answer.
      return answered++ === 0
        ? new Promise<never>(() => undefined)
        : Promise.resolve({ ok: true, status: 200, headers: { get: () => null }, text: async () => 'fine' });
    };
    const rest = createRestClient([A], { fetch, now: () => timers.now, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
    const hung = rest.get('/x').catch((error) => error);
    await timers.advance(REQUEST_TIMEOUT_MS);
    expect(await hung).to.include({ status: 0, retryAfterMs: DEFAULT_COOLDOWN_MS });
    expect(signals[0]!.aborted).to.equal(true);
    await timers.advance(DEFAULT_COOLDOWN_MS);
    expect(await rest.get('/x')).to.equal('fine');
    expect(timers.pending).to.deep.equal([]);
  });

  it('B19: a body that stalls after its headers times out too', async () => {
    const timers = new ManualTimers();
    const fetch = async () => ({ ok: true, status: 200, headers: { get: () => null }, text: () => new Promise<string>(() => undefined) });
    const rest = createRestClient([A], { fetch, now: () => timers.now, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
    const hung = rest.get('/x').catch((error) => error);
    await timers.advance(REQUEST_TIMEOUT_MS);
    expect(await hung).to.include({ status: 0 });
  });

  it('R10: a runtime that refuses the cache option (old Cloudflare Workers) is asked without it', async () => {
    const seen: unknown[] = [];
    const fetch = async (url: string, init?: { cache?: string }) => {
      seen.push(init?.cache);
      if (init?.cache) throw new TypeError("The 'cache' field on 'RequestInitializerDict' is not implemented.");
      return { ok: true, status: 200, headers: { get: () => null }, text: async () => url };
    };
    const rest = createRestClient([A], { fetch, now: () => 0 });
    expect(await rest.get('/x')).to.equal(`${A}/x`);
    expect(await rest.get('/y')).to.equal(`${A}/y`);
    expect(seen).to.deep.equal(['no-store', undefined, undefined]);
  });

  it('B2: a route some bases lack (prices on an Esplora) is asked of the next one', async () => {
    const fetch = scriptedFetch({
      [`${A}/v1/prices`]: { status: 404, body: 'endpoint does not exist' },
      [`${B}/v1/prices`]: { body: '{"USD":1}' },
    });
    const rest = createRestClient([A, B], { fetch, now: () => 0 }, 'rates', { failOverOn: [404] });
    expect(await rest.get('/v1/prices')).to.equal('{"USD":1}');
    expect(await rest.get('/v1/prices')).to.equal('{"USD":1}');
    expect(fetch.requests).to.deep.equal([`${A}/v1/prices`, `${B}/v1/prices`, `${B}/v1/prices`]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120', 0)).to.equal(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).to.equal(60_000);
    expect(retryAfterMs('soon', 0)).to.equal(null);
    expect(retryAfterMs(null, 0)).to.equal(null);
  });
});

describe('Esplora data', () => {
  it('reads a real mempool.space transaction (fixture): value to the address, RBF signal, mempool', async () => {
    const tx = await fixture('rest-tx-unconfirmed.json');
    const parsed = toChainTx(tx, '1stAprEZapjCYGUACUcXohQqSHF9MU5Kj')!;
    expect(parsed).to.deep.include({ txid: TXID, valueSats: 49_040, height: null, rbf: true });
    // The outpoints it spends: how a fee bump of old history is recognised.
    expect(parsed.spends).to.have.length((tx as { vin: unknown[] }).vin.length);
    for (const outpoint of parsed.spends!) expect(outpoint).to.match(/^[0-9a-f]{64}:\d+$/);
    expect(toChainTx(tx, 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu')!.valueSats).to.equal(0);
  });
  it('sums every output to the address and reads the block height', () => {
    const tx = {
      txid: TXID,
      vin: [{ sequence: 0xffffffff }],
      vout: [{ scriptpubkey_address: 'x', value: 5 }, { value: 9 }, { scriptpubkey_address: 'x', value: 7 }],
      status: { confirmed: true, block_height: 42 },
    };
    expect(toChainTx(tx, 'x')).to.deep.equal({ txid: TXID, valueSats: 12, height: 42, rbf: false, spends: [] });
    const coinbase = {
      ...tx,
      vin: [
        { txid: '0'.repeat(64), vout: 4294967295, is_coinbase: true, sequence: 0xffffffff },
        { txid: TXID, vout: 3 },
      ],
    };
    expect(toChainTx(coinbase, 'x')!.spends).to.deep.equal([`${TXID}:3`]);
  });
  it('refuses what is not a transaction', () => {
    for (const bad of [null, 1, 'x', {}, { txid: 'nothex', vout: [] }, { txid: TXID }]) expect(toChainTx(bad, 'x')).to.equal(null);
  });
  it('parses the plain-text tip height and the address listing', async () => {
    const fetch = scriptedFetch({
      [`${A}/blocks/tip/height`]: { body: '890448\n' },
      [`${A}/address/x/txs`]: {
        body: [{ txid: TXID, vin: [], vout: [{ scriptpubkey_address: 'x', value: 1 }], status: { confirmed: false } }],
      },
    });
    const rest = createRestClient([A], { fetch, now: () => 0 });
    expect(await fetchTipHeight(rest)).to.equal(890448);
    expect(await fetchAddressTxs(rest, 'x')).to.deep.equal({
      txs: [{ txid: TXID, valueSats: 1, height: null, rbf: false, spends: [], blockTime: null }],
      complete: true,
    });
  });
  it('calls a proxy page where data should be what it is, an HttpError', async () => {
    const page = '<html><body>Checking your browser…</body></html>';
    const fetch = scriptedFetch({ [`${A}/blocks/tip/height`]: { body: page }, [`${A}/address/x/txs`]: { body: page } });
    const rest = createRestClient([A], { fetch, now: () => 0 });
    for (const read of [() => fetchTipHeight(rest), () => fetchAddressTxs(rest, 'x')]) {
      const error = await read().then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).to.be.instanceOf(HttpError);
      expect((error as HttpError).message).to.equal('The API answered something that is not Esplora data.');
    }
  });
});

describe('mempool.space socket', () => {
  const log: string[] = [];
  const events: SocketEvents = {
    onReady: () => log.push('ready'),
    onTxs: (txs) => log.push(`txs ${txs.map((t) => `${t.txid.slice(0, 4)}:${t.valueSats}@${t.height}`).join(',')}`),
    onRemoved: (txids) => log.push(`removed ${txids.map((t) => t.slice(0, 4)).join(',')}`),
    onTip: (height, reorg) => log.push(`tip ${height}${reorg ? ' reorg' : ''}`),
    onDown: () => log.push('down'),
  };
  let timers: ManualTimers;
  const effects = () => ({
    createSocket: (url: string) => new FakeSocket(url),
    random: () => 0.5,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
  });
  const tx = (txid: string, value: number, height?: number) => ({
    txid: txid.padEnd(64, '0'),
    vin: [],
    vout: [{ scriptpubkey_address: 'addr', value }],
    status: height ? { confirmed: true, block_height: height } : { confirmed: false },
  });
  const block = (id: string, height: number, previous: string) => ({ id, height, previousblockhash: previous });

  beforeEach(() => {
    log.length = 0;
    FakeSocket.created.length = 0;
    timers = new ManualTimers();
  });

  it('subscribes with one frame and is ready when the blocks reply arrives', () => {
    const handle = openAddressSocket('wss://x/api/v1/ws', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    expect(socket.sent).to.deep.equal([{ action: 'want', data: ['blocks'], 'track-address': 'addr' }, { action: 'ping' }]);
    socket.receive({ conversions: { USD: 1 } });
    expect(log).to.deep.equal([]);
    socket.receive({ blocks: [block('h1', 1, 'h0'), block('h2', 2, 'h1')] });
    expect(log).to.deep.equal(['tip 2', 'ready']);
    handle.close();
  });

  it('reports mempool, removal and block transactions, removals first within a frame', () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    socket.receive({ blocks: [block('h2', 2, 'h1')] });
    socket.receive({ 'address-transactions': [tx('bbbb', 7)], 'address-removed-transactions': [tx('aaaa', 7)] });
    socket.receive({ block: block('h3', 3, 'h2'), 'block-transactions': [tx('bbbb', 7, 3)] });
    expect(log).to.deep.equal(['tip 2', 'ready', 'removed aaaa', 'txs bbbb:7@null', 'tip 3', 'txs bbbb:7@3']);
  });

  it('reads the real block frame fixture and ignores its other keys', async () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    socket.receive({ blocks: [block('0000000000000000000004cc6260ec7065ee8f65591864fb4c720ec110e3e2ab', 890447, 'p')] });
    socket.receive(await fixture('ws-block-frame.json'));
    socket.receive(await fixture('ws-tx-replaced-frame.json'));
    expect(log).to.deep.equal(['tip 890447', 'ready', 'tip 890448']);
  });

  it('flags a reorg: a block that does not extend our tip, or a block list without it', () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    socket.receive({ blocks: [block('h2', 2, 'h1')] });
    socket.receive({ block: block('x3', 3, 'x2') });
    socket.receive({ blocks: [block('y2', 2, 'h1'), block('y3', 3, 'y2')] });
    expect(log.slice(2)).to.deep.equal(['tip 3 reorg', 'tip 3 reorg']);
  });

  it('ignores frames that are not JSON objects', () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    for (const frame of ['not json', 'null', '42', '[]', '{"address-transactions":"nope"}', '{"block":null}']) socket.receive(frame);
    expect(log).to.deep.equal([]);
  });

  it('pings after 30 s of silence and reconnects when no pong comes within 5 s', async () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const first = FakeSocket.created[0]!;
    first.open();
    first.receive({ blocks: [block('h2', 2, 'h1')] });
    await timers.advance(PING_AFTER_MS - 1);
    expect(first.sent).to.have.length(2);
    await timers.advance(1);
    expect(first.sent.at(-1)).to.deep.equal({ action: 'ping' });
    first.receive({ pong: true });
    await timers.advance(PONG_TIMEOUT_MS);
    expect(first.closed).to.equal(false);
    await timers.advance(PING_AFTER_MS + PONG_TIMEOUT_MS);
    expect(first.closed).to.equal(true);
    expect(log.at(-1)).to.equal('down');
    await timers.advance(1_000);
    expect(FakeSocket.created).to.have.length(2);
  });

  it('backs off exponentially with jitter, about 1 s up to 30 s, and re-subscribes', async () => {
    const randoms = [0, 0.999, 0, 0.999, 0, 0.999, 0];
    const backoff: number[] = [];
    openAddressSocket('wss://x', 'addr', events, { ...effects(), random: () => randoms.shift() ?? 0.5 });
    for (let attempt = 0; attempt < 7; attempt++) {
      FakeSocket.created.at(-1)!.drop();
      backoff.push(timers.pending[0]!);
      await timers.advance(timers.pending[0]!);
    }
    expect(backoff.map((ms) => Math.round(ms / 100) / 10)).to.deep.equal([0.5, 2, 2, 8, 8, 30, 15]);
    const socket = FakeSocket.created.at(-1)!;
    socket.open();
    expect(socket.sent[0]).to.deep.include({ 'track-address': 'addr' });
  });

  it('R7: is ready on the pong to its ping when the server has no blocks to reply with (after a restart)', () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    socket.receive({ conversions: { USD: 1 } });
    expect(log).to.deep.equal([]);
    socket.receive({ pong: true });
    expect(log).to.deep.equal(['ready']);
  });

  it('B09: ignores null and malformed blocks', () => {
    openAddressSocket('wss://x', 'addr', events, effects());
    const socket = FakeSocket.created[0]!;
    socket.open();
    for (const frame of [{ blocks: [null] }, { blocks: [{ id: 7, height: 'x' }] }, { block: { id: 'h', height: -1 } }])
      socket.receive(frame);
    expect(log.filter((line) => line.startsWith('tip'))).to.deep.equal([]);
  });

  it('R2: a derived URL that never opens is given up after 3 tries: there is no socket there', async () => {
    const gone: string[] = [];
    openAddressSocket(
      'wss://blockstream.info/api/v1/ws',
      'addr',
      { ...events, onAbsent: () => gone.push('absent') },
      { ...effects(), giveUpAfter: 3 },
    );
    for (let attempt = 0; attempt < 3; attempt++) {
      FakeSocket.created.at(-1)!.drop();
      await timers.advance(60_000);
    }
    expect(gone).to.deep.equal(['absent']);
    expect(FakeSocket.created).to.have.length(3);
    expect(timers.pending).to.deep.equal([]);
  });

  it('B16: a socket that opens, answers and drops every second is still backed off', async () => {
    openAddressSocket('wss://x', 'addr', events, { ...effects(), random: () => 0.999 });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const socket = FakeSocket.created.at(-1)!;
      socket.open();
      socket.receive({ blocks: [block('h2', 2, 'h1')] });
      await timers.advance(1_000);
      socket.drop();
      delays.push(timers.pending[0]!);
      await timers.advance(timers.pending[0]!);
    }
    expect(delays.map((ms) => Math.round(ms / 1000))).to.deep.equal([1, 2, 4, 8, 16, 30]);
  });

  it('reconnects at once when woken while down, and stops everything on close', async () => {
    const handle = openAddressSocket('wss://x', 'addr', events, effects());
    FakeSocket.created[0]!.drop();
    handle.wake();
    expect(FakeSocket.created).to.have.length(2);
    handle.close();
    expect(FakeSocket.created[1]!.closed).to.equal(true);
    expect(timers.pending).to.deep.equal([]);
    await flush();
  });
});
