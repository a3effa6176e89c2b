/**
 * Browser-side access to the devnet the test runner starts: each test gets its own chain.
 */
export interface TestChain {
  readonly id: string;
  readonly api: string;
  readonly ws: string;
  readonly control: string;
}

let devnetUrl: Promise<string> | null = null;

/** A fresh, isolated chain on the devnet. */
export async function newChain(): Promise<TestChain> {
  devnetUrl ??= fetch('/__devnet__').then(async (response) => (await response.json()).url as string);
  const response = await fetch(`${await devnetUrl}/control/chains`, { method: 'POST', body: '{}' });
  return response.json();
}

/** Calls a control action (`pay`, `mine`, `replace`, `drop`, `reorg`, `disconnect`, `ws`, `fail`, `stats`…). */
export async function control<T = Record<string, unknown>>(chain: TestChain, action: string, body: object = {}): Promise<T> {
  const response = await fetch(`${chain.control}/${action}`, { method: 'POST', body: JSON.stringify(body) });
  const result = await response.json();
  if (!response.ok) throw new Error(`devnet ${action}: ${result.error}`);
  return result;
}
