/**
 * What the reference receiver must not forget: the invoices it knows, which transaction settled
 * which invoice, the indices it handed out, and its log. {@link ReceiverStore} is the interface a
 * shop plugs its own database into (Postgres, say); `sqlite-store.ts` is the reference
 * implementation, {@link memoryReceiverStore} the one for tests.
 * @module
 */

/** An invoice the receiver heard of, with the terms it holds it to: its own, never the call's. */
export interface StoredInvoice {
  readonly id: string;
  readonly orderId: string | null;
  readonly address: string;
  /** Receive index; null for a fixed address. */
  readonly index: number | null;
  /** What it must receive, from the merchant's price (amount tag included). */
  readonly expectedSats: number;
  /** Its address was handed out to this buyer alone (`POST /index`). */
  readonly exclusive: boolean;
  /** When the receiver first heard of it (Unix ms): the time its fiat rate and its payments are checked against. */
  readonly createdAt: number;
  /** The chain's tip then: a payment at or below it is older than the invoice. */
  readonly createdAtHeight: number | null;
  /** After this (Unix ms) it is no longer re-checked nor counted as open. */
  readonly closesAt: number;
  /** `open` until `paid`; `review` when a payment matches it and another open invoice alike (settle by hand). */
  readonly state: 'open' | 'paid' | 'review';
  /** When to re-check it next (Unix ms), and how often it was. */
  readonly nextCheck: number;
  readonly checks: number;
}

/** An index handed out by `POST /index`, and the invoice that took it. */
export interface IssuedIndex {
  readonly index: number;
  readonly orderId: string | null;
  /** Unix ms, and the tip then. */
  readonly at: number;
  readonly height: number | null;
  /** The first invoice registered for it; no other may use it. */
  readonly invoiceId: string | null;
}

export interface LogEntry {
  readonly time: number;
  readonly via: 'json' | 'blockonomics' | 'blockchain-info' | 'recheck' | 'index';
  /** The status the call claimed (json), or the call's own fields. */
  readonly claim: string;
  readonly orderId: string | null;
  readonly address: string | null;
  /** The chain and the merchant's records support what the call claims. */
  readonly verified: boolean;
  /** The order is paid: the merchant's price, with the confirmations required, settled once. */
  readonly paid: boolean;
  /** The status the chain supports. */
  readonly status: string;
  /** Why the claim is not verified, or why the order is not paid yet. */
  readonly reason: string | null;
  readonly answer: string;
}

export interface ReceiverStore {
  invoice(id: string): Promise<StoredInvoice | null>;
  /** Adds `invoice` unless one with its id exists; returns the stored one. */
  addInvoice(invoice: StoredInvoice): Promise<StoredInvoice>;
  updateInvoice(id: string, changes: Partial<Pick<StoredInvoice, 'state' | 'nextCheck' | 'checks'>>): Promise<void>;
  /** Invoices open at `now` (not paid, not closed), at `address` or in all. */
  countOpen(now: number, address?: string): Promise<number>;
  /** Other open invoices asking exactly the same amount at the same address: one payment would match them all. */
  twins(invoice: StoredInvoice, now: number): Promise<StoredInvoice[]>;
  /** Open invoices whose re-check is due by `now`, soonest first, at most `limit`. */
  due(now: number, limit: number): Promise<StoredInvoice[]>;
  /**
   * Records that `txids` paid invoice `id`, atomically: unless one of them already paid another
   * invoice, whose id is then returned (and nothing is recorded). Null when recorded.
   */
  settle(id: string, txids: readonly string[], at: number): Promise<string | null>;
  /** The invoice a transaction settled, if any. */
  settledBy(txid: string): Promise<string | null>;
  /** Hands out the next index, never the same twice: `first()` says where to start when none was handed out yet. */
  issueIndex(first: () => Promise<number>, record: Omit<IssuedIndex, 'index' | 'invoiceId'>): Promise<number>;
  issued(index: number): Promise<IssuedIndex | null>;
  /** Binds an issued index to the first invoice registered for it; returns the invoice bound. */
  bindIssued(index: number, invoiceId: string): Promise<string>;
  appendLog(entry: LogEntry, keep: number): Promise<void>;
  /** The latest `limit` entries, oldest first. */
  log(limit: number): Promise<LogEntry[]>;
  close(): Promise<void>;
}

const isOpen = (invoice: StoredInvoice, now: number): boolean => invoice.state === 'open' && invoice.closesAt > now;

/** A store in memory: for tests, and a demo that may forget everything when it stops. */
export function memoryReceiverStore(): ReceiverStore {
  const invoices = new Map<string, StoredInvoice>();
  const settlements = new Map<string, string>();
  const issued = new Map<number, IssuedIndex>();
  let nextIndex: number | null = null;
  const log: LogEntry[] = [];
  return {
    invoice: async (id) => invoices.get(id) ?? null,
    async addInvoice(invoice) {
      if (!invoices.has(invoice.id)) invoices.set(invoice.id, invoice);
      return invoices.get(invoice.id)!;
    },
    async updateInvoice(id, changes) {
      const invoice = invoices.get(id);
      if (invoice) invoices.set(id, { ...invoice, ...changes });
    },
    countOpen: async (now, address) =>
      [...invoices.values()].filter((invoice) => isOpen(invoice, now) && (!address || invoice.address === address)).length,
    twins: async (invoice, now) =>
      [...invoices.values()].filter(
        (other) =>
          other.id !== invoice.id &&
          other.state !== 'paid' &&
          other.closesAt > now &&
          other.address === invoice.address &&
          other.expectedSats === invoice.expectedSats,
      ),
    due: async (now, limit) =>
      [...invoices.values()]
        .filter((invoice) => isOpen(invoice, now) && invoice.nextCheck <= now)
        .sort((a, b) => a.nextCheck - b.nextCheck)
        .slice(0, limit),
    async settle(id, txids, at) {
      void at;
      const taken = txids.map((txid) => settlements.get(txid)).find((owner) => owner !== undefined && owner !== id);
      if (taken) return taken;
      for (const txid of txids) settlements.set(txid, id);
      return null;
    },
    settledBy: async (txid) => settlements.get(txid) ?? null,
    async issueIndex(first, record) {
      if (nextIndex === null) {
        const start = await first();
        nextIndex ??= start;
      }
      const index = nextIndex++;
      issued.set(index, { ...record, index, invoiceId: null });
      return index;
    },
    issued: async (index) => issued.get(index) ?? null,
    async bindIssued(index, invoiceId) {
      const entry = issued.get(index);
      if (!entry) return invoiceId;
      if (entry.invoiceId === null) issued.set(index, { ...entry, invoiceId });
      return issued.get(index)!.invoiceId!;
    },
    async appendLog(entry, keep) {
      log.push(entry);
      if (log.length > keep) log.splice(0, log.length - keep);
    },
    log: async (limit) => log.slice(-limit),
    close: async () => undefined,
  };
}
