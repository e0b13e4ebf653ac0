import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineExceededError } from '../src/errors.ts';
import { Actor } from '../src/runtime/actor.ts';

test('an ask past its deadline rejects with DeadlineExceededError, the handler sees the abort, and a later ask works', async () => {
  let sawAbort = false;
  const actor = new Actor<{ ms: number; v: string }, string>('slowpoke', async (msg, ctx) => {
    ctx.signal.addEventListener('abort', () => { sawAbort = true; });
    await sleep(msg.ms);
    return msg.v;
  }, { mailbox: 4, concurrency: 1 });

  const t0 = performance.now();
  await assert.rejects(actor.ask({ ms: 200, v: 'late' }, { timeoutMs: 30 }), DeadlineExceededError);
  assert.ok(performance.now() - t0 < 180, 'rejected at the deadline, not when the handler finished');
  assert.ok(sawAbort);

  // Queued behind the still-running late handler, this one is removed from the mailbox at its deadline.
  await assert.rejects(actor.ask({ ms: 1, v: 'queued' }, { timeoutMs: 20 }), DeadlineExceededError);

  assert.equal(await actor.ask({ ms: 1, v: 'ok' }, { timeoutMs: 1000 }), 'ok');
  const s = actor.stats();
  assert.equal(s.processed, 1);
  assert.equal(s.failed, 2);
  assert.equal(s.queued, 0);
  await actor.close(1000);
});
