import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClosedError } from '../src/errors.ts';
import { Actor } from '../src/runtime/actor.ts';
import { MicroBatcher } from '../src/runtime/batcher.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import { Supervisor } from '../src/runtime/supervisor.ts';
import type { handlers } from './fixtures/workers/basic.ts';

const isClosed = (e: unknown) => e instanceof ClosedError && e.code === 'SHUTTING_DOWN';

test('an actor refuses work submitted during close() and finishes what it had accepted', async () => {
  const actor = new Actor<number, number>('closing', async (n) => { await sleep(30); return n; }, { mailbox: 4, concurrency: 1 });
  const accepted = [actor.ask(1), actor.ask(2)];
  const closing = actor.close(2000);
  await assert.rejects(actor.ask(3), isClosed);
  assert.deepEqual(await Promise.all(accepted), [1, 2]);
  await closing;
});

test('an actor close() that runs out of time destroys what is left', async () => {
  const actor = new Actor<number, number>('stuck', () => new Promise<number>(() => {}), { mailbox: 4, concurrency: 1 });
  const stuck = [actor.ask(1, { timeoutMs: 60_000 }), actor.ask(2, { timeoutMs: 60_000 })];
  const t0 = performance.now();
  await actor.close(50);
  assert.ok(performance.now() - t0 < 1000);
  for (const p of stuck) await assert.rejects(p, isClosed);
});

test('a pool refuses work submitted during close() and finishes running and queued tasks', async () => {
  const pool = new WorkerPool<typeof handlers>({ name: 'closing', filename: new URL('./fixtures/workers/basic.ts', import.meta.url), threads: 2, maxQueue: 4 });
  after(() => pool.destroy());
  await pool.ready();
  const accepted = [1, 2, 3].map((i) => pool.run('sleep', { ms: 50, value: i }));
  const closing = pool.close(5000);
  await assert.rejects(pool.run('echo', { value: 'late' }), isClosed);
  assert.deepEqual(await Promise.all(accepted), [1, 2, 3]);
  await closing;
  assert.equal(pool.stats().threads, 0);
});

test('a batcher refuses work submitted during close() and flushes what waits without the window', async () => {
  const b = new MicroBatcher<number, number>({ maxBatch: 32, maxWaitUs: 5_000_000, maxInFlight: 1, flush: async (xs) => { await sleep(20); return xs; } });
  const first = b.submit(1);
  await sleep(1);
  const second = b.submit(2); // waits behind the in-flight batch
  const closing = b.close(2000);
  await assert.rejects(b.submit(3), isClosed);
  assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  await closing;
});

test('a supervisor refuses calls during close() and closes its children in reverse order', async () => {
  const order: string[] = [];
  const mk = (name: string) => new Actor<number, number>(name, async (n) => { await sleep(20); return n; }, { mailbox: 4, concurrency: 1 });
  const a = mk('a'), b = mk('b');
  const origA = a.close.bind(a), origB = b.close.bind(b);
  a.close = (t?: number) => { order.push('a'); return origA(t); };
  b.close = (t?: number) => { order.push('b'); return origB(t); };
  const sup = new Supervisor();
  sup.add('a', a).add('b', b);
  const inflight = sup.call('a', 7, { deadlineMs: 1000 });
  const closing = sup.close(2000);
  await assert.rejects(sup.call('b', 1), isClosed);
  assert.equal(await inflight, 7);
  await closing;
  assert.deepEqual(order, ['b', 'a']);
  await assert.rejects(a.ask(1), isClosed);
});
