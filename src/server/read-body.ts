/**
 * Helpers shared by the Node servers (devnet, reference receiver).
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** Reads a request body as text, refusing bodies over `limit` characters. */
export function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) request.destroy(new Error('body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
