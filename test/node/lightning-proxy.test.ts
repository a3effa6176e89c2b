/**
 * The reference receiver as a same-origin way to a Lightning Address service that sends no CORS
 * headers (tools/receiver/lightning-proxy.ts): a checkout's whole Lightning payment goes through
 * it, and it forwards to the shop's service and nowhere else.
 */
import { expect } from 'chai';
import { startDevnet, type Devnet } from '../../tools/devnet/server.js';
import { startReceiver, memoryReceiverStore } from '../../tools/receiver/server.js';
import { createLightningSession } from '../../src/core/lightning-session.js';

const VPUB = 'vpub5YvMuJNjRSYon44z9QmCfdf8SqJRVNvz6m55Qy5iVjZQxDfUgtiQjnc7CC1fAbED2tAGCZRERUfvtn2DstZGU6HMns6dXXH2wujSc2wfi2x';

describe('receiver: GET /lightning, a proxy to the shop’s Lightning Address only', () => {
  let devnet: Devnet;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let address: string;
  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
    ({ address } = await (await fetch(`${devnet.url}/lightning/services`, { method: 'POST', body: '{"cors":false}' })).json());
    receiver = await startReceiver({
      xpub: VPUB,
      network: 'regtest',
      api: `${devnet.url}/api`,
      store: memoryReceiverStore(),
      lightning: address,
    });
  });
  after(async () => {
    await receiver.close();
    await devnet.close();
  });

  it('carries a whole payment for a service without CORS, answering with CORS itself', async () => {
    const proxy = `${receiver.url}/lightning?url=`;
    const direct = await fetch(`${devnet.url}/.well-known/lnurlp/${address.split('@')[0]}`);
    expect(direct.headers.get('access-control-allow-origin'), 'the service sends none').to.equal(null);
    const session = createLightningSession(
      { address, sats: 5_000, network: 'regtest', proxy, firstPollMs: 50, maxPollMs: 100 },
      {
        fetch: (url, init) => fetch(url, init as RequestInit),
        setTimeout,
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
        now: Date.now,
      },
    );
    session.start();
    try {
      while (session.state.status === 'requesting') await new Promise((resolve) => setTimeout(resolve, 5));
      const offered = session.state;
      if (offered.status !== 'offered') throw new Error(JSON.stringify(offered));
      const viaProxy = await fetch(`${proxy}${encodeURIComponent(offered.offer.verify!)}`);
      expect(viaProxy.headers.get('access-control-allow-origin')).to.equal('*');
      await fetch(`${devnet.url}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr: offered.offer.pr }) });
      const end = Date.now() + 3_000;
      while (session.state.status !== 'settled' && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(session.state.status).to.equal('settled');
    } finally {
      session.stop();
    }
  });

  it('forwards nowhere else: another host, another port, no URL', async () => {
    for (const target of ['https://evil.example/x', 'http://127.0.0.1:9/.well-known/lnurlp/shop', '', 'javascript:alert(1)']) {
      const response = await fetch(`${receiver.url}/lightning?url=${encodeURIComponent(target)}`);
      expect(response.status, target).to.equal(403);
    }
    const none = await fetch(`${receiver.url}/lightning`);
    expect(none.status).to.equal(403);
  });
});
