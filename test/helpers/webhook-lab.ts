/**
 * Webhook receivers for the browser tests, run in Node by the test runner:
 * - `record`: a sink that records every call and can fail its first attempts;
 * - `blockonomics`: the Django view of Blockonomics' payments tutorial, ported line by line;
 * - `blockchain-info`: the PHP callback of Blockchain.com's Receive Payments API v2 docs, ported;
 * - `reference`: btc-checkout's reference receiver (tools/receiver).
 * Each answers with Access-Control-Allow-Origin, as a receiver for a browser must.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startReceiver, type Receiver } from '../../tools/receiver/server.js';
import { listen, readBody } from '../../tools/http.js';

interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  time: number;
}

interface Sink {
  kind: 'record' | 'blockonomics' | 'blockchain-info' | 'reference';
  calls: Call[];
  failFirst: number;
  failStatus: number;
  retryAfter?: number;
  /** blockonomics: the Invoice table; blockchain-info: the invoice_payments table. */
  table: Record<string, unknown>[];
  confirmations: number;
  receiver?: Receiver;
}

const CORS = { 'access-control-allow-origin': '*' };

export async function startWebhookLab(): Promise<{ url: string; close(): Promise<void> }> {
  const sinks = new Map<string, Sink>();

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://lab');
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { ...CORS, 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const text = (status: number, body: string, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { ...CORS, 'content-type': 'text/plain', ...headers });
      response.end(body);
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { ...CORS, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' });
      return response.end();
    }
    const body = await readBody(request, 100_000);
    if (url.pathname === '/lab/sinks' && request.method === 'POST') {
      const options = JSON.parse(body || '{}');
      const id = randomBytes(4).toString('hex');
      const sink: Sink = {
        kind: options.kind ?? 'record',
        calls: [],
        failFirst: options.failFirst ?? 0,
        failStatus: options.failStatus ?? 503,
        retryAfter: options.retryAfter,
        table: [],
        confirmations: options.confirmations ?? 1,
      };
      if (sink.kind === 'reference') {
        sink.receiver = await startReceiver({
          xpub: options.xpub,
          api: options.api,
          network: options.network,
          confirmations: sink.confirmations,
          recheckMs: options.recheckMs ?? 60_000,
          recheckAfterMs: 20,
          lookahead: 50,
          database: ':memory:',
          prices: options.prices,
          priceKey: options.priceKey,
          lightning: options.lightning,
        });
      }
      sinks.set(id, sink);
      return json(200, { id, url: sink.receiver ? sink.receiver.url : `http://${request.headers.host}/sink/${id}` });
    }
    let match = /^\/lab\/sinks\/(\w+)(\/invoices)?$/.exec(url.pathname);
    if (match) {
      const sink = sinks.get(match[1]!);
      if (!sink) return json(404, {});
      if (match[2] && request.method === 'POST') {
        sink.table.push(JSON.parse(body));
        return json(200, {});
      }
      if (sink.receiver) await sink.receiver.recheck();
      return json(200, { calls: sink.calls, table: sink.table, log: (await sink.receiver?.log()) ?? [] });
    }
    match = /^\/sink\/(\w+)/.exec(url.pathname);
    const sink = match && sinks.get(match[1]!);
    if (!sink) return text(404, 'no sink');
    sink.calls.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      time: Date.now(),
    });
    if (sink.failFirst > 0) {
      sink.failFirst--;
      return text(sink.failStatus, 'down for maintenance', sink.retryAfter ? { 'retry-after': String(sink.retryAfter) } : {});
    }
    const GET = Object.fromEntries(url.searchParams);
    if (sink.kind === 'blockonomics') {
      // def receive_payment(request):
      if (request.method !== 'GET') return text(405, '');
      const { txid, value, status, addr } = GET;
      const invoice = sink.table.find((row) => row.address === addr); // Invoice.objects.get(address = addr)
      if (!invoice) return text(500, 'Invoice.DoesNotExist');
      invoice.status = Number(status);
      if (Number(status) === 2) invoice.received = value;
      invoice.txid = txid;
      return text(200, '200'); // return HttpResponse(200)
    }
    if (sink.kind === 'blockchain-info') {
      const invoiceId = GET.invoice_id; // $invoice_id = $_GET['invoice_id'];
      const transactionHash = GET.transaction_hash;
      const valueInBtc = Number(GET.value) / 100_000_000; // $value_in_satoshi / 100000000
      if (Number(GET.confirmations) >= sink.confirmations) {
        // replace INTO invoice_payments (invoice_id, transaction_hash, value) ... echo "*ok*";
        sink.table = sink.table.filter((row) => row.transaction_hash !== transactionHash);
        sink.table.push({ invoice_id: invoiceId, transaction_hash: transactionHash, value: valueInBtc });
        return text(200, '*ok*');
      }
      return text(200, ''); // Don't print *ok* so the notification is resent at the next confirmation
    }
    return text(200, 'ok');
  });
  const listening = await listen(server);
  return {
    url: listening.url,
    async close() {
      for (const sink of sinks.values()) await sink.receiver?.close();
      await listening.close();
    },
  };
}
