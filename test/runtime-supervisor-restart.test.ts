import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Supervisor } from '../src/runtime/supervisor.ts';
import { WorkerPool } from '../src/runtime/pool/pool.ts';
import type { CallContext, Supervisable } from '../src/runtime/types.ts';

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** A child whose restart fails `failures` times before it works. */
class FlakyChild implements Supervisable<number, number> {
  restartTimes: number[] = [];
  #listeners = new Set<(r: unknown) => void>();
  constructor(public failures: number) {}
  async call(n: number, _ctx: CallContext) { return n + 1; }
  async close() {}
  async destroy() {}
  async restart() {
    this.restartTimes.push(performance.now());
    if (this.failures-- > 0) throw new Error('still broken');
  }
  onBroken(l: (r: unknown) => void) { this.#listeners.add(l); return () => this.#listeners.delete(l); }
  breakNow() { for (const l of this.#listeners) l(new Error('lost all workers')); }
}

test('the supervisor restarts a broken child with exponential backoff and reports it in health()', async () => {
  const events: number[] = [];
  const sup = new Supervisor({
    backoffBaseMs: 20, backoffMaxMs: 1000, backoffJitter: 0,
    onRestart: (_name, e) => events.push(e.delayMs),
  });
  after(() => sup.destroy());
  const child = new FlakyChild(2);
  sup.add('flaky', child);
  assert.equal(await sup.call('flaky', 1), 2);

  const t0 = performance.now();
  child.breakNow();
  assert.equal(sup.health().flaky!.state, 'restarting');
  await until(() => sup.health().flaky!.state === 'up', 2000);

  assert.deepEqual(events, [20, 40, 80], 'delays double after each failed attempt');
  const [a, b, c] = child.restartTimes.map((t) => t - t0);
  assert.ok(a! >= 18 && b! - a! >= 38 && c! - b! >= 78, `gaps grow: ${child.restartTimes.map((t) => (t - t0).toFixed(0))}`);
  const h = sup.health().flaky!;
  assert.equal(h.restarts, 1);
  assert.equal(h.circuit, 'closed');
  assert.equal(await sup.call('flaky', 41), 42);
});

test('the supervisor recreates a pool whose workers fail while starting, and calls succeed once it is repaired', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ddx-boot-'));
  const marker = join(dir, 'broken');
  writeFileSync(marker, '1');
  const pool = new WorkerPool<{ echo: (p: { value: unknown }) => unknown }>({
    name: 'bootfail', filename: new URL('./fixtures/workers/boot-fails.ts', import.meta.url), threads: 2, maxQueue: 8,
    workerData: { marker },
  });
  const sup = new Supervisor({ backoffBaseMs: 30, backoffMaxMs: 200, backoffJitter: 0 });
  sup.add('pool', pool, { deadlineMs: 3000, failureThreshold: 100 });
  after(async () => { await sup.close(5000); rmSync(dir, { recursive: true, force: true }); });

  await until(() => pool.broken || sup.health().pool!.state === 'restarting', 5000);
  await until(() => sup.health().pool!.restarts >= 1, 5000);
  rmSync(marker);
  await until(() => sup.health().pool!.state === 'up' && !pool.broken && pool.stats().threads === 2, 5000);
  await sleep(100);
  const v = await sup.call('pool', { op: 'echo', payload: { value: 'back' } });
  assert.equal(v, 'back');
  await pool.ready();
});
