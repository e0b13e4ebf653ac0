import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EdgeDdxError } from '../src/errors.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import type { handlers } from './fixtures/workers/basic.ts';

const pool = new WorkerPool<typeof handlers>({
  name: 'errors', filename: new URL('./fixtures/workers/basic.ts', import.meta.url), threads: 2, maxQueue: 8,
});
after(() => pool.close(5000));

test('errors cross the thread boundary as data and come back typed; unknown errors leak no text; moved buffers arrive', async () => {
  await assert.rejects(pool.run('throwTyped', undefined as never), (e: unknown) =>
    e instanceof EdgeDdxError && e.code === 'VALIDATION_FAILED' && e.retryable === false);
  await assert.rejects(pool.run('throwPlain', undefined as never), (e: unknown) =>
    e instanceof EdgeDdxError && e.code === 'INTERNAL' && !e.message.includes('patient'));
  await assert.rejects(pool.run({ op: 'noSuchOp' as 'echo', payload: { value: 1 } }), (e: unknown) => e instanceof EdgeDdxError && e.code === 'INTERNAL');
  const sq = await pool.run('squares', { n: 5 });
  assert.ok(sq instanceof Float32Array);
  assert.deepEqual([...sq], [0, 1, 4, 9, 16]);
  const s = pool.stats();
  assert.equal(s.failed, 3);
  assert.equal(s.crashed, 0, 'a handler error is an answer, not a lost worker');
});
