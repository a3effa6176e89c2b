/**
 * The devnet's control API (`/control/...` on each chain): what tests and the demo page use to
 * pay, mine, replace, drop, reorg, cut connections, inject faults and set prices. Tests call it
 * from the browser, so it answers preflights and JSON.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Output } from './chain.js';
import { DevnetChain, type ChainOptions, type Fault } from './devnet-chain.js';
import type { ProfileName } from './profiles.js';
import { corsOf, type Answer } from './rest.js';
import { readBody } from '../http.js';

/** What the control API needs of the devnet around the chain: making chains, and their URLs. */
export interface ChainDirectory {
  createChain(options?: ChainOptions): DevnetChain;
  links(chain: DevnetChain): Record<string, string>;
}

/** The answer to control `action` (the path after `/control`) on `target`. */
export async function answerControl(
  target: DevnetChain,
  action: string,
  request: IncomingMessage,
  devnet: ChainDirectory,
): Promise<Answer> {
  const json = (status: number, body: unknown): Answer => ({
    status,
    headers: { ...corsOf(target), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // The control API is for tests and the demo page, which call it from the browser with JSON.
  if (request.method === 'OPTIONS') {
    const headers = {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type',
    };
    return { status: 204, headers, body: '' };
  }
  const body: Record<string, unknown> = request.method === 'POST' ? JSON.parse((await readBody(request, 1_000_000)) || '{}') : {};
  const { chain } = target;
  const outputs = (): Output[] =>
    Array.isArray(body.outputs) ? (body.outputs as Output[]) : [{ address: String(body.address), sats: Number(body.sats) }];
  try {
    switch (action) {
      case '/chains':
        return json(
          200,
          devnet.links(
            devnet.createChain({
              profile: body.profile as ProfileName | undefined,
              network: body.network as ChainOptions['network'],
              latencyMs: body.latencyMs as number | undefined,
            }),
          ),
        );
      case '/profile':
        target.setProfile(String(body.name) as ProfileName);
        return json(200, { profile: target.profile.name });
      case '/restart-backend':
        // The backend restarts: sockets drop, and until a block is mined `want` gets no `blocks` reply.
        target.blocksLoaded = false;
        target.cache.clear();
        target.disconnectAll();
        return json(200, { restarted: true });
      case '':
      case '/state':
        return json(200, {
          ...devnet.links(target),
          profile: target.profile.name,
          network: target.network,
          height: chain.tip.height,
          mempool: [...chain.mempool.keys()],
          sockets: target.clients.size,
          stats: target.stats,
        });
      case '/pay': {
        const tx = chain.pay(outputs(), { rbf: body.rbf === true });
        if (body.confirm === true) chain.mine(1);
        return json(200, { txid: tx.txid, height: chain.tip.height });
      }
      case '/mine':
        return json(200, {
          blocks: chain.mine(Number(body.blocks ?? 1), (body.leave as string[]) ?? []).map((block) => block.hash),
          height: chain.tip.height,
        });
      case '/replace':
        return json(200, { txid: chain.replace(String(body.txid), body.address || body.outputs ? outputs() : null).txid });
      case '/drop':
        chain.drop(String(body.txid));
        return json(200, {});
      case '/reorg':
        chain.reorg(Number(body.depth ?? 1), { drop: body.drop as string[] | undefined, leave: body.leave as string[] | undefined });
        return json(200, { height: chain.tip.height });
      case '/disconnect':
        target.disconnectAll();
        return json(200, { closed: true });
      case '/ws':
        target.wsEnabled = body.enabled !== false;
        if (!target.wsEnabled) target.disconnectAll();
        return json(200, { enabled: target.wsEnabled });
      case '/fail':
        target.faults.push({
          status: Number(body.status ?? 500),
          remaining: Number(body.count ?? 1),
          retryAfter: body.retryAfter as number | undefined,
          match: body.match as string | undefined,
          kind: body.kind as Fault['kind'],
          ms: body.ms as number | undefined,
        });
        return json(200, { faults: target.faults.length });
      case '/heal':
        // Every fault pending is dropped and the backend is up again.
        target.faults = [];
        target.downUntil = 0;
        return json(200, {});
      case '/down':
        // The backend goes away for `ms`: open sockets drop, new connections are reset.
        target.downUntil = Date.now() + Number(body.ms ?? 5_000);
        target.disconnectAll();
        return json(200, { until: target.downUntil });
      case '/inject':
        // Raw frames (malformed, unknown), and earlier frames again (duplicates, out of order).
        for (const frame of (body.frames as string[] | undefined) ?? []) target.sendRaw(frame);
        if (body.replay !== undefined) target.replay(Number(body.replay));
        return json(200, {});
      case '/batch':
        target.batchEnabled = body.enabled !== false;
        return json(200, { enabled: target.batchEnabled });
      case '/latency':
        target.latencyMs = Number(body.ms ?? 0);
        return json(200, { ms: target.latencyMs });
      case '/prices': {
        // {USD: …} sets today's prices; {time, USD: …} adds a point to the history only.
        const { time, ...prices } = body as Record<string, number>;
        if (time === undefined) target.prices = { ...target.prices, ...prices };
        const at = time ?? Math.floor(Date.now() / 1000);
        target.priceHistory = [
          ...target.priceHistory.filter((point) => point.time !== at),
          { time: at, prices: { ...(time === undefined ? target.prices : { ...target.priceHistory.at(-1)!.prices, ...prices }) } },
        ].sort((a, b) => a.time - b.time);
        return json(200, target.prices);
      }
      case '/stats':
        return json(200, target.stats);
      case '/reset-stats':
        target.stats = DevnetChain.emptyStats();
        return json(200, target.stats);
      default:
        return json(404, { error: `no control action ${action}` });
    }
  } catch (error) {
    return json(400, { error: (error as Error).message });
  }
}
