import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitOpenError, DeadlineExceededError, ValidationError } from '../src/errors.ts';
import { CircuitBreaker } from '../src/runtime/circuit-breaker.ts';
import type { CircuitState } from '../src/runtime/circuit-breaker.ts';

test('the breaker opens after consecutive failures, half-opens after the reset timeout, and closes on a successful probe', async () => {
  const changes: string[] = [];
  const b = new CircuitBreaker('matcher', {
    failureThreshold: 3, resetTimeoutMs: 40,
    onStateChange: (to: CircuitState, from: CircuitState) => changes.push(`${from}->${to}`),
  });
  const fail = () => Promise.reject(new DeadlineExceededError('matcher', 10)); // deadlines count as failures
  const ok = () => Promise.resolve('ok');

  // A caller's 4xx error does not count and a success resets the run.
  await assert.rejects(b.exec(fail));
  await assert.rejects(b.exec(() => Promise.reject(new ValidationError([]))));
  await b.exec(ok);
  for (let i = 0; i < 2; i++) await assert.rejects(b.exec(fail), DeadlineExceededError);
  assert.equal(b.state, 'closed');
  await assert.rejects(b.exec(fail), DeadlineExceededError);
  assert.equal(b.state, 'open');

  let ran = false;
  await assert.rejects(b.exec(() => { ran = true; return ok(); }), CircuitOpenError);
  assert.equal(ran, false, 'an open circuit does not call through');

  await sleep(50);
  assert.equal(b.state, 'half-open');
  // Only one probe at a time.
  let release!: (v: string) => void;
  const probe = b.exec(() => new Promise<string>((r) => { release = r; }));
  await assert.rejects(b.exec(ok), CircuitOpenError);
  release('fine');
  assert.equal(await probe, 'fine');
  assert.equal(b.state, 'closed');

  // A failed probe re-opens.
  for (let i = 0; i < 3; i++) await assert.rejects(b.exec(fail));
  await sleep(50);
  await assert.rejects(b.exec(fail), DeadlineExceededError);
  assert.equal(b.state, 'open');

  assert.deepEqual(changes, ['closed->open', 'open->half-open', 'half-open->closed', 'closed->open', 'open->half-open', 'half-open->open']);
});
