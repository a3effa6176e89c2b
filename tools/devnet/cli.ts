#!/usr/bin/env node
/**
 * Runs the devnet: `btc-checkout-devnet [--port 8999] [--host 127.0.0.1] [--profile mempool]`, where the
 * profile is mempool (mempool.space), esplora (blockstream.info), mempool-electrum (a self-hosted
 * mempool with the electrum backend) or lenient (none of their limits).
 */
import { argument } from '../http.js';
import { startDevnet } from './server.js';
import { PROFILES, type ProfileName } from './profiles.js';

const profile = (argument('profile') ?? 'mempool') as ProfileName;
if (!PROFILES.includes(profile)) {
  console.error(`--profile must be one of ${PROFILES.join(', ')}`);
  process.exit(2);
}
const devnet = await startDevnet({ port: Number(argument('port') ?? 8999), host: argument('host') ?? '127.0.0.1', profile });
console.log(`devnet: REST ${devnet.url}/api, websocket ${devnet.url.replace(/^http/, 'ws')}/api/v1/ws, control ${devnet.url}/control`);
const stop = (): void => void devnet.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
