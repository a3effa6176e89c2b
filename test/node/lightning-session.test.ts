/**
 * A buyer's Lightning payment (src/core/lightning-session.ts) against the devnet's Lightning
 * Address services: offered, settled through LUD-21 with the preimage, renewed on expiry,
 * polite while waiting, and refusing hostile services.
 */
import { expect } from 'chai';
import { startDevnet, type Devnet } from '../../tools/devnet/server.js';
import { createLightningSession, type LightningSession, type LightningState } from '../../src/core/lightning-session.js';

const effects = {
  fetch: (url: string, init?: object) => fetch(url, init as RequestInit),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

async function until(session: LightningSession, test: (state: LightningState) => boolean, timeoutMs = 5_000): Promise<LightningState> {
  const end = Date.now() + timeoutMs;
  while (!test(session.state)) {
    if (Date.now() > end) throw new Error(`the session stayed ${JSON.stringify(session.state)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return session.state;
}

describe('a Lightning payment through a Lightning Address (devnet)', () => {
  let devnet: Devnet;
  const sessions: LightningSession[] = [];
  before(async () => {
    devnet = await startDevnet({ profile: 'lenient' });
  });
  afterEach(() => sessions.splice(0).forEach((session) => session.stop()));
  after(() => devnet.close());

  const service = async (options: object = {}) =>
    (await (await fetch(`${devnet.url}/lightning/services`, { method: 'POST', body: JSON.stringify(options) })).json()) as {
      name: string;
      address: string;
    };
  const stats = async (name: string) =>
    (await (await fetch(`${devnet.url}/lightning/services/${name}`)).json()) as { verifies: number[]; invoices: number };
  const settle = (pr: string) => fetch(`${devnet.url}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr }) });
  const session = (address: string, options: object = {}) => {
    const made = createLightningSession(
      { address, sats: 25_000, network: 'regtest', firstPollMs: 50, maxPollMs: 200, ...options },
      effects,
    );
    sessions.push(made);
    made.start();
    return made;
  };
  /** An invoice a page offered and a wallet paid just before the page went away; kept by the page as expired. */
  const paidThenExpired = async (address: string) => {
    const page = session(address);
    const offered = await until(page, (state) => state.status === 'offered');
    page.stop();
    const offer = offered.status === 'offered' ? offered.offer : null;
    await settle(offer!.pr);
    return { ...offer!, expiresAt: Date.now() - 1 };
  };

  it('offers an invoice for the amount, and is settled with the preimage once a wallet pays it', async () => {
    const { address } = await service();
    const payment = session(address);
    const offered = await until(payment, (state) => state.status === 'offered');
    if (offered.status !== 'offered') throw new Error();
    expect(offered.offer.amountMsat).to.equal(25_000_000);
    expect(offered.offer.verify).to.be.a('string');
    const paidAt = Date.now();
    const { preimage } = (await (await settle(offered.offer.pr)).json()) as { preimage: string };
    const settled = await until(payment, (state) => state.status === 'settled');
    expect(settled).to.deep.include({ status: 'settled', preimage });
    if (settled.status === 'settled') expect(settled.settledAt - paidAt, 'within one poll at the ceiling').to.be.below(400);
  });

  it('waits politely: the polls back off to the ceiling, and stop() ends them', async () => {
    const { name, address } = await service();
    const payment = session(address, { firstPollMs: 100, maxPollMs: 400 });
    await until(payment, (state) => state.status === 'offered');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const polls = (await stats(name)).verifies;
    const gaps = polls.slice(1).map((at, i) => at - polls[i]!);
    // 100, 150, 225, 338, 400, 400…: about 8 in 2.5 s, each gap no shorter than the one before (timer jitter aside).
    expect(polls.length).to.be.within(6, 10);
    expect(gaps.at(-1)!).to.be.within(350, 600);
    payment.stop();
    const stopped = polls.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await stats(name)).verifies.length, 'no poll after stop()').to.be.at.most(stopped + 1);
  });

  it('renews an invoice before it expires, and the new one is the one to pay', async () => {
    const { address } = await service({ expirySeconds: 2 });
    const payment = session(address, { renewBeforeMs: 1_000 });
    const first = await until(payment, (state) => state.status === 'offered');
    const renewed = await until(payment, (state) => state.status === 'offered' && state.renewals === 1, 4_000);
    if (first.status !== 'offered' || renewed.status !== 'offered') throw new Error();
    expect(renewed.offer.pr).to.not.equal(first.offer.pr);
    expect(renewed.offer.expiresAt).to.be.above(first.offer.expiresAt);
    await settle(renewed.offer.pr);
    await until(payment, (state) => state.status === 'settled');
  });

  it('a service whose invoices live a second is not asked more than once a second', async () => {
    const { name, address } = await service({ expirySeconds: 1, verify: false });
    const payment = session(address, { renewBeforeMs: 30_000 });
    await until(payment, (state) => state.status === 'offered');
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const { invoices } = await stats(name);
    expect(invoices).to.be.within(2, 4);
  });

  it('a service without verify: offered, and never settled here', async () => {
    const { name, address } = await service({ verify: false });
    const payment = session(address);
    const offered = await until(payment, (state) => state.status === 'offered');
    if (offered.status !== 'offered') throw new Error();
    expect(offered.offer.verify).to.equal(null);
    await settle(offered.offer.pr);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(payment.state.status).to.equal('offered');
    expect((await stats(name)).verifies).to.deep.equal([]);
  });

  it('refuses a hostile service: an invoice for another amount, a "settled" without the preimage', async () => {
    const wrong = session((await service({ amount: 'wrong' })).address);
    const failed = await until(wrong, (state) => state.status === 'failed');
    expect(failed.status === 'failed' && failed.error).to.include({ source: 'lightning', code: 'mismatch' });
    const lying = session((await service({ verifyAnswers: 'lying' })).address);
    const lied = await until(lying, (state) => state.status === 'failed');
    expect(lied.status === 'failed' && lied.error.message).to.match(/preimage does not match/);
  });

  it('an unreachable service (down, or no CORS in a browser) is asked three times, then fails with a merchant-facing reason', async () => {
    const started = Date.now();
    const payment = session('shop@127.0.0.1:9');
    const failed = await until(payment, (state) => state.status === 'failed', 10_000);
    // Asked now, 2 s later and 5 s after that: a blip does not cost the buyer Lightning.
    expect(Date.now() - started).to.be.within(7_000, 9_000);
    expect(failed.status === 'failed' && failed.error).to.include({ source: 'lightning', code: 'unavailable' });
    expect(failed.status === 'failed' && failed.error.message).to.match(/Access-Control-Allow-Origin/);
  });

  it('withdrawn, it asks for no new invoice but watches the one on offer to its end: a payment then still settles', async () => {
    const { address, name } = await service({ expirySeconds: 2 });
    const payment = session(address);
    const offered = await until(payment, (state) => state.status === 'offered');
    payment.withdraw();
    await settle(offered.status === 'offered' ? offered.offer.pr : '');
    const settled = await until(payment, (state) => state.status === 'settled');
    expect(settled.status === 'settled' && settled.offer.pr).to.equal(offered.status === 'offered' && offered.offer.pr);
    const { invoices } = await stats(name);
    expect(invoices).to.equal(1);
  });

  it('withdrawn and unpaid, it goes idle once the invoice has expired, with no new one asked for', async () => {
    const { address, name } = await service({ expirySeconds: 2 });
    const payment = session(address);
    await until(payment, (state) => state.status === 'offered');
    payment.withdraw();
    await until(payment, (state) => state.status === 'idle', 5_000);
    const { invoices } = await stats(name);
    expect(invoices).to.equal(1);
  });

  it('resumes the invoice shown before a reload while it can be paid; an expired one is asked about once, then replaced', async () => {
    const { address, name } = await service();
    const first = session(address);
    const offered = await until(first, (state) => state.status === 'offered');
    first.stop();
    const offer = offered.status === 'offered' ? offered.offer : null;
    const resumed = session(address, { resume: offer });
    expect(resumed.state.status === 'offered' && resumed.state.offer.pr).to.equal(offer!.pr);
    await settle(offer!.pr);
    await until(resumed, (state) => state.status === 'settled');

    // Paid just before it expired, found on the last look.
    const old = await paidThenExpired(address);
    const late = session(address, { resume: old });
    const found = await until(late, (state) => state.status === 'settled');
    expect(found.status === 'settled' && found.offer.pr).to.equal(old.pr);
    expect((await stats(name)).invoices).to.equal(2);
  });

  it('a verify request that never answers is given up after its timeout, and the next poll sees the payment', async () => {
    const { address } = await service();
    let stalled = 0;
    const stalling = {
      ...effects,
      // The first verify request hangs until the session gives up on it, as a stalled service would.
      fetch: (url: string, init?: object) =>
        url.includes('/verify/') && stalled++ === 0
          ? new Promise<never>((_, reject) =>
              (init as { signal?: AbortSignal } | undefined)?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
            )
          : effects.fetch(url, init),
    };
    const payment = createLightningSession(
      { address, sats: 25_000, network: 'regtest', firstPollMs: 50, maxPollMs: 200, requestTimeoutMs: 300 },
      stalling,
    );
    sessions.push(payment);
    payment.start();
    const offered = await until(payment, (state) => state.status === 'offered');
    await settle(offered.status === 'offered' ? offered.offer.pr : '');
    await until(payment, (state) => state.status === 'settled', 3_000);
    expect(stalled).to.be.at.least(2);
  });

  it('withdrawn, an invoice valid for a day is watched ten minutes at most (withdrawnWatchMs)', async () => {
    const { address, name } = await service({ expirySeconds: 86_400 });
    const payment = session(address, { withdrawnWatchMs: 500 });
    await until(payment, (state) => state.status === 'offered');
    payment.withdraw();
    await until(payment, (state) => state.status === 'idle', 3_000);
    const { invoices } = await stats(name);
    expect(invoices).to.equal(1);
  });

  it('withdrawn at once after a reload (paid on-chain meanwhile), it still takes the last look at the expired invoice it resumed', async () => {
    const { address, name } = await service();
    // Paid by Lightning just before it expired, and the page reloaded after an on-chain payment.
    const old = await paidThenExpired(address);
    const reloaded = session(address, { resume: old });
    reloaded.withdraw();
    const found = await until(reloaded, (state) => state.status === 'settled');
    expect(found.status === 'settled' && found.offer.pr).to.equal(old.pr);
    expect((await stats(name)).invoices, 'no new invoice for a withdrawn session').to.equal(1);
  });
});
