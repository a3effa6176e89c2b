#!/usr/bin/env node
/**
 * Runs the devnet: `btc-checkout-devnet [--port 8999] [--host 127.0.0.1]`.
 */
import { argument } from '../server/http.js';
import { startDevnet } from './server.js';

const devnet = await startDevnet({ port: Number(argument('port') ?? 8999), host: argument('host') ?? '127.0.0.1' });
console.log(`devnet: REST ${devnet.url}/api, websocket ${devnet.url.replace(/^http/, 'ws')}/api/v1/ws, control ${devnet.url}/control`);
const stop = (): void => void devnet.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
