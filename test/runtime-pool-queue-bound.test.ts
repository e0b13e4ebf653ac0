import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueueFullError } from '../src/errors.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import type { handlers } from './fixtures/workers/basic.ts';

const pool = new WorkerPool<typeof handlers>({
  name: 'bounded', filename: new URL('./fixtures/workers/basic.ts', import.meta.url), threads: 2, maxQueue: 2,
});
after(() => pool.close(5000));

test('a pool whose queue is full refuses with QueueFullError; queued work can be cancelled; accepted work completes', async () => {
  await pool.ready();
  const running = [pool.run('sleep', { ms: 150, value: 'a' }), pool.run('sleep', { ms: 150, value: 'b' })];
  const ac = new AbortController();
  const queued = [pool.run('echo', { value: 'c' }), pool.run('echo', { value: 'd' }, { signal: ac.signal })];
  assert.equal(pool.stats().queueSize, 2);
  assert.equal(pool.needsDrain, true);
  await assert.rejects(pool.run('echo', { value: 'e' }), (e: unknown) => e instanceof QueueFullError && e.code === 'QUEUE_FULL');

  ac.abort(new Error('client went away'));
  await assert.rejects(queued[1]!, /client went away/);
  assert.equal(pool.stats().queueSize, 1, 'the cancelled task left the queue without running');
  assert.equal(await pool.run('echo', { value: 'f' }), 'f'); // room again

  assert.deepEqual(await Promise.all([...running, queued[0]!]), ['a', 'b', 'c']);
  assert.equal(pool.stats().crashed, 0, 'cancelling never terminated a worker');
});
