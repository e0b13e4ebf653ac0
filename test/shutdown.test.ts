import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { spawnServer } from './helpers/child.ts';
import { json } from './helpers/server.ts';

test('SIGTERM under load: every acknowledged session is committed, and the process exits 0 within 10 s', async () => {
  const srv = await spawnServer();
  const body = JSON.stringify({ text: 'fever, cough and sore throat for two days', patient: { age: 30 } });
  const acked: string[] = [];
  let refused = 0;
  let sigtermAt = 0;
  const fire = async () => {
    try {
      const res = await fetch(`${srv.url}/v1/diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status === 200) acked.push((await json(res)).session_id);
      else { refused++; await res.text(); }
    } catch { refused++; }
  };
  const load: Promise<void>[] = [];
  for (let i = 0; i < 300; i++) {
    load.push(fire());
    if (i === 150) { sigtermAt = Date.now(); srv.proc.kill('SIGTERM'); }
    if (i % 25 === 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(load);
  const code = await srv.exited;
  const took = Date.now() - sigtermAt;
  assert.equal(code, 0, srv.output().slice(-800));
  assert.ok(took < 10_000, `shutdown took ${took} ms`);
  assert.ok(acked.length > 0, 'some requests were answered before shutdown');
  const db = new Database(join(srv.dataDir, 'edge-ddx.db'), { readonly: true });
  const has = db.prepare('SELECT 1 FROM diagnosis_sessions WHERE id = ?');
  const missing = acked.filter((id) => !has.get(id));
  db.close();
  rmSync(srv.dataDir, { recursive: true, force: true });
  assert.deepEqual(missing, [], `${missing.length} acknowledged sessions are not in the database (acked ${acked.length}, refused ${refused})`);
});
