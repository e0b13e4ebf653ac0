import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerCrashedError } from '../src/errors.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import type { handlers } from './fixtures/workers/basic.ts';

const pool = new WorkerPool<typeof handlers>({
  name: 'crashy', filename: new URL('./fixtures/workers/basic.ts', import.meta.url), threads: 2, maxQueue: 16,
});
after(() => pool.close(5000));

test('a worker killed mid-request is replaced and the request is retried once and succeeds', async () => {
  await pool.ready();
  const flag = new SharedArrayBuffer(4);
  const out = await pool.run('crashOnce', { flag });
  assert.deepEqual(out, { attempt: 2 });
  const s = pool.stats();
  assert.equal(s.crashed, 1);
  assert.equal(s.retried, 1);
});

test('a task that kills its worker every time rejects with WorkerCrashedError instead of hanging', async () => {
  const count = new SharedArrayBuffer(4);
  const t0 = performance.now();
  const settled = await Promise.race([
    pool.run('crashAlways', { count }).then(() => 'resolved', (e: unknown) => e),
    sleep(5000, 'hung'),
  ]);
  assert.ok(settled instanceof WorkerCrashedError, `expected WorkerCrashedError, got ${String(settled)}`);
  assert.equal(settled.code, 'WORKER_CRASHED');
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(Atomics.load(new Int32Array(count), 0), 2, 'ran exactly twice: the first attempt and one retry');
});

test('after crashes the pool still has its full thread count and serves new tasks', async () => {
  await sleep(20); // replacements are added in the tick of the exit
  const s = pool.stats();
  assert.equal(s.threads, 2);
  assert.equal(s.broken, false);
  const results = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => pool.run('double', { x })));
  assert.deepEqual(results, [2, 4, 6, 8, 10, 12]);
  await pool.ready(); // every thread loads and answers
});
