/**
 * A bounded fault soak, part of `npm test` (`npm run test:soak` alone): every devnet profile at
 * once, two devices with two tabs each, payments of every shape among seeded faults (see
 * test/soak/soak.ts). `npm run soak` runs the full one (over 1,000 faults). SOAK_SEED replays a
 * failing run.
 */
import { expect } from 'chai';
import { PROFILES } from '../../tools/devnet/index.js';
import { runSoak } from './soak.js';

describe('fault soak, bounded (Chromium, shipped bundle, every devnet profile)', function () {
  this.timeout(420_000);

  it('misses no payment, credits no one wrongly, loses no webhook and throws nothing', async () => {
    const seed = Number(process.env.SOAK_SEED ?? 20261129);
    const report = await runSoak({
      seed,
      profiles: PROFILES,
      invoicesPerProfile: 4,
      faultsPerProfile: 25,
      faultEveryMs: 250,
      settleMs: 240_000,
      log: () => undefined,
    });
    const summary = JSON.stringify({ ...report, failures: report.failures.slice(0, 3) }, null, 1).slice(0, 6_000);
    expect(report.faults, summary).to.be.at.least(PROFILES.length * 25);
    // Every profile showed most of its checkouts while the faults ran (a slow allocation under a rate limit may show one late).
    expect(report.neverShown.length, summary).to.be.at.most(PROFILES.length);
    expect(report.missedPayments, summary).to.deep.equal([]);
    expect(report.wrongFinalStatuses, summary).to.deep.equal([]);
    expect(report.falseCredits, summary).to.deep.equal([]);
    expect(report.lostWebhookEvents, summary).to.deep.equal([]);
    expect(report.uncaughtErrors, summary).to.deep.equal([]);
    expect(report.detected, summary).to.equal(report.payers);
  });
});
