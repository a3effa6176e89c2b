/**
 * The reference {@link ReceiverStore}: one SQLite file (better-sqlite3, an optional peer
 * dependency: `npm install better-sqlite3`). Every write is a transaction, and the journal is a
 * write-ahead log, so a receiver killed at any moment restarts with everything it had answered
 * for: the invoices, the settlements (one transaction pays one invoice, durably), the indices
 * handed out and the re-checks still due.
 * @module
 */
import type { IssuedIndex, LogEntry, ReceiverStore, StoredInvoice } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS invoices (
  id TEXT PRIMARY KEY,
  order_id TEXT,
  address TEXT NOT NULL,
  idx INTEGER,
  expected_sats INTEGER NOT NULL,
  exclusive INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_height INTEGER,
  closes_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  next_check INTEGER NOT NULL,
  checks INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS invoices_due ON invoices (state, next_check);
CREATE INDEX IF NOT EXISTS invoices_address ON invoices (address, expected_sats);
CREATE TABLE IF NOT EXISTS settlements (txid TEXT PRIMARY KEY, invoice_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS issued (idx INTEGER PRIMARY KEY, order_id TEXT, at INTEGER NOT NULL, height INTEGER, invoice_id TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);
`;

interface Row {
  id: string;
  order_id: string | null;
  address: string;
  idx: number | null;
  expected_sats: number;
  exclusive: number;
  created_at: number;
  created_height: number | null;
  closes_at: number;
  state: StoredInvoice['state'];
  next_check: number;
  checks: number;
}

const fromRow = (row: Row): StoredInvoice => ({
  id: row.id,
  orderId: row.order_id,
  address: row.address,
  index: row.idx,
  expectedSats: row.expected_sats,
  exclusive: row.exclusive === 1,
  createdAt: row.created_at,
  createdAtHeight: row.created_height,
  closesAt: row.closes_at,
  state: row.state,
  nextCheck: row.next_check,
  checks: row.checks,
});

/** Opens (or creates) the SQLite database at `path` (`:memory:` for one that lives with the process). */
export async function sqliteReceiverStore(path: string): Promise<ReceiverStore> {
  let Database: typeof import('better-sqlite3');
  try {
    Database = (await import('better-sqlite3')).default;
  } catch {
    throw new Error('The receiver keeps its records in SQLite: npm install better-sqlite3 (or pass a store of your own).');
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const statements = {
    invoice: db.prepare<[string], Row>('SELECT * FROM invoices WHERE id = ?'),
    add: db.prepare(
      `INSERT OR IGNORE INTO invoices (id, order_id, address, idx, expected_sats, exclusive, created_at, created_height, closes_at, state, next_check, checks)
       VALUES (@id, @orderId, @address, @index, @expectedSats, @exclusive, @createdAt, @createdAtHeight, @closesAt, @state, @nextCheck, @checks)`,
    ),
    countOpen: db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM invoices WHERE state = 'open' AND closes_at > ?"),
    countOpenAt: db.prepare<[number, string], { n: number }>(
      "SELECT COUNT(*) AS n FROM invoices WHERE state = 'open' AND closes_at > ? AND address = ?",
    ),
    twins: db.prepare<[string, number, string, number], Row>(
      "SELECT * FROM invoices WHERE address = ? AND expected_sats = ? AND id <> ? AND state <> 'paid' AND closes_at > ?",
    ),
    due: db.prepare<[number, number, number], Row>(
      "SELECT * FROM invoices WHERE state = 'open' AND closes_at > ? AND next_check <= ? ORDER BY next_check LIMIT ?",
    ),
    settledBy: db.prepare<[string], { invoice_id: string }>('SELECT invoice_id FROM settlements WHERE txid = ?'),
    addSettlement: db.prepare('INSERT INTO settlements (txid, invoice_id, at) VALUES (?, ?, ?) ON CONFLICT (txid) DO NOTHING'),
    meta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    issue: db.prepare('INSERT INTO issued (idx, order_id, at, height, invoice_id) VALUES (?, ?, ?, ?, NULL)'),
    issued: db.prepare<[number], { idx: number; order_id: string | null; at: number; height: number | null; invoice_id: string | null }>(
      'SELECT * FROM issued WHERE idx = ?',
    ),
    bind: db.prepare('UPDATE issued SET invoice_id = ? WHERE idx = ? AND invoice_id IS NULL'),
    appendLog: db.prepare('INSERT INTO log (entry) VALUES (?)'),
    trimLog: db.prepare('DELETE FROM log WHERE seq <= (SELECT MAX(seq) FROM log) - ?'),
    log: db.prepare<[number], { entry: string }>('SELECT entry FROM (SELECT seq, entry FROM log ORDER BY seq DESC LIMIT ?) ORDER BY seq'),
  };

  const settle = db.transaction((id: string, txids: readonly string[], at: number): string | null => {
    for (const txid of txids) {
      const owner = statements.settledBy.get(txid)?.invoice_id;
      if (owner !== undefined && owner !== id) return owner;
    }
    for (const txid of txids) statements.addSettlement.run(txid, id, at);
    return null;
  });
  const take = db.transaction((first: number, record: Omit<IssuedIndex, 'index' | 'invoiceId'>): number => {
    const index = statements.meta.get('next_index')?.value ?? first;
    statements.setMeta.run('next_index', index + 1);
    statements.issue.run(index, record.orderId, record.at, record.height);
    return index;
  });

  return {
    invoice: async (id) => {
      const row = statements.invoice.get(id);
      return row ? fromRow(row) : null;
    },
    async addInvoice(invoice) {
      statements.add.run({ ...invoice, exclusive: invoice.exclusive ? 1 : 0 });
      return fromRow(statements.invoice.get(invoice.id)!);
    },
    async updateInvoice(id, changes) {
      const columns = { state: 'state', nextCheck: 'next_check', checks: 'checks' } as const;
      const entries = Object.entries(changes).filter(([key]) => key in columns) as [keyof typeof columns, unknown][];
      if (!entries.length) return;
      db.prepare(`UPDATE invoices SET ${entries.map(([key]) => `${columns[key]} = ?`).join(', ')} WHERE id = ?`).run(
        ...entries.map(([, value]) => value),
        id,
      );
    },
    countOpen: async (now, address) => (address ? statements.countOpenAt.get(now, address)!.n : statements.countOpen.get(now)!.n),
    twins: async (invoice, now) => statements.twins.all(invoice.address, invoice.expectedSats, invoice.id, now).map(fromRow),
    due: async (now, limit) => statements.due.all(now, now, limit).map(fromRow),
    settle: async (id, txids, at) => settle(id, txids, at),
    settledBy: async (txid) => statements.settledBy.get(txid)?.invoice_id ?? null,
    async issueIndex(first, record) {
      // Where to start is asked only once, outside the transaction (it reads the chain).
      const start = statements.meta.get('next_index') ? 0 : await first();
      return take(start, record);
    },
    issued: async (index) => {
      const row = statements.issued.get(index);
      return row ? { index: row.idx, orderId: row.order_id, at: row.at, height: row.height, invoiceId: row.invoice_id } : null;
    },
    async bindIssued(index, invoiceId) {
      statements.bind.run(invoiceId, index);
      return statements.issued.get(index)?.invoice_id ?? invoiceId;
    },
    async appendLog(entry: LogEntry, keep: number) {
      statements.appendLog.run(JSON.stringify(entry));
      statements.trimLog.run(keep);
    },
    log: async (limit) => statements.log.all(limit).map((row) => JSON.parse(row.entry) as LogEntry),
    close: async () => void db.close(),
  };
}
