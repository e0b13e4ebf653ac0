/**
 * The embedded store: one better-sqlite3 connection on `${dataDir}/edge-ddx.db`, WAL journal.
 *
 * Guarantee: when commitSession resolves, the session row and its events are in one committed transaction.
 * With `synchronous: 'NORMAL'` (the default) a committed transaction survives a crash of this process; a power
 * loss or OS crash may lose the last transactions before the next WAL sync. Choose `'FULL'` to survive that too,
 * at the cost of an fsync per group commit.
 *
 * One connection serves reads and writes: better-sqlite3 is synchronous, so a second connection in the same
 * thread adds nothing, and a single writer means BEGIN IMMEDIATE never waits on ourselves. Every call blocks
 * the event loop for its duration; `maxBatch` bounds how long one group commit can hold it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Type, type Static } from '@sinclair/typebox';
import { ClosedError, StoreError } from '../errors.ts';
import { GroupCommit } from './group-commit.ts';
import { loadMigrations } from './migrations.ts';
import { asStoreError, fillOptions, isoTimestamp, timedPing } from './shared.ts';
import type {
  AuditEvent, ConditionRow, NewAuditEvent, PatientRecord, SessionEvent, SessionRecord, Store, StoreHooks, StoreStats,
} from './types.ts';

export const SqliteStoreOptions = Type.Object({
  dataDir: Type.String({ minLength: 1 }),
  fileName: Type.String({ minLength: 1, default: 'edge-ddx.db' }),
  synchronous: Type.Union([Type.Literal('NORMAL'), Type.Literal('FULL')], { default: 'NORMAL' }),
  busyTimeoutMs: Type.Integer({ minimum: 0, default: 5_000 }),
  maxPending: Type.Integer({ minimum: 1, default: 10_000 }),
  maxBatch: Type.Integer({ minimum: 1, default: 1_000 }),
  // every this many group commits, run a PASSIVE checkpoint and warn when the WAL cannot be drained
  checkpointEveryBatches: Type.Integer({ minimum: 1, default: 200 }),
  walWarnPages: Type.Integer({ minimum: 1, default: 16_384 }),
  // after a checkpoint resets the WAL, SQLite truncates the file back to this size
  journalSizeLimitBytes: Type.Integer({ minimum: -1, default: 64 * 1024 * 1024 }),
});
export type SqliteStoreOptions = Static<typeof SqliteStoreOptions>;
export type SqliteStoreInput = Partial<SqliteStoreOptions> & Pick<SqliteStoreOptions, 'dataDir'> & StoreHooks;

// positional parameters of the INSERTs below, encoded on the caller's turn so a value that cannot be
// serialised fails its own commit instead of the group's transaction
type SessionParams = [string, string | null, string, string, string, string, string, number, string, string];
type EventParams = [string | null, string, string, string];
interface Encoded { session: SessionParams; events: EventParams[] }

interface SessionRow {
  id: string; patient_id: string | null; created_at: string; symptoms: string; request: string; result: string;
  urgency: string; processing_time_ms: number; agent_responses: string; degraded: string;
}
interface EventRow { id: number; session_id: string | null; type: string; at: string; data: string }
interface PatientRow { id: string; created_at: string; updated_at: string; data: string }

const json = (v: unknown): string => JSON.stringify(v ?? null);

function prepare(db: Database.Database) {
  const s = {
    insertSession: db.prepare<SessionParams>(`INSERT INTO diagnosis_sessions
      (id, patient_id, created_at, symptoms, request, result, urgency, processing_time_ms, agent_responses, degraded)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertEvent: db.prepare<EventParams>('INSERT INTO events (session_id, type, at, data) VALUES (?, ?, ?, ?)'),
    getSession: db.prepare<[string], SessionRow>('SELECT * FROM diagnosis_sessions WHERE id = ?'),
    listEvents: db.prepare<[string], EventRow>('SELECT id, session_id, type, at, data FROM events WHERE session_id = ? ORDER BY id'),
    upsertPatient: db.prepare<[string, string, string, string]>(`INSERT INTO patients (id, created_at, updated_at, data)
      VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data`),
    getPatient: db.prepare<[string], PatientRow>('SELECT id, created_at, updated_at, data FROM patients WHERE id = ?'),
    deleteConditions: db.prepare('DELETE FROM conditions'),
    insertCondition: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO conditions (id, name, icd10, system, data) VALUES (?, ?, ?, ?, ?)'),
    countSessions: db.prepare<[], number>('SELECT count(*) FROM diagnosis_sessions').pluck(),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
  };
  return {
    ...s,
    writeBatch: db.transaction((items: Encoded[]) => {
      for (const it of items) {
        s.insertSession.run(...it.session);
        for (const e of it.events) s.insertEvent.run(...e);
      }
    }),
    replaceConditions: db.transaction((rows: [string, string, string, string, string][]) => {
      s.deleteConditions.run();
      for (const r of rows) s.insertCondition.run(...r);
    }),
  };
}
type Prepared = ReturnType<typeof prepare>;

// failures one row can cause; anything else (busy, I/O, disk full) would fail every row alike
const ROW_LEVEL = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/;
function isRowLevel(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ROW_LEVEL.test(code);
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  readonly #o: SqliteStoreOptions;
  readonly #hooks: StoreHooks;
  readonly #db: Database.Database;
  readonly #group: GroupCommit<Encoded>;
  #s: Prepared | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  #sinceCheckpoint = 0;

  constructor(input: SqliteStoreInput) {
    const { logger, onCommit, ...rest } = input;
    this.#o = fillOptions(SqliteStoreOptions, rest, 'SQLite store');
    this.#hooks = { logger, onCommit };
    mkdirSync(this.#o.dataDir, { recursive: true });
    this.path = join(this.#o.dataDir, this.#o.fileName);
    try {
      this.#db = new Database(this.path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${this.#o.synchronous}`);
      this.#db.pragma(`busy_timeout = ${this.#o.busyTimeoutMs}`);
      this.#db.pragma(`journal_size_limit = ${this.#o.journalSizeLimitBytes}`);
    } catch (err) {
      throw asStoreError('open', err);
    }
    this.#group = new GroupCommit<Encoded>({
      name: 'store commit',
      maxPending: this.#o.maxPending,
      maxBatch: this.#o.maxBatch,
      write: (items) => { this.#ready().writeBatch.immediate(items); this.#maybeCheckpoint(); },
      isolate: isRowLevel,
      toError: (err) => asStoreError('commit', err),
      onCommit,
    });
  }

  async migrate(): Promise<number> {
    const db = this.#open();
    try {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations
        (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
      const migrations = loadMigrations('sqlite');
      const version = db.transaction(() => {
        const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
        const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
        for (const m of migrations) {
          if (done.has(m.version)) continue;
          db.exec(m.sql);
          record.run(m.version, m.name, new Date().toISOString());
          done.add(m.version);
        }
        return Math.max(0, ...done);
      }).immediate();
      this.#s ??= prepare(db);
      return version;
    } catch (err) {
      throw asStoreError('migration', err);
    }
  }

  commitSession(s: SessionRecord, events: SessionEvent[] = []): Promise<void> {
    let encoded: Encoded;
    try {
      this.#open();
      encoded = {
        session: [s.id, s.patientId, isoTimestamp(s.createdAt), json(s.symptoms), json(s.request), json(s.result),
          s.urgency, s.processingTimeMs, json(s.agentResponses), json(s.degraded ?? [])],
        events: events.map((e) => [s.id, e.type, isoTimestamp(e.at), json(e.data)]),
      };
    } catch (err) {
      return Promise.reject(asStoreError('commit', err));
    }
    return this.#group.submit(encoded);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const r = this.#run('read', (s) => s.getSession.get(id));
    return r ? {
      id: r.id, patientId: r.patient_id, createdAt: r.created_at, symptoms: JSON.parse(r.symptoms),
      request: JSON.parse(r.request), result: JSON.parse(r.result), urgency: r.urgency,
      processingTimeMs: r.processing_time_ms, agentResponses: JSON.parse(r.agent_responses), degraded: JSON.parse(r.degraded),
    } : null;
  }

  async listEvents(sessionId: string): Promise<AuditEvent[]> {
    return this.#run('read', (s) => s.listEvents.all(sessionId))
      .map((r) => ({ id: r.id, sessionId: r.session_id, type: r.type, at: r.at, data: JSON.parse(r.data) }));
  }

  async appendEvent(e: NewAuditEvent): Promise<void> {
    this.#run('write', (s) => { s.insertEvent.run(e.sessionId, e.type, isoTimestamp(e.at), json(e.data)); });
  }

  async upsertPatient(p: PatientRecord): Promise<void> {
    this.#run('write', (s) => { s.upsertPatient.run(p.id, isoTimestamp(p.createdAt), isoTimestamp(p.updatedAt), json(p.data)); });
  }

  async getPatient(id: string): Promise<PatientRecord | null> {
    const r = this.#run('read', (s) => s.getPatient.get(id));
    return r ? { id: r.id, createdAt: r.created_at, updatedAt: r.updated_at, data: JSON.parse(r.data) } : null;
  }

  async syncConditions(rows: ConditionRow[]): Promise<void> {
    const params = rows.map((r): [string, string, string, string, string] => [r.id, r.name, r.icd10, r.system, json(r.data)]);
    this.#run('write', (s) => { s.replaceConditions.immediate(params); });
  }

  async countSessions(): Promise<number> {
    return this.#run('read', (s) => s.countSessions.get() ?? 0);
  }

  ping(): Promise<{ ok: boolean; latencyMs: number }> {
    return timedPing(() => this.#run('ping', (s) => s.ping.get()));
  }

  stats(): StoreStats {
    return { pendingCommits: this.#group.pending, commitBatches: this.#group.batches, lastCommitMs: this.#group.lastMs };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#group.close().then(() => {
      if (!this.#db.open) return;
      try {
        this.#db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (err) {
        this.#hooks.logger?.warn({ err: asStoreError('checkpoint', err).message }, 'SQLite: final WAL checkpoint failed');
      }
      this.#db.close();
    });
    return this.#closing;
  }

  destroy(): void {
    this.#closed = true;
    this.#group.destroy();
    if (this.#db.open) this.#db.close();
  }

  #open(): Database.Database {
    if (this.#closed) throw new ClosedError('store');
    return this.#db;
  }

  #ready(): Prepared {
    if (!this.#s) throw new StoreError('The store was used before migrate().');
    return this.#s;
  }

  #run<T>(what: string, fn: (s: Prepared) => T): T {
    this.#open();
    try {
      return fn(this.#ready());
    } catch (err) {
      throw asStoreError(what, err);
    }
  }

  // runs after a batch has committed, so it must not throw: that would fail commits that are already durable
  #maybeCheckpoint(): void {
    if (++this.#sinceCheckpoint < this.#o.checkpointEveryBatches) return;
    this.#sinceCheckpoint = 0;
    try {
      // auto-checkpoint already runs every 1000 pages; this catches what it cannot fix: a reader pinning the WAL
      const [r] = this.#db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (r && r.log - r.checkpointed >= this.#o.walWarnPages) {
        this.#hooks.logger?.warn({ walPages: r.log, checkpointed: r.checkpointed }, 'SQLite: WAL keeps growing; a reader is holding it');
      }
    } catch (err) {
      this.#hooks.logger?.warn({ err: asStoreError('checkpoint', err).message }, 'SQLite: WAL checkpoint failed');
    }
  }
}
