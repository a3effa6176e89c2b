/**
 * The devnet's Lightning Address service: what Alby, Blink, Coinos or LNbits serve for
 * `name@domain`, with no Lightning node behind it. LUD-16 (`/.well-known/lnurlp/<name>`), LUD-06
 * (the pay request and its callback, answering signed BOLT 11 invoices for the devnet's network)
 * and LUD-21 (`verify`). Invoices are paid by the control API (`settle`), as a buyer's wallet
 * would pay them.
 *
 * Each service is made for a test (`POST /lightning/services`) and can be one a merchant meets:
 * one without `verify`, one that sends no CORS headers, a hostile one whose invoices ask for
 * another amount.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { metadataHash } from '../../src/core/lightning.js';
import { encodeBolt11 } from './bolt11.js';

export interface LightningServiceOptions {
  /** LUD-21: the callback's answer carries a `verify` URL (default true). */
  verify?: boolean;
  /** Access-Control-Allow-Origin on every answer (default true): many real services send none. */
  cors?: boolean;
  /** `wrong`: a hostile service, whose invoices ask for 1 sat more than the amount requested. */
  amount?: 'exact' | 'wrong';
  /** `lying`: a hostile `verify` that says every invoice is settled, with a made-up preimage. */
  verifyAnswers?: 'honest' | 'lying';
  /** Seconds each invoice is valid (default 600). */
  expirySeconds?: number;
  network?: 'mainnet' | 'testnet' | 'signet' | 'regtest';
  minSendableMsat?: number;
  maxSendableMsat?: number;
}

interface Invoice {
  readonly pr: string;
  readonly paymentHash: string;
  readonly preimage: string;
  readonly amountMsat: number;
  settledAt: number | null;
}

export interface LightningServiceStats {
  payRequests: number;
  invoices: number;
  /** When each `verify` request arrived (ms): the checkout's polling, as the service sees it. */
  verifies: number[];
}

class Service {
  readonly invoices = new Map<string, Invoice>();
  readonly stats: LightningServiceStats = { payRequests: 0, invoices: 0, verifies: [] };
  readonly name: string;
  readonly options: Required<LightningServiceOptions>;
  constructor(name: string, options: Required<LightningServiceOptions>) {
    this.name = name;
    this.options = options;
  }
}

export interface LightningAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class LightningServices {
  private readonly services = new Map<string, Service>();
  /** The service's node key: every invoice is signed, as a node signs it. */
  private readonly nodeKey = randomBytes(32);

  /** The devnet's URL, `http://127.0.0.1:<port>`: its host is the Lightning Address's domain. */
  private readonly base: () => string;
  constructor(base: () => string) {
    this.base = base;
  }

  private get domain(): string {
    return this.base().replace(/^https?:\/\//, '');
  }

  create(options: LightningServiceOptions = {}): { name: string; address: string } {
    const name = `shop-${randomBytes(5).toString('hex')}`;
    this.services.set(
      name,
      new Service(name, {
        verify: options.verify ?? true,
        cors: options.cors ?? true,
        amount: options.amount ?? 'exact',
        verifyAnswers: options.verifyAnswers ?? 'honest',
        expirySeconds: options.expirySeconds ?? 600,
        network: options.network ?? 'regtest',
        minSendableMsat: options.minSendableMsat ?? 1_000,
        maxSendableMsat: options.maxSendableMsat ?? 100_000_000_000,
      }),
    );
    return { name, address: `${name}@${this.domain}` };
  }

  private metadata(service: Service): string {
    return JSON.stringify([
      ['text/plain', `Payment to ${service.name}`],
      ['text/identifier', `${service.name}@${this.domain}`],
    ]);
  }

  /** Answers `/.well-known/lnurlp/<name>` and `/lnurlp/<name>/…`; null for any other path. */
  answer(path: string, query: URLSearchParams): LightningAnswer | null {
    const match = /^\/(?:\.well-known\/lnurlp\/([^/]+)|lnurlp\/([^/]+)\/(callback|verify\/[0-9a-f]{64}))$/.exec(path);
    if (!match) return null;
    const service = this.services.get(match[1] ?? match[2]!);
    const json = (status: number, body: unknown): LightningAnswer => ({
      status,
      headers: {
        'content-type': 'application/json',
        ...(service?.options.cors !== false ? { 'access-control-allow-origin': '*' } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!service) return json(404, { status: 'ERROR', reason: 'No such Lightning Address' });
    const base = `${this.base()}/lnurlp/${service.name}`;
    if (match[1]) {
      service.stats.payRequests++;
      return json(200, {
        tag: 'payRequest',
        callback: `${base}/callback`,
        minSendable: service.options.minSendableMsat,
        maxSendable: service.options.maxSendableMsat,
        metadata: this.metadata(service),
      });
    }
    if (match[3] === 'callback') {
      const amountMsat = Number(query.get('amount'));
      if (
        !Number.isSafeInteger(amountMsat) ||
        amountMsat < service.options.minSendableMsat ||
        amountMsat > service.options.maxSendableMsat
      ) {
        return json(200, { status: 'ERROR', reason: 'Amount out of range' });
      }
      const preimage = randomBytes(32).toString('hex');
      const paymentHash = bytesToHex(sha256(Buffer.from(preimage, 'hex')));
      const pr = encodeBolt11({
        network: service.options.network,
        amountMsat: BigInt(amountMsat + (service.options.amount === 'wrong' ? 1000 : 0)),
        timestamp: Math.floor(Date.now() / 1000),
        paymentHash,
        descriptionHash: metadataHash(this.metadata(service)),
        expirySeconds: service.options.expirySeconds,
        paymentSecret: randomBytes(32).toString('hex'),
        minFinalCltvExpiry: 18,
        privateKey: this.nodeKey,
      });
      service.invoices.set(paymentHash, { pr, paymentHash, preimage, amountMsat, settledAt: null });
      service.stats.invoices++;
      return json(200, { pr, routes: [], ...(service.options.verify ? { verify: `${base}/verify/${paymentHash}` } : {}) });
    }
    service.stats.verifies.push(Date.now());
    const invoice = service.options.verify ? service.invoices.get(match[3]!.slice('verify/'.length)) : undefined;
    if (!invoice) return json(404, { status: 'ERROR', reason: 'Not found' });
    if (service.options.verifyAnswers === 'lying') {
      return json(200, { status: 'OK', settled: true, preimage: randomBytes(32).toString('hex'), pr: invoice.pr });
    }
    const settled = invoice.settledAt !== null;
    return json(200, { status: 'OK', settled, preimage: settled ? invoice.preimage : null, pr: invoice.pr });
  }

  /** Pays an invoice, as a buyer's wallet would: by its payment request or payment hash. */
  settle(which: { pr?: string; paymentHash?: string }): { paymentHash: string; preimage: string } | null {
    for (const service of this.services.values()) {
      for (const invoice of service.invoices.values()) {
        if (invoice.pr === which.pr?.toLowerCase() || invoice.paymentHash === which.paymentHash) {
          invoice.settledAt ??= Date.now();
          return { paymentHash: invoice.paymentHash, preimage: invoice.preimage };
        }
      }
    }
    return null;
  }

  stats(name: string): LightningServiceStats | null {
    return this.services.get(name)?.stats ?? null;
  }
}
