/**
 * The shared store: PostgreSQL through the `postgres` client (a pool of `max` connections), main thread only.
 *
 * Guarantee: when commitSession resolves, the server has acknowledged COMMIT of the transaction holding the
 * session row and its events. A rejection is not proof of absence: after a deadline or a dropped connection the
 * transaction may still have committed (the client cannot know), so retries must tolerate an existing row.
 *
 * Every operation runs under our own deadline (`operationTimeoutMs`, migrations `migrateTimeoutMs`) because the
 * client's connect_timeout does not cover waiting for a free pooled connection; `statement_timeout` bounds the
 * server side. Migrations take a transaction-scoped advisory lock so replicas starting together apply them once.
 */
import postgres from 'postgres';
import { Type, type Static } from '@sinclair/typebox';
import { ClosedError } from '../errors.ts';
import { GroupCommit } from './group-commit.ts';
import { loadMigrations } from './migrations.ts';
import { asStoreError, fillOptions, isoTimestamp, withDeadline, timedPing } from './shared.ts';
import type {
  AuditEvent, ConditionRow, NewAuditEvent, PatientRecord, SessionEvent, SessionRecord, Store, StoreHooks, StoreStats,
} from './types.ts';

export const PostgresStoreOptions = Type.Object({
  url: Type.String({ pattern: '^postgres(ql)?://' }),
  max: Type.Integer({ minimum: 1, default: 10 }),
  connectTimeoutS: Type.Number({ exclusiveMinimum: 0, default: 5 }),
  idleTimeoutS: Type.Number({ minimum: 0, default: 30 }),
  statementTimeoutMs: Type.Integer({ minimum: 1, default: 5_000 }),
  operationTimeoutMs: Type.Integer({ minimum: 1, default: 5_000 }),
  migrateTimeoutMs: Type.Integer({ minimum: 1, default: 60_000 }),
  closeTimeoutMs: Type.Integer({ minimum: 0, default: 10_000 }),
  maxPending: Type.Integer({ minimum: 1, default: 10_000 }),
  maxBatch: Type.Integer({ minimum: 1, default: 1_000 }),
  applicationName: Type.String({ default: 'edge-ddx' }),
  // tests give each run its own schema; production leaves the server's default
  searchPath: Type.Optional(Type.String({ minLength: 1 })),
});
export type PostgresStoreOptions = Static<typeof PostgresStoreOptions>;
export type PostgresStoreInput = Partial<PostgresStoreOptions> & Pick<PostgresStoreOptions, 'url'> & StoreHooks;

type Json = postgres.JSONValue;
const json = (sql: Pick<postgres.Sql, 'json'>, v: unknown) => sql.json((v ?? null) as Json);

const SESSION_COLUMNS = ['id', 'patient_id', 'created_at', 'symptoms', 'request', 'result', 'urgency',
  'processing_time_ms', 'agent_responses', 'degraded'] as const;
const EVENT_COLUMNS = ['session_id', 'type', 'at', 'data'] as const;
type Value = postgres.ParameterOrJSON<never>;
type SessionInsert = Record<(typeof SESSION_COLUMNS)[number], Value>;
type EventInsert = Record<(typeof EVENT_COLUMNS)[number], Value>;
interface Encoded { session: SessionInsert; events: EventInsert[] }

interface SessionRow {
  id: string; patient_id: string | null; created_at: Date; symptoms: unknown; request: unknown; result: unknown;
  urgency: string; processing_time_ms: number; agent_responses: unknown; degraded: string[];
}
interface EventRow { id: string; session_id: string | null; type: string; at: Date; data: unknown }
interface PatientRow { id: string; created_at: Date; updated_at: Date; data: unknown }

// one INSERT may bind at most 65535 parameters
const rowsPerInsert = (columns: number) => Math.floor(60_000 / columns);
function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

// SQLSTATE classes one row can cause (22 data exception, 23 integrity constraint), and values the client could
// not serialise; connection loss, timeouts and server trouble would fail every row alike
function isRowLevel(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  return err instanceof postgres.PostgresError && /^2[23]/.test(err.code);
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly #o: PostgresStoreOptions;
  readonly #hooks: StoreHooks;
  readonly #sql: postgres.Sql;
  readonly #group: GroupCommit<Encoded>;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(input: PostgresStoreInput) {
    const { logger, onCommit, ...rest } = input;
    this.#o = fillOptions(PostgresStoreOptions, rest, 'PostgreSQL store');
    this.#hooks = { logger, onCommit };
    const o = this.#o;
    this.#sql = postgres(o.url, {
      max: o.max,
      connect_timeout: o.connectTimeoutS,
      idle_timeout: o.idleTimeoutS,
      onnotice: () => {},
      transform: { undefined: null },
      connection: {
        application_name: o.applicationName,
        statement_timeout: o.statementTimeoutMs,
        ...(o.searchPath ? { search_path: o.searchPath } : {}),
      },
    });
    this.#group = new GroupCommit<Encoded>({
      name: 'store commit',
      maxPending: o.maxPending,
      maxBatch: o.maxBatch,
      write: (items) => withDeadline(this.#sql.begin(async (tx) => {
        for (const rows of chunks(items.map((i) => i.session), rowsPerInsert(SESSION_COLUMNS.length))) {
          await tx`insert into diagnosis_sessions ${tx(rows, ...SESSION_COLUMNS)}`;
        }
        for (const rows of chunks(items.flatMap((i) => i.events), rowsPerInsert(EVENT_COLUMNS.length))) {
          await tx`insert into events ${tx(rows, ...EVENT_COLUMNS)}`;
        }
      }), o.operationTimeoutMs, 'commit'),
      isolate: isRowLevel,
      toError: (err) => asStoreError('commit', err),
      onCommit,
    });
  }

  migrate(): Promise<number> {
    const migrations = loadMigrations('postgres');
    return this.#op('migration', (sql) => sql.begin(async (tx) => {
      // index builds may outlast the per-statement limit meant for request traffic; SET LOCAL ends with the tx
      await tx.unsafe(`set local statement_timeout = ${this.#o.migrateTimeoutMs}`);
      // per schema, so parallel test runs in separate schemas do not queue behind each other
      await tx`select pg_advisory_xact_lock(hashtext(current_schema() || '.edge_ddx_migrations'))`;
      await tx`create table if not exists schema_migrations
        (version integer primary key, name text not null, applied_at timestamptz not null default now())`;
      const done = new Set((await tx<{ version: number }[]>`select version from schema_migrations`).map((r) => r.version));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await tx.unsafe(m.sql);
        await tx`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
        done.add(m.version);
      }
      return Math.max(0, ...done);
    }), this.#o.migrateTimeoutMs);
  }

  commitSession(s: SessionRecord, events: SessionEvent[] = []): Promise<void> {
    let encoded: Encoded;
    try {
      if (this.#closed) throw new ClosedError('store');
      const sql = this.#sql;
      encoded = {
        session: {
          id: s.id, patient_id: s.patientId, created_at: isoTimestamp(s.createdAt), symptoms: json(sql, s.symptoms),
          request: json(sql, s.request), result: json(sql, s.result), urgency: s.urgency,
          processing_time_ms: s.processingTimeMs, agent_responses: json(sql, s.agentResponses), degraded: json(sql, s.degraded ?? []),
        },
        events: events.map((e) => ({ session_id: s.id, type: e.type, at: isoTimestamp(e.at), data: json(sql, e.data) })),
      };
    } catch (err) {
      return Promise.reject(asStoreError('commit', err));
    }
    return this.#group.submit(encoded);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    const [r] = await this.#op('read', (sql) => sql<SessionRow[]>`select id, patient_id, created_at, symptoms, request,
      result, urgency, processing_time_ms, agent_responses, degraded from diagnosis_sessions where id = ${id}`);
    return r ? {
      id: r.id, patientId: r.patient_id, createdAt: isoTimestamp(r.created_at), symptoms: r.symptoms, request: r.request,
      result: r.result, urgency: r.urgency, processingTimeMs: r.processing_time_ms, agentResponses: r.agent_responses,
      degraded: r.degraded,
    } : null;
  }

  async listEvents(sessionId: string): Promise<AuditEvent[]> {
    const rows = await this.#op('read', (sql) =>
      sql<EventRow[]>`select id, session_id, type, at, data from events where session_id = ${sessionId} order by id`);
    // bigserial arrives as a string; ids stay far below 2^53
    return rows.map((r) => ({ id: Number(r.id), sessionId: r.session_id, type: r.type, at: isoTimestamp(r.at), data: r.data }));
  }

  async appendEvent(e: NewAuditEvent): Promise<void> {
    await this.#op('write', (sql) => sql`insert into events (session_id, type, at, data)
      values (${e.sessionId}, ${e.type}, ${isoTimestamp(e.at)}, ${json(sql, e.data)})`);
  }

  async upsertPatient(p: PatientRecord): Promise<void> {
    await this.#op('write', (sql) => sql`insert into patients (id, created_at, updated_at, data)
      values (${p.id}, ${isoTimestamp(p.createdAt)}, ${isoTimestamp(p.updatedAt)}, ${json(sql, p.data)})
      on conflict (id) do update set updated_at = excluded.updated_at, data = excluded.data`);
  }

  async getPatient(id: string): Promise<PatientRecord | null> {
    const [r] = await this.#op('read', (sql) =>
      sql<PatientRow[]>`select id, created_at, updated_at, data from patients where id = ${id}`);
    return r ? { id: r.id, createdAt: isoTimestamp(r.created_at), updatedAt: isoTimestamp(r.updated_at), data: r.data } : null;
  }

  async syncConditions(rows: ConditionRow[]): Promise<void> {
    await this.#op('write', (sql) => sql.begin(async (tx) => {
      await tx`delete from conditions`;
      const values = rows.map((r) => ({ id: r.id, name: r.name, icd10: r.icd10, system: r.system, data: json(tx, r.data) }));
      for (const chunk of chunks(values, rowsPerInsert(5))) {
        await tx`insert into conditions ${tx(chunk, 'id', 'name', 'icd10', 'system', 'data')}`;
      }
    }));
  }

  async countSessions(): Promise<number> {
    const [r] = await this.#op('read', (sql) => sql<{ n: number }[]>`select count(*)::int as n from diagnosis_sessions`);
    return r?.n ?? 0;
  }

  ping(): Promise<{ ok: boolean; latencyMs: number }> {
    return timedPing(() => this.#op('ping', (sql) => sql`select 1`));
  }

  stats(): StoreStats {
    return { pendingCommits: this.#group.pending, commitBatches: this.#group.batches, lastCommitMs: this.#group.lastMs };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      try {
        await withDeadline(this.#group.close(), this.#o.closeTimeoutMs, 'close');
      } catch {
        this.#hooks.logger?.warn({ pendingCommits: this.#group.pending }, 'PostgreSQL store: pending commits did not flush in time');
        this.#group.destroy();
      }
      await this.#sql.end({ timeout: Math.ceil(this.#o.closeTimeoutMs / 1000) });
    })();
    return this.#closing;
  }

  destroy(): void {
    this.#closed = true;
    this.#group.destroy();
    void this.#sql.end({ timeout: 0 });
  }

  async #op<T>(what: string, fn: (sql: postgres.Sql) => PromiseLike<T>, ms = this.#o.operationTimeoutMs): Promise<T> {
    if (this.#closed) throw new ClosedError('store');
    try {
      return await withDeadline(fn(this.#sql), ms, what);
    } catch (err) {
      throw asStoreError(what, err);
    }
  }
}
