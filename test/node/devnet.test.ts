/**
 * The devnet speaks mempool.space's protocol (docs/protocol.md), and the core checkout works against
 * it over real HTTP and real websockets.
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import { startDevnet, type Devnet } from '../../tools/devnet/index.js';
import { createCheckout, type CheckoutState } from '../../src/core/checkout.js';
import { parseConfig } from '../../src/core/config.js';

const ADDRESS = 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk';
const OTHER = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';

let devnet: Devnet;
before(async () => {
  devnet = await startDevnet({ profile: 'lenient' });
});
after(() => devnet.close());

const control = async (path: string, body: object = {}): Promise<any> =>
  (await fetch(`${devnet.url}/control${path}`, { method: 'POST', body: JSON.stringify(body) })).json();

/** A websocket client that collects frames. */
async function connect(url: string): Promise<{ socket: WebSocket; frames: any[]; next: (key: string) => Promise<any> }> {
  const socket = new WebSocket(url);
  const frames: any[] = [];
  const waiters: { key: string; resolve: (frame: any) => void }[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    frames.push(frame);
    for (const waiter of [...waiters]) if (waiter.key in frame) (waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve(frame));
  });
  await new Promise((resolve) => socket.once('open', resolve));
  const next = (key: string) => {
    const seen = frames.find((frame) => key in frame && !frame.__taken);
    if (seen) return Promise.resolve(Object.assign(seen, { __taken: true }));
    return new Promise<any>((resolve) => waiters.push({ key, resolve: (frame) => resolve(Object.assign(frame, { __taken: true })) }));
  };
  return { socket, frames, next };
}

describe('devnet REST (docs/protocol.md §2)', () => {
  it('serves the tip as text/plain', async () => {
    const response = await fetch(`${devnet.url}/api/blocks/tip/height`);
    expect(response.headers.get('content-type')).to.equal('text/plain');
    expect(response.headers.get('access-control-allow-origin')).to.equal('*');
    expect(Number(await response.text())).to.be.at.least(100);
  });
  it('404s an unknown transaction in text, but answers {confirmed:false} for its status (G5)', async () => {
    const txid = 'ab'.repeat(32);
    const tx = await fetch(`${devnet.url}/api/tx/${txid}`);
    expect([tx.status, await tx.text()]).to.deep.equal([404, 'Transaction not found']);
    expect(await (await fetch(`${devnet.url}/api/tx/${txid}/status`)).json()).to.deep.equal({ confirmed: false });
  });
  it('refuses an invalid address with 400 text', async () => {
    const response = await fetch(`${devnet.url}/api/address/nonsense/txs`);
    expect([response.status, await response.text()]).to.deep.equal([400, 'Invalid Bitcoin address']);
  });
  it('lists an address: mempool first, then confirmed, newest first, with Esplora fields', async () => {
    const { txid: old } = await control('/pay', { address: OTHER, sats: 1000, confirm: true });
    const { txid: fresh } = await control('/pay', { address: OTHER, sats: 2000, rbf: true });
    const list = await (await fetch(`${devnet.url}/api/address/${OTHER}/txs`)).json();
    expect(list.map((tx: any) => tx.txid).slice(0, 2)).to.deep.equal([fresh, old]);
    expect(list[0]).to.deep.include({ status: { confirmed: false } });
    expect(list[0].vin[0].sequence).to.equal(0xfffffffd);
    expect(list[0].vout[0]).to.deep.include({ scriptpubkey_address: OTHER, value: 2000, scriptpubkey_type: 'v0_p2wpkh' });
    expect(list[1].status).to.include({ confirmed: true });
    const stats = await (await fetch(`${devnet.url}/api/address/${OTHER}`)).json();
    expect(stats.mempool_stats.funded_txo_sum).to.equal(2000);
  });
  it('answers the batch POST /addresses/txs whatever the content type, up to 300 addresses', async () => {
    const ok = await fetch(`${devnet.url}/api/addresses/txs`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify([OTHER, ADDRESS]),
    });
    expect((await ok.json()).length).to.be.at.least(2);
    const tooMany = await fetch(`${devnet.url}/api/addresses/txs`, { method: 'POST', body: JSON.stringify(Array(301).fill(OTHER)) });
    expect([tooMany.status, await tooMany.text()]).to.deep.equal([422, 'body too long']);
  });
  it('serves /v1/prices with -1 for unavailable currencies', async () => {
    const prices = await (await fetch(`${devnet.url}/api/v1/prices`)).json();
    expect(prices).to.include({ USD: 100_000, BGN: -1 });
  });
  it('does not answer CORS preflights on the API, as esplora’s nginx does not (esplora#505)', async () => {
    const response = await fetch(`${devnet.url}/api/blocks/tip/height`, { method: 'OPTIONS' });
    expect(response.status).to.equal(405);
    expect(response.headers.get('access-control-allow-origin')).to.equal(null);
  });
  it('injects faults: 429 with Retry-After and nginx’s HTML body', async () => {
    const chain = await control('/chains');
    await fetch(`${chain.control}/fail`, { method: 'POST', body: JSON.stringify({ status: 429, count: 1, retryAfter: 7 }) });
    const limited = await fetch(`${chain.api}/blocks/tip/height`);
    expect([limited.status, limited.headers.get('retry-after')]).to.deep.equal([429, '7']);
    expect(await limited.text()).to.include('429 Too Many Requests');
    expect((await fetch(`${chain.api}/blocks/tip/height`)).status).to.equal(200);
  });
});

describe('devnet websocket (docs/protocol.md §1)', () => {
  it('answers want blocks with the last 8 blocks ascending, then an unsolicited conversions frame', async () => {
    const { socket, next } = await connect(`${devnet.url.replace('http', 'ws')}/api/v1/ws`);
    socket.send(JSON.stringify({ action: 'want', data: ['blocks'], 'track-address': ADDRESS }));
    const { blocks } = await next('blocks');
    expect(blocks).to.have.length(8);
    expect(blocks[7].height - blocks[0].height).to.equal(7);
    expect(await next('conversions')).to.have.property('conversions');
    socket.send(JSON.stringify({ action: 'ping' }));
    expect(await next('pong')).to.deep.equal({ pong: true, __taken: true });
    socket.close();
  });
  it('pushes address, block and removal events for the tracked address only', async () => {
    const chain = await control('/chains');
    const { socket, next } = await connect(chain.ws);
    socket.send(JSON.stringify({ action: 'want', data: ['blocks'], 'track-address': ADDRESS }));
    await next('blocks');
    await fetch(`${chain.control}/pay`, { method: 'POST', body: JSON.stringify({ address: OTHER, sats: 5 }) });
    const { txid } = await (
      await fetch(`${chain.control}/pay`, { method: 'POST', body: JSON.stringify({ address: ADDRESS, sats: 777, rbf: true }) })
    ).json();
    expect((await next('address-transactions'))['address-transactions'][0]).to.deep.include({ txid });
    const { txid: replacement } = await (
      await fetch(`${chain.control}/replace`, { method: 'POST', body: JSON.stringify({ txid, address: ADDRESS, sats: 777 }) })
    ).json();
    expect((await next('address-removed-transactions'))['address-removed-transactions'][0].txid).to.equal(txid);
    expect((await next('address-transactions'))['address-transactions'][0].txid).to.equal(replacement);
    await fetch(`${chain.control}/mine`, { method: 'POST', body: '{}' });
    const frame = await next('block-transactions');
    expect(frame.block.previousblockhash).to.be.a('string');
    expect(frame['block-transactions'][0]).to.deep.include({ txid: replacement });
    expect(frame['block-transactions'][0].status).to.include({ confirmed: true, block_height: frame.block.height });
    await fetch(`${chain.control}/reorg`, { method: 'POST', body: JSON.stringify({ depth: 1 }) });
    expect((await next('blocks')).blocks).to.have.length(8);
    socket.close();
  });
  it('closes a socket that sends something that is not JSON', async () => {
    const { socket } = await connect(`${devnet.url.replace('http', 'ws')}/api/v1/ws`);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.send('not json');
    await closed;
  });
});

describe('core checkout against the devnet (real HTTP and websockets)', () => {
  const ZPUB = 'vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc';

  function run(attributes: Record<string, string>) {
    const states: CheckoutState[] = [];
    const checkout = createCheckout(parseConfig({ xpub: ZPUB, network: 'regtest', index: '0', ...attributes }), {
      fetch: (url, init) => fetch(url, init as RequestInit),
      createSocket: (url) => new WebSocket(url) as never,
      now: () => Date.now(),
      random: Math.random,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    });
    checkout.subscribe((state) => states.push(state));
    const until = (status: string) =>
      new Promise<CheckoutState>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`never ${status}; now ${checkout.state.status}`)), 8000);
        const check = (state: CheckoutState) => state.status === status && (clearTimeout(timer), resolve(state));
        check(checkout.state);
        checkout.subscribe(check);
      });
    return { checkout, states, until };
  }

  it('awaiting → unconfirmed → paid, live over the socket', async () => {
    const chain = await control('/chains');
    const { checkout, until } = run({ api: chain.api, amount: '0.001' });
    try {
      checkout.start();
      const { invoice } = await until('awaiting');
      await fetch(`${chain.control}/pay`, { method: 'POST', body: JSON.stringify({ address: invoice!.address, sats: 100_000 }) });
      await until('unconfirmed');
      await fetch(`${chain.control}/mine`, { method: 'POST', body: '{}' });
      const paid = await until('paid');
      expect(paid.invoice).to.include({ receivedSats: 100_000, confirmations: 1 });
      expect(paid.connection).to.equal('live');
      const stats = await (await fetch(`${chain.control}/stats`)).json();
      // The first listing at once (with the tip), and one after subscribing (the socket gives the tip).
      expect(stats.rest.byRoute).to.deep.equal({ 'tip-height': 1, 'address-txs': 2 });
    } finally {
      checkout.stop();
    }
  });
});
