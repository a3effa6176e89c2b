/**
 * Helpers shared by the Node servers (devnet, reference receiver) and their command lines; the
 * bench and the test receivers use them too.
 * @module
 */
import type { IncomingMessage, Server } from 'node:http';
import { parseArgs } from 'node:util';

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

export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Drops open connections (keep-alive, pending long requests) and stops listening. */
  close(): Promise<void>;
}

/** Starts `server` on `port` (0: any free one) and `host`, and says where it answers. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The value of `--name value` (or `--name=value`) on the command line, if any. */
export function argument(name: string): string | undefined {
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { [name]: { type: 'string' } } });
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
