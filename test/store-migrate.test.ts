// Several replicas starting at once against one fresh database apply each migration exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { PostgresStore } from '../src/store/postgres-store.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import type { Store } from '../src/store/types.ts';
import { createTestSchema, requirePgOrSkip } from './helpers/pg.ts';

async function migrateTogether(open: () => Store, n: number): Promise<number[]> {
  const stores = Array.from({ length: n }, open);
  try {
    return await Promise.all(stores.map((s) => s.migrate()));
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

test('sqlite: concurrent migrate() on a fresh file applies each migration once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ddx-migrate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(await migrateTogether(() => new SqliteStore({ dataDir: dir }), 4), [1, 1, 1, 1]);
  const db = new Database(join(dir, 'edge-ddx.db'), { readonly: true });
  try {
    assert.equal(db.prepare('select count(*) from schema_migrations').pluck().get(), 1);
  } finally {
    db.close();
  }
});

const pg = await requirePgOrSkip();
test('postgres: concurrent migrate() on a fresh schema applies each migration once (advisory lock)', { skip: pg.skip }, async () => {
  const { schema, drop } = await createTestSchema(pg.url);
  after(drop);
  const open = () => new PostgresStore({ url: pg.url, searchPath: schema, max: 2 });
  assert.deepEqual(await migrateTogether(open, 6), [1, 1, 1, 1, 1, 1]);
  const sql = postgres(pg.url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  try {
    assert.deepEqual([...await sql`select version, name from schema_migrations`], [{ version: 1, name: 'init' }]);
  } finally {
    await sql.end({ timeout: 0 });
  }
});
