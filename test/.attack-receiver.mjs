// node receiver.mjs   (Node 20+, npm install btc-checkout; SHOP_XPUB, PRICE_KEY and API in the environment)
import { createServer } from 'node:http';
import { verifyPayment } from 'btc-checkout/verify';

const { SHOP_XPUB, PRICE_KEY, API = 'https://mempool.space/api', PORT = 8990 } = process.env;
const invoices = new Map(); // invoiceId → { address, expectedSats, createdAt, shipped }: use your database
const settled = new Map(); // txid → invoiceId: one payment pays one order

createServer(async (request, response) => {
  response.setHeader('access-control-allow-origin', '*');
  let body = '';
  for await (const chunk of request) body += chunk;
  let payload;
  try {
    payload = JSON.parse(body);
  } catch {
    return response.writeHead(400).end();
  }
  const id = String(payload?.invoiceId);
  const known = invoices.get(id);
  // The price is the one you signed (or, once known, the invoice's); what was paid, the chain's.
  const result = await verifyPayment({
    xpub: SHOP_XPUB,
    payload,
    api: API,
    priceKey: PRICE_KEY,
    expectedSats: known?.expectedSats,
    createdAt: known?.createdAt,
  });
  if (!known && result.expectedSats !== null && result.address !== null) {
    invoices.set(id, { address: result.address, expectedSats: result.expectedSats, createdAt: Date.now(), shipped: false });
  }
  const invoice = invoices.get(id);
  // Two invoices asking the same amount at the same address: their payment is settled by hand.
  const twin =
    invoice && [...invoices].some(([other, o]) => other !== id && o.address === invoice.address && o.expectedSats === invoice.expectedSats);
  if (result.ok && invoice && !invoice.shipped && !twin && result.txids.every((txid) => (settled.get(txid) ?? id) === id)) {
    for (const txid of result.txids) settled.set(txid, id);
    invoice.shipped = true;
    console.log(`SHIP ${payload.orderId}`);
  }
  response.writeHead(200).end('ok');
}).listen(Number(PORT));
