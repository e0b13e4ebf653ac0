import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueFullError } from '../src/errors.ts';
import { MicroBatcher } from '../src/runtime/batcher.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import type { handlers } from './fixtures/workers/basic.ts';

test('100 concurrent submits go out in far fewer flushes and every caller gets its own result', async () => {
  const sizes: number[] = [];
  const b = new MicroBatcher<number, string>({
    maxBatch: 32, maxWaitUs: 200, maxInFlight: 1,
    flush: async (items) => { sizes.push(items.length); await sleep(2); return items.map((x) => `r${x}`); },
  });
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => b.submit(i)));
  assert.deepEqual(results, Array.from({ length: 100 }, (_, i) => `r${i}`));
  assert.ok(sizes.length <= 5, `flushes: ${sizes}`);
  assert.equal(sizes.reduce((a, n) => a + n, 0), 100);
  assert.ok(sizes.every((n) => n <= 32));
  const s = b.stats();
  assert.equal(s.items, 100);
  assert.equal(s.batches, sizes.length);
  assert.ok(s.meanBatchSize >= 20);
  await b.close();
});

test('a lone submit is flushed on the next tick, not after the wait window or a full batch', async () => {
  const b = new MicroBatcher<number, number>({
    maxBatch: 32, maxWaitUs: 5_000_000, // a 5 s window that must not be waited out
    flush: async (items) => items.map((x) => x + 1),
  });
  const t0 = performance.now();
  assert.equal(await b.submit(1), 2);
  assert.ok(performance.now() - t0 < 250, `took ${performance.now() - t0} ms`);
  assert.equal(b.stats().batches, 1);
  await b.close();
});

test('while a batch is in flight items accumulate; a full queue refuses; cancelled items are not sent', async () => {
  const sizes: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const b = new MicroBatcher<number, number>({
    maxBatch: 8, maxWaitUs: 200, maxQueue: 5, maxInFlight: 1,
    flush: async (items) => { sizes.push(items.length); await gate; return items; },
  });
  const first = b.submit(0);
  // wait until the first batch (of 1) is in flight; a fixed sleep raced the batcher's setImmediate under load
  while (b.stats().inFlight < 1) await new Promise((r) => setImmediate(r));
  const ac = new AbortController();
  const waiting = [1, 2, 3, 4].map((x) => b.submit(x, x === 3 ? { signal: ac.signal } : {}));
  assert.equal(b.stats().queued, 4);
  b.submit(5).catch(() => undefined);
  await assert.rejects(b.submit(6), QueueFullError);
  ac.abort(new Error('gone'));
  await assert.rejects(waiting[2]!, /gone/);
  release();
  assert.equal(await first, 0);
  assert.deepEqual(await Promise.all([waiting[0], waiting[1], waiting[3]]), [1, 2, 4]);
  assert.deepEqual(sizes, [1, 4], 'the second batch took everything that waited, minus the cancelled item');
  await b.close();
});

test('a batcher feeding a real pool maps results back to callers', async () => {
  const pool = new WorkerPool<typeof handlers>({ name: 'batched', filename: new URL('./fixtures/workers/basic.ts', import.meta.url), threads: 2, maxQueue: 8 });
  after(() => pool.close(5000));
  const b = new MicroBatcher<number, number>({
    maxBatch: 16, maxInFlight: 2,
    flush: async (xs) => (await pool.run('echo', { value: xs.map((x) => x * 3) })) as number[],
  });
  const out = await Promise.all(Array.from({ length: 64 }, (_, i) => b.submit(i)));
  assert.deepEqual(out, Array.from({ length: 64 }, (_, i) => i * 3));
  assert.ok(b.stats().batches <= 8, `batches: ${b.stats().batches}`);
  await b.close();
});
