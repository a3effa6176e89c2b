/** Small helpers shared by the bench modules. */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
export const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
export const round = (n: number): number => Math.round(n * 10) / 10;
/** BIP 84's abandon…about account (mainnet); the devnet serves any network's addresses. */
export const ZPUB = 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';

/**
 * How far the page's clock (`performance.timeOrigin + performance.now()`) runs ahead of this
 * process's. Chromium and Node each derive timeOrigin from the wall clock at their own start, so
 * the two can disagree by a few milliseconds, as much as the latencies we measure. Estimated the
 * way NTP does: stamp here, stamp there, stamp here again, and trust the sample with the shortest
 * round trip (its error is at most half that round trip).
 */
export async function clockOffset(
  page: { evaluate<T>(fn: () => T): Promise<T> },
  samples = 30,
): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Infinity };
  for (let i = 0; i < samples; i++) {
    const sent = performance.timeOrigin + performance.now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = performance.timeOrigin + performance.now();
    const errorMs = (back - sent) / 2;
    if (errorMs < best.errorMs) best = { offsetMs: there - (sent + back) / 2, errorMs };
  }
  return best;
}
