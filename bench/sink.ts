/**
 * A webhook receiver for the bench: records each call with a high-resolution wall-clock stamp
 * (comparable with a page's `performance.timeOrigin + performance.now()`), and can fail the first
 * attempts of a path with 503, as a receiver that is down for a moment would.
 */
import { createServer } from 'node:http';
import { listen, readBody } from '../tools/http.js';

export interface SinkCall {
  path: string;
  method: string;
  body: string;
  at: number;
  answered: number;
}

export async function startSink(): Promise<{ url: string; calls: SinkCall[]; failFirst: Map<string, number>; close(): Promise<void> }> {
  const calls: SinkCall[] = [];
  const failFirst = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const at = performance.timeOrigin + performance.now();
    const path = (request.url ?? '/').split('?')[0]!;
    const body = request.method === 'POST' ? await readBody(request, 100_000) : '';
    const failing = failFirst.get(path) ?? 0;
    if (failing > 0) failFirst.set(path, failing - 1);
    calls.push({ path, method: request.method ?? 'GET', body, at, answered: failing > 0 ? 503 : 200 });
    // What every receiver must answer a browser: the CORS header, or the page cannot read the answer.
    response.writeHead(failing > 0 ? 503 : 200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
    response.end(failing > 0 ? 'down for a moment' : 'ok');
  });
  const { url, close } = await listen(server);
  return { url, calls, failFirst, close };
}
