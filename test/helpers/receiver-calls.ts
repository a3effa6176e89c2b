/**
 * The reference receiver's tests: a `json` status call as the widget sends it, for an order of
 * the test shop's mug (0.001 BTC in a signed price, plus a 37-sat amount tag).
 */
export const statusCall = (at: { index: number; address: string; priceToken: string }, overrides: Record<string, unknown> = {}) => ({
  event: 'status',
  invoiceId: 'inv-honest',
  status: 'awaiting',
  orderId: 'order-1',
  item: 'mug',
  priceToken: at.priceToken,
  index: at.index,
  address: at.address,
  network: 'mainnet',
  expectedSats: 100_037,
  tagSats: 37,
  receivedSats: 0,
  txids: [],
  createdAt: Date.now(),
  expiresAt: Date.now() + 900_000,
  ...overrides,
});
