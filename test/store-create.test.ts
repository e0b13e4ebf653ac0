// createStore picks the implementation from the URL, migrates it and puts the cache in front.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../src/errors.ts';
import { createStore, CachedStore, SqliteStore } from '../src/store/index.ts';
import { createTestSchema, requirePgOrSkip } from './helpers/pg.ts';

const dir = mkdtempSync(join(tmpdir(), 'edge-ddx-create-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('without a postgres:// URL it opens the migrated, cached SQLite store under dataDir', async () => {
  const warnings: string[] = [];
  const store = await createStore({
    databaseUrl: 'mysql://nope', dataDir: join(dir, 'nested'), cacheEntries: 10,
    logger: { warn: (_o, msg) => { warnings.push(msg); } },
  });
  try {
    assert.ok(store instanceof CachedStore && store.inner instanceof SqliteStore);
    assert.equal(store.kind, 'sqlite');
    assert.equal(store.inner.path, join(dir, 'nested', 'edge-ddx.db'));
    assert.equal(await store.countSessions(), 0);
    assert.equal(warnings.length, 1);
    assert.ok(!warnings[0]!.includes('nope'));
  } finally {
    await store.close();
  }
});

test('invalid options fail at construction with ConfigError', async () => {
  await assert.rejects(createStore({ dataDir: dir, cacheEntries: 0 }), ConfigError);
  await assert.rejects(createStore({ dataDir: dir, sqlite: { maxPending: -1 } }), ConfigError);
});

const pg = await requirePgOrSkip();
test('a postgres:// URL opens the migrated PostgreSQL store', { skip: pg.skip }, async () => {
  const { schema, drop } = await createTestSchema(pg.url);
  after(drop);
  const batches: number[] = [];
  const store = await createStore({
    databaseUrl: pg.url, dataDir: dir, postgres: { searchPath: schema }, onCommit: (_ms, n) => { batches.push(n); },
  });
  try {
    assert.equal(store.kind, 'postgres');
    assert.equal(await store.countSessions(), 0);
    assert.equal((await store.ping()).ok, true);
    const t = new Date().toISOString();
    await store.commitSession({
      id: randomUUID(), patientId: null, createdAt: t, symptoms: [], request: {}, result: {}, urgency: 'routine',
      processingTimeMs: 1, agentResponses: {}, degraded: [],
    });
    assert.deepEqual(batches, [1]); // the onCommit hook sees each group commit and its size
  } finally {
    await store.close();
  }
});
