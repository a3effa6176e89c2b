/**
 * The adversarial review's attacks on the merchant's side (R01–R08, and C05, C08, C14, C21–C23),
 * replayed against a checkout of this project, and the reference receiver's API requests per
 * minute under a flood of 5,000 forged calls.
 *
 * `npx tsx bench/attacks.ts [checkout]` runs them against the checkout at `checkout` (default:
 * this one), so that an older commit can be compared: `git worktree add /tmp/old <commit>` and
 * link its node_modules. Prints one line per attack: whether the attack succeeded.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevnet } from '../tools/devnet/index.js';
import { deriveAddress, parseAccount } from '../src/core/account.js';
import { newPriceKey, signPrice } from '../src/core/price-token.js';
import { statusCall } from '../test/helpers/receiver-calls.js';

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..'));
const load = async (path: string) => import(pathToFileURL(resolve(root, path)).href);
// The receiver lives in tools/ since the renovation; an older commit replayed keeps it in src/.
const { startReceiver } = await load('tools/receiver/server.ts').catch(() => load('src/receiver/server.ts'));
const { verifyPayment } = await load('src/core/verify.ts');

const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const account = parseAccount(ZPUB);
const address = (index: number): string => deriveAddress(account, index);
const KEY = newPriceKey();
const MUG = signPrice({ amount: '0.001', currency: 'BTC', item: 'mug' }, KEY);

const devnet = await startDevnet({ profile: 'lenient' });
const results: Record<string, string> = {};
let chainNumber = 0;

async function withReceiver<T>(
  run: (context: { receiver: any; chain: any; api: string; database: string }) => Promise<T>,
  limits: object = { apiPerMinute: 100_000 },
  database = ':memory:',
): Promise<T> {
  const chain = devnet.createChain();
  const api = `${devnet.url}/chains/${chain.id}/api`;
  const receiver = await startReceiver({
    xpub: ZPUB,
    api,
    recheckMs: 3_600_000,
    recheckAfterMs: 0,
    lookahead: 100,
    priceKey: KEY,
    database,
    limits,
  });
  try {
    return await run({ receiver, chain, api, database });
  } finally {
    await receiver.close();
    chainNumber++;
  }
}
const log = async (receiver: any): Promise<any[]> => (typeof receiver.log === 'function' ? receiver.log() : receiver.log);
const post = (receiver: any, body: unknown) =>
  fetch(`${receiver.url}/json`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
const webhook = (overrides: Record<string, unknown> = {}) =>
  statusCall({ index: 5, address: address(5), priceToken: MUG }, { invoiceId: 'honest', ...overrides });
const pay = (chain: any, index: number, sats: number): string => {
  const { txid } = chain.chain.pay([{ address: address(index), sats }]);
  chain.chain.mine(1);
  return txid;
};
const paidOrders = async (receiver: any, orderId: string): Promise<boolean> =>
  (await log(receiver)).some((entry) => entry.orderId === orderId && entry.paid);

results.R01 = await withReceiver(async ({ receiver, chain }) => {
  await post(receiver, webhook({ expectedSats: 1, tagSats: 0 }));
  const txid = pay(chain, 5, 1);
  await post(receiver, webhook({ status: 'paid', expectedSats: 1, tagSats: 0, receivedSats: 1, txids: [txid] }));
  return (await paidOrders(receiver, 'order-1')) ? 'order paid with 1 sat' : 'refused';
});

results.R02 = await withReceiver(async ({ receiver, chain }) => {
  await post(receiver, webhook({ invoiceId: 'evil', orderId: 'attacker', expectedSats: 100_037, tagSats: 37 }));
  await post(receiver, webhook());
  pay(chain, 5, 100_037);
  await receiver.recheck();
  return (await paidOrders(receiver, 'attacker')) ? "forged invoice took the honest buyer's payment" : 'nothing for the forger';
});

results.R03 = await withReceiver(async ({ receiver, chain }) => {
  const txid = pay(chain, 5, 100_037);
  for (const order of ['A', 'B'])
    await fetch(
      `${receiver.url}/blockonomics?status=2&addr=${address(5)}&value=100037&txid=${txid}&order_id=${order}&item=mug&price_token=${MUG}`,
    );
  const paid = (await log(receiver)).filter((entry) => entry.paid).length;
  return paid ? `one old payment paid ${paid} orders` : 'refused';
});

results.R04 = await withReceiver(async ({ receiver, chain }) => {
  const txid = pay(chain, 5, 1);
  const answer = await (
    await fetch(
      `${receiver.url}/blockchain-info?transaction_hash=${txid}&address=${address(5)}&confirmations=1&value=1&invoice_id=expensive-order&price_token=${MUG}`,
    )
  ).text();
  return answer === '*ok*' ? 'dust answered *ok*' : `answered ${answer}`;
});

results.R05 = await withReceiver(async ({ receiver, chain }) => {
  for (let batch = 0; batch < 50; batch++) {
    await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        post(
          receiver,
          webhook({
            invoiceId: `forged-${batch}-${n}`,
            orderId: 'attacker',
            index: n,
            address: address(n),
            tagSats: (n % 99) + 1,
            expectedSats: 100_001 + (n % 99),
          }),
        ),
      ),
    );
  }
  const during = chain.stats.rest.total;
  await receiver.recheck();
  return `flood: ${during} API requests; then one re-check pass: ${chain.stats.rest.total - during}`;
}, {});

results.R06 = await withReceiver(async ({ receiver }) => {
  const response = await post(receiver, 'null');
  return `HTTP ${response.status}: ${(await response.text()).slice(0, 60)}`;
});

results.R07 = await withReceiver(async ({ receiver }) => {
  const response = await fetch(`${receiver.url}/log`, { headers: { origin: 'https://evil.example' } });
  return response.headers.get('access-control-allow-origin') === '*' ? 'log readable by any site' : 'no CORS on the log';
});

results.R08 = await (async () => {
  const database = join(mkdtempSync(join(tmpdir(), 'attacks-')), 'receiver.db');
  const chain = devnet.createChain();
  const api = `${devnet.url}/chains/${chain.id}/api`;
  const options = { xpub: ZPUB, api, recheckMs: 3_600_000, lookahead: 100, priceKey: KEY, database, limits: { apiPerMinute: 100_000 } };
  const first = await startReceiver(options);
  const txid = pay(chain, 5, 100_037);
  await post(first, webhook({ status: 'paid', receivedSats: 100_037, txids: [txid] }));
  await first.close();
  const second = await startReceiver(options);
  await post(second, webhook({ invoiceId: 'second', orderId: 'order-2', status: 'paid', receivedSats: 100_037, txids: [txid] }));
  const paid = await paidOrders(second, 'order-2');
  await second.close();
  return paid ? 'after a restart, a settled payment paid a second order' : 'refused after the restart';
})();

// verifyPayment
const chain = devnet.createChain();
const api = `${devnet.url}/chains/${chain.id}/api`;
const call = (overrides: Record<string, unknown>) => ({
  status: 'paid',
  index: 5,
  address: address(5),
  network: 'mainnet',
  expectedSats: 100_000,
  receivedSats: 100_000,
  ...overrides,
});
const verdict = (result: { ok: boolean; contradicted: boolean; reason: string | null }) =>
  result.ok ? 'accepted' : `refused${result.contradicted ? ' as forged' : ''}: ${result.reason?.slice(0, 70)}`;
{
  const far = chain.chain.pay([{ address: address(1_000_000), sats: 100_000 }]).txid;
  chain.chain.mine(1);
  results.C05 = verdict(
    await verifyPayment({
      xpub: ZPUB,
      api,
      expectedSats: 100_000,
      payload: call({ index: 1_000_000, address: address(1_000_000), txids: [far] }),
    }),
  );
  const old = pay(chain, 5, 100_000);
  results.C08 = verdict(
    await verifyPayment({
      xpub: ZPUB,
      api,
      expectedSats: 100_000,
      createdAtHeight: chain.chain.tip.height,
      createdAt: Date.now(),
      payload: call({ txids: [old] }),
    }),
  );
  results.C14 = verdict(
    await verifyPayment({ xpub: ZPUB, api, expectedSats: 100_000, payload: call({ network: 'signet', txids: [old] }) }),
  );
  const fixed = pay(chain, 7, 100_000);
  results.C22 = verdict(
    await verifyPayment({
      xpub: ZPUB,
      address: address(7),
      api,
      expectedSats: 100_000,
      payload: call({ index: null, address: address(7), txids: [fixed] }),
    }),
  );
  const behind = pay(chain, 9, 100_000);
  for (let n = 0; n < 30; n++) pay(chain, 9, 1_000 + n);
  results.C23 = verdict(
    await verifyPayment({ xpub: ZPUB, api, expectedSats: 100_000, payload: call({ index: 9, address: address(9), txids: [behind] }) }),
  );
}

// C21: the README's receiver, run as printed in that checkout's README.
results.C21 = await (async () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### A receiver to copy')))![1]!;
  const file = resolve(root, 'test/.attack-receiver.mjs');
  writeFileSync(file, code.replace('.listen(8990)', '.listen(Number(process.env.PORT))'));
  const chain = devnet.createChain();
  const port = 30_000 + Math.floor(Math.random() * 10_000);
  const env = { ...process.env, SHOP_XPUB: ZPUB, PRICE_KEY: KEY, API: `${devnet.url}/chains/${chain.id}/api`, PORT: String(port) };
  const script = `
    const child = require('node:child_process').spawn(process.execPath, [${JSON.stringify(file)}], { env: process.env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = ''; child.stdout.on('data', (d) => (out += d));
    const url = 'http://127.0.0.1:${port}';
    const send = (p) => fetch(url, { method: 'POST', body: JSON.stringify(p) }).catch(() => null);
    (async () => {
      for (let i = 0; i < 100 && !(await send({})); i++) await new Promise((r) => setTimeout(r, 100));
      const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      for (const payload of input) await send(payload);
      await new Promise((r) => setTimeout(r, 300));
      child.kill(); process.stdout.write(out);
    })();`;
  const awaiting = webhook({ orderId: '1042', expectedSats: 1, tagSats: 0 });
  const calls: Record<string, unknown>[] = [awaiting];
  const txid = chain.chain.pay([{ address: address(5), sats: 1 }]).txid;
  chain.chain.mine(1);
  calls.push({ ...awaiting, status: 'paid', receivedSats: 1, txids: [txid] });
  const output = execFileSync(process.execPath, ['-e', script], { cwd: root, env, input: JSON.stringify(calls) }).toString();
  return output.includes('SHIP') ? `printed "${output.trim()}" for a 1-sat payment` : 'shipped nothing';
})();

await devnet.close();
for (const [attack, outcome] of Object.entries(results)) console.log(`${attack}\t${outcome}`);
