import { expect } from 'chai';
import { REQUEST_TIMEOUT_MS } from '../../src/core/http.js';
import type { FetchLike } from '../../src/core/effects.js';
import { createOutbox, type DeliveryRecord, type OutboxEffects } from '../../src/core/outbox.js';
import { memoryStore, safeStore, type StorageLike, type Store } from '../../src/core/store.js';
import { ManualTimers, scriptedFetch, type Answer } from '../helpers/fakes.js';

describe('webhook outbox', () => {
  const URL_ = 'https://shop.example/paid';
  /** A page's outbox on `store`, calling through `fetch` on `timers` (its clock `skew` ms off), and what it reported. */
  function outboxOn(fetch: FetchLike, store: Store, timers: ManualTimers, more: Partial<OutboxEffects> = {}, skew = 0) {
    const records: DeliveryRecord[] = [];
    const outbox = createOutbox(
      { fetch, store, now: () => timers.now + skew, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, ...more },
      (record) => records.push(record),
    );
    return { outbox, records };
  }
  function setup(answers: (Answer | 'network-error')[], store = memoryStore()) {
    const timers = new ManualTimers();
    const queue = [...answers];
    const fetch = scriptedFetch({ [URL_]: () => queue.shift() ?? { status: 200, body: 'ok' } });
    const beacons: string[] = [];
    const { outbox, records } = outboxOn(fetch, store, timers, { beacon: (url) => (beacons.push(url), true) });
    return { timers, fetch, records, outbox, store, beacons };
  }
  const delivery = (id = 'd1', txid: string | null = null, now = 1_700_000_000_000) => ({
    id,
    url: URL_,
    format: 'json' as const,
    body: '{"id":"d1"}',
    txid,
    createdAt: now,
    attempt: 0,
    due: now,
  });

  it('delivers once and logs the answer', async () => {
    const { timers, outbox, records, fetch, store } = setup([{ status: 200, body: 'thanks' }]);
    outbox.add([delivery()]);
    outbox.add([delivery()]);
    await timers.advance(0);
    expect(fetch.requests).to.deep.equal([URL_]);
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ status: 200, response: 'thanks', outcome: 'delivered', attempt: 1 });
    expect(store.get('btc-checkout:outbox')).to.equal(null);
  });

  it('retries network errors, 5xx, 408 and 429 with backoff, honouring Retry-After', async () => {
    const { timers, outbox, records } = setup([
      'network-error',
      { status: 503 },
      { status: 429, headers: { 'Retry-After': '600' } },
      { status: 408 },
      { status: 204 },
    ]);
    outbox.add([delivery()]);
    await timers.advance(0);
    expect(timers.pending[0]).to.equal(5_000);
    await timers.advance(5_000);
    expect(timers.pending[0]).to.equal(15_000);
    await timers.advance(15_000);
    expect(timers.pending[0]).to.equal(600_000);
    await timers.advance(600_000);
    await timers.advance(135_000);
    expect(records.map((r) => `${r.status}:${r.outcome}`)).to.deep.equal([
      '0:retry',
      '503:retry',
      '429:retry',
      '408:retry',
      '204:delivered',
    ]);
  });

  it('drops a delivery the receiver refuses (4xx), and says so', async () => {
    const { timers, outbox, records, store } = setup([{ status: 404, body: 'no such route' }]);
    outbox.add([delivery()]);
    await timers.advance(0);
    expect(records[0]).to.include({ status: 404, outcome: 'failed', response: 'no such route' });
    expect(store.get('btc-checkout:outbox')).to.equal(null);
  });

  it('gives up after 7 days and 10 attempts, and says so', async () => {
    const { timers, outbox, records } = setup([]);
    outbox.add([{ ...delivery('old', null, 1_700_000_000_000 - 8 * 24 * 3_600_000), attempt: 10 }]);
    await timers.advance(0);
    expect(records[0]).to.include({ outcome: 'failed', response: 'gave up after 7 days' });
  });

  it('D10, D11: a corrupted outbox or acked list (another script, another version) is read as empty, never thrown', async () => {
    for (const [outboxText, ackedText] of [
      ['{}', '{}'],
      ['"x"', '7'],
      ['[null,1,{"id":3}]', '[1,null,"tx0"]'],
      ['not json', 'not json'],
    ]) {
      const store = memoryStore();
      store.set('btc-checkout:outbox', outboxText!);
      store.set('btc-checkout:acked', ackedText!);
      const { timers, outbox, records } = setup([{ status: 200 }], store);
      expect(() => outbox.acked()).not.to.throw();
      outbox.add([delivery('fresh')]);
      await timers.advance(0);
      expect(records.map((record) => [record.id, record.outcome])).to.deep.equal([['fresh', 'delivered']]);
    }
  });

  it('D01: adding while a retry waits leaves one timer, and stopping leaves none', async () => {
    const { timers, outbox } = setup(['network-error', 'network-error']);
    outbox.add([delivery('a')]);
    await timers.advance(0);
    for (let i = 0; i < 5; i++) outbox.add([]);
    await timers.advance(0);
    expect(timers.pending).to.have.length(1);
    outbox.stop();
    expect(timers.pending).to.have.length(0);
  });

  it('sends what another tab added and left (closed, frozen) when the storage event says so', async () => {
    const store = memoryStore();
    const timers = new ManualTimers();
    let changed: () => void = () => undefined;
    const fetch = scriptedFetch({ [URL_]: { status: 200 } });
    const { outbox, records } = outboxOn(fetch, store, timers, {
      onStoreChange: (_key, listener) => ((changed = listener), () => undefined),
    });
    outbox.add([]);
    await timers.advance(0);
    // Another tab leased a call for a minute, and closed.
    store.set('btc-checkout:outbox', JSON.stringify([{ ...delivery('theirs'), due: timers.now + 60_000 }]));
    changed();
    await timers.advance(60_000);
    expect(records.map((record) => record.id)).to.deep.equal(['theirs']);
    outbox.stop();
  });

  it('a call another tab wrote over (a write from an older copy) is put back by the page that added it, and sent once (soak)', async () => {
    const store = memoryStore();
    const timers = new ManualTimers();
    let changed: () => void = () => undefined;
    const answers: (Answer | 'network-error')[] = ['network-error'];
    const fetch = scriptedFetch({ [URL_]: () => answers.shift() ?? { status: 200 } });
    const { outbox, records } = outboxOn(fetch, store, timers, {
      onStoreChange: (_key, listener) => ((changed = listener), () => undefined),
    });
    outbox.add([delivery('mine', null, timers.now)]);
    await timers.advance(0);
    expect(records.map((record) => record.outcome)).to.deep.equal(['retry']);
    // Another tab saves the outbox from the copy it read before this call was added.
    store.set('btc-checkout:outbox', JSON.stringify([]));
    changed();
    expect(JSON.parse(store.get('btc-checkout:outbox')!).map((entry: { id: string }) => entry.id)).to.deep.equal(['mine']);
    await timers.advance(60_000);
    expect(records.map((record) => `${record.id} ${record.outcome}`)).to.deep.equal(['mine retry', 'mine delivered']);
    outbox.stop();
  });

  it('a call another tab finished is neither put back nor added again', async () => {
    const store = memoryStore();
    const first = setup(['network-error'], store);
    first.outbox.add([delivery('shared')]);
    await first.timers.advance(0);
    const second = setup([{ status: 200 }], store);
    second.timers.now = first.timers.now + 60_000;
    second.outbox.add([delivery('shared')]);
    await second.timers.advance(0);
    expect(second.records.map((record) => record.outcome)).to.deep.equal(['delivered']);
    first.outbox.add([delivery('shared')]);
    await first.timers.advance(3_600_000);
    expect(first.records.map((record) => record.outcome)).to.deep.equal(['retry']);
    expect(store.get('btc-checkout:outbox')).to.equal(null);
    first.outbox.stop();
    second.outbox.stop();
  });

  it('a receiver that answers again gets at once the calls that were backing off from it (the soak lost two to a 405 s wait)', async () => {
    const { timers, outbox, records, store } = setup([{ status: 200 }, { status: 200 }]);
    store.set(
      'btc-checkout:outbox',
      JSON.stringify([{ ...delivery('waiting', null, timers.now - 200_000), attempt: 4, due: timers.now + 405_000 }]),
    );
    outbox.add([delivery('new', null, timers.now)]);
    await timers.advance(0);
    expect(records.map((record) => `${record.id} ${record.outcome}`)).to.deep.equal(['new delivered', 'waiting delivered']);
    outbox.stop();
  });

  it('a call the receiver keeps turning away (503) while it takes the others is retried once per 5 s at most, not after each of them (soak: six tries in 55 ms)', async () => {
    const store = memoryStore();
    const timers = new ManualTimers();
    const fetch = scriptedFetch({ [URL_]: (_url, init) => (String(init?.body).includes('refused') ? { status: 503 } : { status: 200 }) });
    const { outbox, records } = outboxOn(fetch, store, timers);
    store.set(
      'btc-checkout:outbox',
      JSON.stringify([
        { ...delivery('refused', null, timers.now - 200_000), body: '{"id":"refused"}', attempt: 4, due: timers.now + 405_000 },
      ]),
    );
    outbox.add(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ ...delivery(id, null, timers.now), body: `{"id":"${id}"}` })));
    await timers.advance(0);
    expect(records.filter((record) => record.id === 'refused').map((record) => record.attempt)).to.deep.equal([5]);
    expect(records.filter((record) => record.outcome === 'delivered')).to.have.length(6);
    outbox.stop();
  });

  it('a call that failed on its own (500) is not hurried when the receiver takes another: only an away receiver (no answer, 502, 503, 504) is', async () => {
    const { timers, outbox, records, store } = setup([{ status: 200 }, { status: 200 }]);
    store.set(
      'btc-checkout:outbox',
      JSON.stringify([
        { ...delivery('broken', null, timers.now - 200_000), attempt: 4, status: 500, due: timers.now + 405_000 },
        { ...delivery('away', null, timers.now - 200_000), attempt: 4, status: 0, due: timers.now + 405_000 },
      ]),
    );
    outbox.add([delivery('new', null, timers.now)]);
    await timers.advance(0);
    expect(records.map((record) => `${record.id} ${record.outcome}`)).to.deep.equal(['new delivered', 'away delivered']);
    outbox.stop();
  });

  it('two tabs whose clocks disagree by days do not hand a call back and forth: each tries it once per 5 s at most', async () => {
    const store = memoryStore();
    const timers = new ManualTimers();
    const fetch = scriptedFetch({ [URL_]: { status: 503 } });
    const { outbox: behind, records: behindRecords } = outboxOn(fetch, store, timers, {}, -5 * 3_600_000);
    const { outbox: ahead, records: aheadRecords } = outboxOn(fetch, store, timers, {}, 8 * 24 * 3_600_000);
    behind.add([delivery('shared', null, timers.now - 5 * 3_600_000)]);
    ahead.add([delivery('shared', null, timers.now - 5 * 3_600_000)]);
    for (let step = 0; step < 10; step++) {
      await timers.advance(500);
      ahead.add([]);
      behind.add([]);
    }
    const records = [...behindRecords, ...aheadRecords];
    expect(records.length).to.be.at.most(4);
    expect(records.every((record) => record.outcome === 'retry')).to.equal(true);
    behind.stop();
    ahead.stop();
  });

  it('a receiver that never answers holds the outbox 20 s at most: the call is given up, retried, and the next one goes', async () => {
    const store = memoryStore();
    const timers = new ManualTimers();
    let calls = 0;
    const fetch = scriptedFetch({ [URL_]: () => (++calls === 1 ? new Promise<Answer>(() => undefined) : { status: 200 }) });
    const { outbox, records } = outboxOn(fetch, store, timers);
    outbox.add([delivery('hung', null, timers.now), delivery('next', null, timers.now)]);
    await timers.advance(REQUEST_TIMEOUT_MS);
    expect(records.map((record) => `${record.id} ${record.outcome}`)).to.deep.equal(['hung retry', 'next delivered']);
    await timers.advance(60_000);
    expect(records.map((record) => `${record.id} ${record.outcome}`)).to.deep.equal(['hung retry', 'next delivered', 'hung delivered']);
    outbox.stop();
  });

  it('D15: a clock days ahead never drops a call that was hardly tried', async () => {
    const { timers, outbox, records } = setup([{ status: 200 }]);
    outbox.add([{ ...delivery('old', null, 1_700_000_000_000 - 8 * 24 * 3_600_000), attempt: 1 }]);
    await timers.advance(0);
    expect(records.map((record) => record.outcome)).to.deep.equal(['delivered']);
  });

  it('records an *ok* for blockchain-info, and a plain 200 as delivered but not acknowledged', async () => {
    const { timers, outbox, records } = setup([
      { status: 200, body: 'waiting' },
      { status: 200, body: '*ok*\n' },
    ]);
    outbox.add([delivery('c0', 'tx1')]);
    await timers.advance(0);
    expect(outbox.acked().has('tx1')).to.equal(false);
    outbox.add([delivery('c1', 'tx1')]);
    await timers.advance(0);
    expect(records.map((r) => r.outcome)).to.deep.equal(['delivered', 'acknowledged']);
    expect(outbox.acked().has('tx1')).to.equal(true);
  });

  it('survives a reload: another outbox on the same storage sends what was waiting', async () => {
    const store = memoryStore();
    const first = setup(['network-error'], store);
    first.outbox.add([delivery()]);
    await first.timers.advance(0);
    first.outbox.stop();
    const second = setup([{ status: 200 }], store);
    second.timers.now = first.timers.now + 10_000;
    second.outbox.add([]);
    await second.timers.advance(0);
    expect(second.records.map((r) => r.outcome)).to.deep.equal(['delivered']);
  });

  it('leaves a delivery another page is sending alone (lease)', async () => {
    const store = memoryStore();
    const slow = setup([], store);
    let release: (answer: Answer) => void = () => undefined;
    const pending = new Promise<Answer>((resolve) => (release = resolve));
    const fetchA = scriptedFetch({ [URL_]: () => pending });
    const { outbox: outboxA } = outboxOn(fetchA, store, slow.timers);
    outboxA.add([delivery()]);
    await slow.timers.advance(0);
    const other = setup([], store);
    other.timers.now = slow.timers.now + 1_000;
    other.outbox.add([]);
    await other.timers.advance(0);
    expect(other.fetch.requests).to.deep.equal([]);
    release({ status: 200 });
    await slow.timers.advance(0);
  });

  it('hands waiting deliveries to sendBeacon (POST) or a keepalive fetch (GET) when the page goes away', async () => {
    const { timers, outbox, beacons, fetch, records } = setup(['network-error']);
    outbox.add([delivery(), { ...delivery('g1'), body: null, url: 'https://shop.example/cb?x=1', due: timers.now + 60_000 }]);
    await timers.advance(0);
    outbox.flushOnLeave();
    expect(beacons).to.deep.equal([URL_]);
    expect(fetch.requests).to.include('https://shop.example/cb?x=1');
    expect(records.filter((r) => r.outcome === 'beacon')).to.have.length(2);
  });
});

describe('storage', () => {
  it('falls back to memory when storage throws (Safari private mode) or is full', () => {
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const store = safeStore(() => broken);
    store.set('k', 'v');
    expect(store.get('k')).to.equal('v');
    const missing = safeStore(() => {
      throw new Error('no localStorage');
    });
    missing.set('a', 'b');
    expect(missing.get('a')).to.equal('b');
  });
  it('uses the storage when it works', () => {
    const backing = new Map<string, string>();
    const storage: StorageLike = {
      getItem: (k) => backing.get(k) ?? null,
      setItem: (k, v) => void backing.set(k, v),
      removeItem: (k) => void backing.delete(k),
    };
    const store = safeStore(() => storage);
    store.set('k', 'v');
    expect(backing.get('k')).to.equal('v');
    store.remove('k');
    expect(store.get('k')).to.equal(null);
  });
});
