import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineExceededError } from '../src/errors.ts';
import { withDeadline } from '../src/runtime/deadline.ts';

test('withDeadline rejects late work with DeadlineExceededError, aborts its controller, and passes prompt work through', async () => {
  const ac = new AbortController();
  const late = sleep(200, 'late');
  await assert.rejects(withDeadline(late, 20, 'lookup', ac), DeadlineExceededError);
  assert.ok(ac.signal.aborted);
  assert.ok(ac.signal.reason instanceof DeadlineExceededError);
  assert.equal(await withDeadline(sleep(1, 'soon'), 1000, 'lookup'), 'soon');
  await assert.rejects(withDeadline(Promise.reject(new Error('own')), 1000, 'lookup'), /own/);
  // A late rejection after the deadline is observed, not reported as unhandled.
  await assert.rejects(withDeadline(sleep(30).then(() => { throw new Error('late failure'); }), 5, 'x'), DeadlineExceededError);
  await sleep(50);
});
