// One behaviour suite, run against both Store implementations: SQLite in a temp dir, PostgreSQL in a fresh schema.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { ClosedError, QueueFullError, StoreError } from '../src/errors.ts';
import { CachedStore } from '../src/store/cached-store.ts';
import { PostgresStore } from '../src/store/postgres-store.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import type { SessionRecord, Store } from '../src/store/types.ts';
import { createTestSchema, requirePgOrSkip } from './helpers/pg.ts';

interface Harness {
  /** a new, not yet migrated store on the suite's database */
  open(over?: { maxPending?: number }): Store;
  /** SQL on a connection of its own, bypassing the store */
  raw(sql: string): Promise<unknown[]>;
  cleanup(): Promise<void>;
}

let seq = 0;
function session(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomUUID(),
    patientId: 'patient-1',
    createdAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, seq++ % 1000)).toISOString(),
    symptoms: [{ id: 'F001', present: true, onset: { days: 2 } }],
    request: { text: '[redacted]', age: 41, sex: 'f', flags: [] },
    result: { differential: [{ id: 'C1', p: 0.42 }, { id: 'C2', p: 0.1 }], note: 'ünïcødé ✓', nested: { a: [1, 'two', null, true] } },
    urgency: 'routine',
    processingTimeMs: 12.5,
    agentResponses: { triage: { ms: 3.25, out: { level: 'routine' } } },
    degraded: ['retrieval'],
    ...over,
  };
}

function storeSuite(kind: string, setup: () => Promise<Harness>, skip: false | string = false): void {
  describe(`${kind} store`, { skip }, () => {
    let h: Harness;
    let store: Store;

    before(async () => {
      h = await setup();
      store = h.open();
      assert.equal(await store.migrate(), 1);
    });
    after(async () => {
      await store?.close();
      await h?.cleanup();
    });

    test('migrations are idempotent', async () => {
      assert.equal(await store.migrate(), 1);
      const other = h.open();
      try {
        assert.equal(await other.migrate(), 1);
      } finally {
        await other.close();
      }
      assert.equal((await h.raw('select version from schema_migrations')).length, 1);
    });

    test('a session and its events round-trip with their JSON fields', async () => {
      const s = session({ patientId: null });
      await store.commitSession(s, [
        { type: 'diagnosis.started', at: '2025-01-02T03:04:05.000Z', data: { step: 1 } },
        { type: 'diagnosis.finished', at: '2025-01-02T03:04:06.000Z', data: { step: 2, ok: true } },
      ]);
      assert.deepEqual(await store.getSession(s.id), s);
      assert.equal(await store.getSession(randomUUID()), null);

      const events = await store.listEvents(s.id);
      assert.deepEqual(events.map((e) => [e.sessionId, e.type, e.at, e.data]), [
        [s.id, 'diagnosis.started', '2025-01-02T03:04:05.000Z', { step: 1 }],
        [s.id, 'diagnosis.finished', '2025-01-02T03:04:06.000Z', { step: 2, ok: true }],
      ]);
      assert.ok(typeof events[0]!.id === 'number' && events[1]!.id! > events[0]!.id!);

      const empty = session({ symptoms: null, request: null, result: [], agentResponses: {}, degraded: [] });
      await store.commitSession(empty, [{ type: 'no-data', at: empty.createdAt, data: null }]);
      assert.deepEqual(await store.getSession(empty.id), empty);
      assert.equal((await store.listEvents(empty.id))[0]?.data, null);
    });

    test('group commit: 500 concurrent commits resolve in fewer transactions, all rows present', async () => {
      const before = await store.countSessions();
      const batches = store.stats().commitBatches;
      const sessions = Array.from({ length: 500 }, () => session());
      await Promise.all(sessions.map((s) => store.commitSession(s, [{ type: 'committed', at: s.createdAt, data: null }])));
      const used = store.stats().commitBatches - batches;
      assert.ok(used >= 1 && used < 500, `${used} transactions for 500 commits`);
      assert.equal(await store.countSessions(), before + 500);
      assert.equal(store.stats().pendingCommits, 0);
      for (const s of [sessions[0]!, sessions[250]!, sessions[499]!]) {
        assert.equal((await store.getSession(s.id))?.id, s.id);
        assert.equal((await store.listEvents(s.id)).length, 1);
      }
    });

    test('a session the database refuses fails alone, without its events; the rest of its batch commits', async () => {
      const dup = session();
      const ok = session();
      const results = await Promise.allSettled([
        store.commitSession(dup, [{ type: 'first', at: dup.createdAt, data: null }]),
        store.commitSession({ ...dup }, [{ type: 'second', at: dup.createdAt, data: null }]),
        store.commitSession(ok),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      const err = (results[1] as PromiseRejectedResult).reason;
      assert.ok(err instanceof StoreError, String(err));
      assert.equal(err.code, 'STORE_UNAVAILABLE');
      assert.ok(!err.message.includes(dup.id), 'error message must not quote row data');
      assert.deepEqual((await store.listEvents(dup.id)).map((e) => e.type), ['first']);
      assert.equal((await store.getSession(ok.id))?.id, ok.id);
    });

    test('events are append-only: UPDATE and DELETE raise', async () => {
      const sessionId = randomUUID();
      await store.appendEvent({ sessionId, type: 'audit.note', at: new Date().toISOString(), data: { n: 1 } });
      await assert.rejects(h.raw(`update events set type = 'changed' where session_id = '${sessionId}'`), /append-only/);
      await assert.rejects(h.raw(`delete from events where session_id = '${sessionId}'`), /append-only/);
      assert.deepEqual((await store.listEvents(sessionId)).map((e) => e.type), ['audit.note']);
    });

    test('through the cache, reads after a write see the write', async () => {
      const cached = new CachedStore(store, { maxEntries: 100 });
      const s = session();
      assert.equal(await cached.getSession(s.id), null); // absent is not cached
      await cached.commitSession(s);
      assert.deepEqual(await cached.getSession(s.id), s);
      assert.deepEqual(await cached.getSession(s.id), s);
      assert.equal(cached.cacheStats().hits, 1);

      const t = '2025-01-02T00:00:00.000Z';
      await cached.upsertPatient({ id: 'patient-c', createdAt: t, updatedAt: t, data: { v: 1 } });
      assert.deepEqual((await cached.getPatient('patient-c'))?.data, { v: 1 });
      await cached.upsertPatient({ id: 'patient-c', createdAt: t, updatedAt: '2025-01-03T00:00:00.000Z', data: { v: 2 } });
      const p = await cached.getPatient('patient-c');
      assert.deepEqual(p, { id: 'patient-c', createdAt: t, updatedAt: '2025-01-03T00:00:00.000Z', data: { v: 2 } });
      assert.throws(() => { (p!.data as { v: number }).v = 3; }, TypeError); // cached rows are shared, so frozen
    });

    test('syncConditions replaces the catalogue in one transaction', async () => {
      const row = (id: string) => ({ id, name: `Condition ${id}`, icd10: 'X00', system: 'test', data: { id } });
      await store.syncConditions([row('a'), row('b'), row('c')]);
      await store.syncConditions([row('b'), row('d')]);
      assert.deepEqual((await h.raw('select id from conditions order by id')).map((r) => (r as { id: string }).id), ['b', 'd']);
    });

    test('ping answers', async () => {
      const r = await store.ping();
      assert.equal(r.ok, true);
      assert.ok(r.latencyMs >= 0);
    });

    test('close() flushes pending commits before closing', async () => {
      const before = await store.countSessions();
      const s = h.open();
      await s.migrate();
      const commits = Array.from({ length: 200 }, () => s.commitSession(session()));
      await s.close();
      await Promise.all(commits); // every commit accepted before close() resolved
      const reopened = h.open();
      try {
        await reopened.migrate();
        assert.equal(await reopened.countSessions(), before + 200);
      } finally {
        await reopened.close();
      }
    });

    test('work submitted during and after close is refused with ClosedError', async () => {
      const s = h.open();
      await s.migrate();
      const closing = s.close();
      await assert.rejects(s.commitSession(session()), (e) => e instanceof ClosedError && e.code === 'SHUTTING_DOWN');
      await closing;
      await assert.rejects(s.commitSession(session()), ClosedError);
      await assert.rejects(s.getSession(randomUUID()), ClosedError);
    });

    test('destroy() rejects queued commits with ClosedError', async () => {
      const s = h.open();
      await s.migrate();
      const queued = s.commitSession(session());
      s.destroy();
      await assert.rejects(queued, ClosedError);
    });

    test('the pending bound refuses with QueueFullError', async () => {
      const s = h.open({ maxPending: 10 });
      try {
        await s.migrate();
        const accepted = Array.from({ length: 10 }, () => s.commitSession(session()));
        assert.equal(s.stats().pendingCommits, 10);
        await assert.rejects(s.commitSession(session()), (e) => e instanceof QueueFullError && e.code === 'QUEUE_FULL');
        await Promise.all(accepted);
        await s.commitSession(session()); // room again once the batch is durable
      } finally {
        await s.close();
      }
    });
  });
}

storeSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ddx-store-'));
  const file = join(dir, 'edge-ddx.db');
  return {
    open: (over = {}) => new SqliteStore({ dataDir: dir, ...over }),
    async raw(sql) {
      const db = new Database(file);
      try {
        const stmt = db.prepare(sql);
        return stmt.reader ? stmt.all() : (stmt.run(), []);
      } finally {
        db.close();
      }
    },
    async cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
});

const pg = await requirePgOrSkip();
storeSuite('postgres', async () => {
  const { schema, drop } = await createTestSchema(pg.url);
  const admin = postgres(pg.url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  return {
    open: (over = {}) => new PostgresStore({ url: pg.url, searchPath: schema, ...over }),
    raw: async (sql) => [...await admin.unsafe(sql)],
    async cleanup() {
      await admin.end({ timeout: 0 });
      await drop();
    },
  };
}, pg.skip);
