/**
 * Access to the devnet for tests: each test gets its own chain. In the browser the devnet is the
 * one the test runner starts; Node tests pass the URL of their own.
 */
export interface TestChain {
  readonly id: string;
  readonly api: string;
  readonly ws: string;
  readonly control: string;
}

let devnetUrl: Promise<string> | null = null;

/** A fresh, isolated chain on the devnet at `devnet` (by default the test runner's). */
export async function newChain(devnet?: string): Promise<TestChain> {
  const base = devnet ?? (await (devnetUrl ??= fetch('/__devnet__').then(async (response) => (await response.json()).url as string)));
  const response = await fetch(`${base}/control/chains`, { method: 'POST', body: '{}' });
  return response.json();
}

/** Calls a control action (`pay`, `mine`, `replace`, `drop`, `reorg`, `disconnect`, `ws`, `fail`, `stats`…). */
export async function control<T = Record<string, unknown>>(chain: TestChain, action: string, body: object = {}): Promise<T> {
  const response = await fetch(`${chain.control}/${action}`, { method: 'POST', body: JSON.stringify(body) });
  const result = await response.json();
  if (!response.ok) throw new Error(`devnet ${action}: ${result.error}`);
  return result;
}

export interface Sink {
  readonly id: string;
  readonly url: string;
}

export interface SinkState {
  calls: { method: string; path: string; query: Record<string, string>; body: string; time: number }[];
  table: Record<string, unknown>[];
  log: { via: string; claim: string; verified: boolean; paid: boolean; status: string; reason: string | null; answer: string }[];
}

let labUrl: Promise<string> | null = null;
const lab = (): Promise<string> => (labUrl ??= fetch('/__devnet__').then(async (response) => (await response.json()).lab as string));

/** A webhook receiver in the lab: `record`, `blockonomics`, `blockchain-info` or `reference`. */
export async function newSink(options: Record<string, unknown> = {}): Promise<Sink> {
  return (await fetch(`${await lab()}/lab/sinks`, { method: 'POST', body: JSON.stringify(options) })).json();
}

export async function sinkState(sink: Sink): Promise<SinkState> {
  return (await fetch(`${await lab()}/lab/sinks/${sink.id}`)).json();
}

/** Adds a row to a doc-style receiver's table (the Django Invoice the tutorial creates first). */
export async function addInvoiceRow(sink: Sink, row: Record<string, unknown>): Promise<void> {
  await fetch(`${await lab()}/lab/sinks/${sink.id}/invoices`, { method: 'POST', body: JSON.stringify(row) });
}

const devnet = (): Promise<string> => (devnetUrl ??= fetch('/__devnet__').then(async (response) => (await response.json()).url as string));

/** A Lightning Address service on the devnet (see tools/devnet/lightning.ts for the options). */
export async function newLightningService(options: Record<string, unknown> = {}): Promise<{ name: string; address: string }> {
  return (await fetch(`${await devnet()}/lightning/services`, { method: 'POST', body: JSON.stringify(options) })).json();
}

/** Pays the invoice `pr` on the devnet, as a buyer's wallet would; its payment hash and preimage. */
export async function settleLightning(pr: string): Promise<{ paymentHash: string; preimage: string }> {
  const response = await fetch(`${await devnet()}/lightning/settle`, { method: 'POST', body: JSON.stringify({ pr }) });
  if (!response.ok) throw new Error(`devnet settle: HTTP ${response.status}`);
  return response.json();
}

/** What a service was asked: pay requests, invoices, and when each verify request came. */
export async function lightningStats(name: string): Promise<{ payRequests: number; invoices: number; verifies: number[] }> {
  return (await fetch(`${await devnet()}/lightning/services/${name}`)).json();
}
